"""The permission matrix: every URL × every role × GET and POST against a declared policy.

A URL without an entry in POLICY fails ``test_every_url_has_a_declared_policy``: declare who may open it
before it ships.  Each rule names the object its path parameters point at (see ``World``), so "the head of
that 科室" and "someone else's record" are spelled out, not implied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ganxun.accounts.models import Role
from ganxun.roster.models import Cadre, Section, Tag
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, TagFactory, UnitFactory, UserFactory

ROLES = ("anonymous", "cadre", "section_head", "training_admin", "system_admin")

# What a response may be.  LOGIN is a redirect to a login page carrying ?next= (the door was shut);
# REDIRECT is any other redirect (the view did its job and sent the user on).
OK, REDIRECT, LOGIN, INVALID, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = (
    "200 ok",
    "302 redirect",
    "302 to login",
    "400 invalid",
    "403 forbidden",
    "404 not found",
    "405 method not allowed",
)
# Only for the Django admin: anything the admin itself decides (its pages, its redirects, its own
# read-only 403s) as long as the user was let in.
ADMIN_SITE = "let into the admin site"


def roles(default: str | None = None, **given: str) -> dict[str, str]:
    """A full role -> expectation map; ``anonymous`` defaults to LOGIN (LoginRequiredMiddleware)."""
    given.setdefault("anonymous", LOGIN)
    unknown = set(given) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    if default is None:
        missing = set(ROLES) - set(given)
        assert not missing, f"no expectation for {missing}"
    return {role: given.get(role, default) for role in ROLES}  # type: ignore[misc]


@dataclasses.dataclass(frozen=True)
class Rule:
    get: dict[str, str]
    post: dict[str, str]
    target: str = ""  # the World attribute the URL's pk points at


ADMINS_ONLY = roles(FORBIDDEN, training_admin=OK, system_admin=OK)
ROSTER_BROWSERS = roles(OK, cadre=FORBIDDEN)
GET_ONLY_POST = roles(NOT_ALLOWED)
POST_ONLY_GET = roles(NOT_ALLOWED)


def admins_only(target: str = "", get: str = OK, post: str = OK) -> Rule:
    """Admin pages: section heads and cadres are refused before anything is looked up."""
    return Rule(
        get=roles(FORBIDDEN, training_admin=get, system_admin=get),
        post=roles(FORBIDDEN, training_admin=post, system_admin=post),
        target=target,
    )


POLICY: dict[str, list[Rule]] = {
    "core:home": [Rule(get=roles(OK, cadre=REDIRECT), post=GET_ONLY_POST)],  # a cadre goes to their own page
    "core:healthz": [Rule(get=roles(OK, anonymous=OK), post=roles(NOT_ALLOWED, anonymous=NOT_ALLOWED))],
    "accounts:login": [Rule(get=roles(REDIRECT, anonymous=OK), post=roles(REDIRECT, anonymous=OK))],
    "accounts:logout": [Rule(get=roles(NOT_ALLOWED), post=roles(REDIRECT))],
    "accounts:password_change": [Rule(get=roles(OK), post=roles(OK))],  # empty POST: the form with errors
    "roster:cadre_list": [Rule(get=ROSTER_BROWSERS, post=GET_ONLY_POST)],
    "roster:cadre_export": [Rule(get=ROSTER_BROWSERS, post=GET_ONLY_POST)],
    "roster:cadre_create": [Rule(get=ROSTER_BROWSERS, post=ROSTER_BROWSERS)],
    "roster:cadre_detail": [
        Rule(target="peer", get=roles(OK, cadre=NOT_FOUND), post=GET_ONLY_POST),
        Rule(target="own_cadre", get=roles(OK), post=GET_ONLY_POST),
        Rule(target="elsewhere", get=roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND), post=GET_ONLY_POST),
    ],
    "roster:cadre_update": [
        Rule(target="peer", get=roles(OK, cadre=NOT_FOUND), post=roles(OK, cadre=NOT_FOUND)),
        Rule(target="own_cadre", get=roles(OK, cadre=FORBIDDEN), post=roles(OK, cadre=FORBIDDEN)),
        Rule(
            target="elsewhere",
            get=roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND),
            post=roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND),
        ),
    ],
    # POST only; an empty POST is an invalid status form (400) for whoever may change the status.
    "roster:cadre_status": [
        Rule(target="peer", get=POST_ONLY_GET, post=roles(INVALID, cadre=NOT_FOUND)),
        Rule(target="own_cadre", get=POST_ONLY_GET, post=roles(INVALID, cadre=FORBIDDEN)),
        Rule(target="elsewhere", get=POST_ONLY_GET, post=roles(INVALID, cadre=NOT_FOUND, section_head=NOT_FOUND)),
    ],
    # 显示完整: POST only (it writes an audit event); administrators and the cadre themself, and no one else.
    "roster:cadre_reveal": [
        Rule(target="peer", get=POST_ONLY_GET, post=roles(OK, cadre=NOT_FOUND, section_head=FORBIDDEN)),
        Rule(target="own_cadre", get=POST_ONLY_GET, post=roles(OK, section_head=FORBIDDEN)),
        Rule(target="elsewhere", get=POST_ONLY_GET, post=roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND)),
    ],
    "roster:cadre_import": [admins_only(post=INVALID)],  # empty POST: the upload form with errors, as a 400
    # Without an upload waiting in the session the admin is sent back to the upload page.
    "roster:cadre_import_confirm": [
        Rule(get=POST_ONLY_GET, post=roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT))
    ],
    "roster:cadre_import_template": [
        Rule(get=roles(FORBIDDEN, training_admin=OK, system_admin=OK), post=GET_ONLY_POST)
    ],
    "roster:section_list": [Rule(get=ROSTER_BROWSERS, post=GET_ONLY_POST)],
    "roster:section_detail": [
        Rule(target="head_section", get=ROSTER_BROWSERS, post=GET_ONLY_POST),
        Rule(target="other_section", get=roles(OK, cadre=FORBIDDEN, section_head=NOT_FOUND), post=GET_ONLY_POST),
    ],
    "roster:section_create": [admins_only()],
    "roster:section_update": [admins_only("head_section")],
    "roster:unit_list": [Rule(get=ADMINS_ONLY, post=GET_ONLY_POST)],
    "roster:unit_create": [admins_only(post=OK)],  # empty POST: the form with errors
    # The training admin's own unit is edited from above (404); the unit below it is theirs to edit.
    "roster:unit_update": [
        admins_only("sub_unit"),
        Rule(
            target="home_unit",
            get=roles(FORBIDDEN, training_admin=NOT_FOUND, system_admin=OK),
            post=roles(FORBIDDEN, training_admin=NOT_FOUND, system_admin=OK),
        ),
    ],
    "roster:tag_list": [Rule(get=ADMINS_ONLY, post=GET_ONLY_POST)],
    "roster:tag_create": [admins_only()],
    "roster:tag_update": [admins_only("tag")],
    "audit:event_list": [Rule(get=ADMINS_ONLY, post=GET_ONLY_POST)],
}

# One rule for the whole Django admin: only a system administrator (staff) gets in; everyone else is sent
# to the admin's login page, which itself opens for anyone.
ADMIN_NAMESPACE = "admin"
ADMIN_RULE = Rule(get=roles(LOGIN, system_admin=ADMIN_SITE), post=roles(LOGIN, system_admin=ADMIN_SITE))
ADMIN_LOGIN_RULE = Rule(get=roles(OK, anonymous=OK, system_admin=REDIRECT), post=roles(OK, anonymous=OK))
# The admin's logout sends a logged-in non-staff user to the admin index, whose door is then shut.
ADMIN_LOGOUT_RULE = Rule(get=roles(REDIRECT, system_admin=ADMIN_SITE), post=roles(REDIRECT, system_admin=ADMIN_SITE))
SPECIAL_ADMIN_RULES = {"admin:login": ADMIN_LOGIN_RULE, "admin:logout": ADMIN_LOGOUT_RULE}


@dataclasses.dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]


def walk(patterns, namespace: str = "", params: tuple[str, ...] = ()) -> Iterator[Route | str]:
    """Every named route (with its path parameters); an unnamed one is yielded as its pattern text."""
    for entry in patterns:
        found = params + tuple(getattr(entry.pattern, "converters", None) or entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from walk(entry.url_patterns, inner or "", found)
        elif isinstance(entry, URLPattern):
            if entry.name:
                yield Route(f"{namespace}:{entry.name}" if namespace else entry.name, found)
            elif namespace != ADMIN_NAMESPACE:  # the admin's own catch-all has no name
                yield f"{namespace}: {entry.pattern}"


def all_routes() -> list[Route]:
    return sorted({r for r in walk(get_resolver().url_patterns) if isinstance(r, Route)}, key=lambda r: r.name)


def rules_for(name: str) -> list[Rule]:
    if name.split(":")[0] == ADMIN_NAMESPACE:
        return [SPECIAL_ADMIN_RULES.get(name, ADMIN_RULE)]
    return POLICY[name]


# Areas whose policy is declared, with a world of their own, beside their code; their matrix runs there:
# namespace -> (module holding POLICY, the test module that runs it).
AREA_POLICIES = {
    "training": ("ganxun.training.tests.policy_activities", "ganxun/training/tests/test_activities_policy.py"),
    "attendance": (
        "ganxun.attendance.tests.policy_attendance",
        "ganxun/attendance/tests/test_attendance_permissions.py",
    ),
    "hours": ("ganxun.hours.tests.policy_hours", "ganxun/hours/tests/test_permissions_hours.py"),
    # Every area of the practice classroom (pages, imports, competitions, figures), merged there.
    "practice": ("ganxun.practice.tests.policy_practice", "ganxun/practice/tests/test_pages_permissions.py"),
    "microclass": (
        "ganxun.microclass.tests.policy_microclass",
        "ganxun/microclass/tests/test_permissions_microclass.py",
    ),
    "study": ("ganxun.study.tests.policy_study", "ganxun/study/tests/test_permissions_study.py"),
    "online": ("ganxun.online.tests.policy_online", "ganxun/online/tests/test_permissions_online.py"),
    "plans": ("ganxun.plans.tests.policy_plans", "ganxun/plans/tests/test_permissions_plans.py"),
    "nominations": (
        "ganxun.nominations.tests.policy_nominations",
        "ganxun/nominations/tests/test_permissions_nominations.py",
    ),
    "menu": ("ganxun.menu.tests.policy_menu", "ganxun/menu/tests/test_permissions_menu.py"),
    "lectures": ("ganxun.lectures.tests.policy_lectures", "ganxun/lectures/tests/test_permissions_lectures.py"),
    "reception": ("ganxun.reception.tests.policy_reception", "ganxun/reception/tests/test_permissions_reception.py"),
    "rotation": ("ganxun.rotation.tests.policy_rotation", "ganxun/rotation/tests/test_permissions_rotation.py"),
    "sites": ("ganxun.sites.tests.policy_sites", "ganxun/sites/tests/test_permissions_sites.py"),
    "reminders": ("ganxun.reminders.tests.policy_reminders", "ganxun/reminders/tests/test_permissions_reminders.py"),
    "orgstats": ("ganxun.orgstats.tests.policy_orgstats", "ganxun/orgstats/tests/test_permissions_orgstats.py"),
    "dashboard": ("ganxun.dashboard.tests.policy_dashboard", "ganxun/dashboard/tests/test_permissions_dashboard.py"),
    "yearend": ("ganxun.yearend.tests.policy_yearend", "ganxun/yearend/tests/test_permissions_yearend.py"),
}


def declared_names() -> set[str]:
    names = set(POLICY)
    for module, _runner in AREA_POLICIES.values():
        names |= set(import_module(module).POLICY)
    return names


def in_core_matrix(name: str) -> bool:
    return name.split(":")[0] not in AREA_POLICIES


def test_every_url_has_a_declared_policy():
    declared = declared_names()
    undeclared = [r.name for r in all_routes() if r.name.split(":")[0] != ADMIN_NAMESPACE and r.name not in declared]
    unnamed = [r for r in walk(get_resolver().url_patterns) if isinstance(r, str)]
    assert not undeclared, (
        f"These URLs have no entry in POLICY (ganxun/core/tests/test_permissions.py, or the area's policy module "
        f"in AREA_POLICIES): {undeclared}. "
        "Declare, for every role, what GET and POST must answer."
    )
    assert not unnamed, f"Name these URL patterns so that the permission matrix can cover them: {unnamed}"


def test_policy_has_no_entries_for_urls_that_are_gone():
    names = {r.name for r in all_routes()}
    assert not declared_names() - names


def test_every_area_policy_has_a_runner():
    for module, runner in AREA_POLICIES.values():
        assert (Path(settings.BASE_DIR) / runner).is_file(), f"{module}: no test runs its matrix ({runner})"


class World:
    """Two 科室; the section head and a cadre in the first, and a cadre of each."""

    def __init__(self) -> None:
        self.head_section = SectionFactory(name="旧区改造科")
        self.other_section = SectionFactory(name="住房保障科")
        self.own_cadre = CadreFactory(section=self.head_section, name="小王")
        self.head_cadre = CadreFactory(section=self.head_section, name="李科长", leadership_level="section_chief")
        self.peer = CadreFactory(section=self.head_section, name="张三")
        self.elsewhere = CadreFactory(section=self.other_section, name="赵四")
        self.tag = TagFactory(name="业务骨干")
        self.home_unit = self.head_section.unit
        self.sub_unit = UnitFactory(name="下属单位", code="SUB", parent=self.home_unit)
        self.users = {
            "cadre": UserFactory(username="m_cadre", role=Role.CADRE, cadre=self.own_cadre),
            "section_head": UserFactory(username="m_head", role=Role.SECTION_HEAD, cadre=self.head_cadre),
            "training_admin": UserFactory(username="m_train", role=Role.TRAINING_ADMIN, cadre=None),
            "system_admin": UserFactory(
                username="m_sys", role=Role.SYSTEM_ADMIN, cadre=None, is_staff=True, is_superuser=True
            ),
        }

    def url(self, route: Route, rule: Rule) -> str:
        kwargs: dict[str, object] = {}
        for param in route.params:
            if param == "pk":
                kwargs["pk"] = getattr(self, rule.target).pk
            elif param == "app_label":
                kwargs["app_label"] = "roster"
            elif param == "content_type_id":
                kwargs["content_type_id"] = ContentType.objects.get_for_model(Cadre).pk
            elif param == "object_id":
                kwargs["object_id"] = str(self.peer.pk)
            elif param == "id":  # the admin's password form for an account
                kwargs["id"] = str(self.users["cadre"].pk)
            else:
                raise AssertionError(f"{route.name}: no value for path parameter {param!r}; add one to World.url")
        assert not rule.target or "pk" in kwargs, f"{route.name}: rule has a target but the URL takes no pk"
        return reverse(route.name, kwargs=kwargs)

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


LOGIN_PATHS = (reverse(settings.LOGIN_URL), "/django-admin/login/")


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302):
        location = urlsplit(response["Location"])
        return LOGIN if location.path in LOGIN_PATHS and "next=" in location.query else REDIRECT
    return {
        200: OK,
        400: INVALID,
        403: FORBIDDEN,
        404: NOT_FOUND,
        405: NOT_ALLOWED,
    }.get(status, f"{status} unexpected")


def matches(expected: str, got: str) -> bool:
    if expected == ADMIN_SITE:
        return got != LOGIN and not got.endswith("unexpected")
    return expected == got


def wrong_answers(world: World, url: str, get: dict[str, str], post: dict[str, str], target: str = "") -> list[str]:
    """Every role's GET and an empty POST to ``url``, against what the policy says each must get."""
    wrong = []
    for role in ROLES:
        for method, expected in (("GET", get[role]), ("POST", post[role])):
            client = world.client(role)
            response = client.get(url) if method == "GET" else client.post(url, {})
            got = outcome(response)
            if not matches(expected, got):
                wrong.append(f"{method} {url} [{target or '-'}] as {role}: expected {expected}, got {got}")
    return wrong


def route_ids() -> list[Route]:
    return [r for r in all_routes() if in_core_matrix(r.name)]


@pytest.mark.django_db
@pytest.mark.parametrize("route", route_ids(), ids=lambda r: r.name)
def test_matrix(route: Route):
    if route.name not in POLICY and route.name.split(":")[0] != ADMIN_NAMESPACE:
        pytest.fail(f"{route.name} has no declared policy: add it to POLICY")
    world = World()
    wrong = []
    for rule in rules_for(route.name):
        wrong += wrong_answers(world, world.url(route, rule), rule.get, rule.post, rule.target)
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_world_is_what_the_rules_assume():
    """If visibility changed under the matrix, its targets would silently mean something else."""
    world = World()
    head = world.users["section_head"]
    assert set(Cadre.objects.visible_to(head)) == {world.own_cadre, world.head_cadre, world.peer}
    assert list(Cadre.objects.visible_to(world.users["cadre"])) == [world.own_cadre]
    assert list(Section.objects.visible_to(head)) == [world.head_section]
    assert Tag.objects.count() == 1


# --- A district: two bureaus under the organisation department ------------------------------------------


class District:
    """The organisation department (the top unit) with two bureaus below it, each with a 科室, a cadre, a
    training admin, an activity and a self-report; the department's own admin reaches both."""

    def __init__(self) -> None:
        from ganxun.hours.tests.factories import SelfReportFactory
        from ganxun.roster.models import Unit, home_unit_id
        from ganxun.training.tests.factories import ActivityFactory, SessionFactory

        self.org = Unit.objects.get(pk=home_unit_id())
        self.units, self.sections, self.cadres, self.admins = {}, {}, {}, {}
        self.activities, self.sessions, self.reports = {}, {}, {}
        for key, name in (("a", "甲局"), ("b", "乙局")):
            unit = UnitFactory(name=name, code=f"BUREAU_{key}", parent=self.org)
            self.units[key] = unit
            self.sections[key] = SectionFactory(name=f"{name}办公室", unit=unit)
            self.cadres[key] = CadreFactory(name=f"{name}干部", section=self.sections[key])
            self.admins[key] = UserFactory(username=f"admin_{key}", role=Role.TRAINING_ADMIN, cadre=None, unit=unit)
            self.activities[key] = ActivityFactory(title=f"{name}的培训", unit=unit)
            self.sessions[key] = SessionFactory(activity=self.activities[key])
            self.reports[key] = SelfReportFactory(cadre=self.cadres[key], title=f"{name}的自学")
        self.org_admin = UserFactory(username="org_admin", role=Role.TRAINING_ADMIN, cadre=None, unit=self.org)

    def client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


# (URL name, what in bureau B its pk points at): bureau A's admin gets 404, the department's admin does not.
CROSS_UNIT = [
    ("roster:cadre_detail", "cadres"),
    ("roster:cadre_update", "cadres"),
    ("roster:section_detail", "sections"),
    ("roster:section_update", "sections"),
    ("roster:unit_update", "units"),
    ("training:activity_detail", "activities"),
    ("training:activity_update", "activities"),
    ("training:enrolment_list", "activities"),
    ("training:session_detail", "sessions"),
    ("training:session_update", "sessions"),
    ("hours:cadre_archive", "cadres"),
    ("hours:compliance_section", "sections"),
    ("hours:self_report_detail", "reports"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "target"), CROSS_UNIT, ids=[name for name, _target in CROSS_UNIT])
def test_another_bureaus_rows_are_not_found(name: str, target: str):
    district = District()
    url = reverse(name, args=[getattr(district, target)["b"].pk])
    own_url = reverse(name, args=[getattr(district, target)["a"].pk])
    bureau_a = district.client(district.admins["a"])
    assert bureau_a.get(url).status_code == 404
    if name != "roster:unit_update":  # a bureau admin's own unit is edited from above
        assert bureau_a.get(own_url).status_code == 200
    assert district.client(district.org_admin).get(url).status_code == 200


@pytest.mark.django_db
def test_another_bureaus_writes_are_not_found():
    """POSTs that would change bureau B's rows: 404 for bureau A's admin, nothing written."""
    from ganxun.training.models import Enrolment

    district = District()
    bureau_a = district.client(district.admins["a"])
    activity_b = district.activities["b"]
    for name, pk in (
        ("roster:cadre_status", district.cadres["b"].pk),
        ("roster:cadre_reveal", district.cadres["b"].pk),
        ("training:activity_enrol", activity_b.pk),
        ("training:lecturer_create", activity_b.pk),
        ("training:session_create", activity_b.pk),
        ("training:session_delete", district.sessions["b"].pk),
        ("hours:self_report_review", district.reports["b"].pk),
    ):
        assert bureau_a.post(reverse(name, args=[pk]), {"everyone": "on"}).status_code == 404, name
    assert not Enrolment.objects.filter(activity=activity_b).exists()


def _workbook_text(response) -> str:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row)


@pytest.mark.django_db
def test_lists_and_exports_hold_only_the_bureaus_own_rows():
    district = District()
    bureau_a, org = district.client(district.admins["a"]), district.client(district.org_admin)
    for name in ("roster:cadre_export", "hours:compliance_export"):
        mine, everyone = _workbook_text(bureau_a.get(reverse(name))), _workbook_text(org.get(reverse(name)))
        assert "甲局干部" in mine and "乙局干部" not in mine, name
        assert "甲局干部" in everyone and "乙局干部" in everyone, name
    roster = bureau_a.get(reverse("roster:cadre_list")).content.decode()
    assert "甲局干部" in roster and "乙局干部" not in roster
    activities = bureau_a.get(reverse("training:activity_list")).content.decode()
    assert "甲局的培训" in activities and "乙局的培训" not in activities
    reviews = bureau_a.get(reverse("hours:self_report_queue"), {"status": "pending"}).content.decode()
    assert "乙局的自学" not in reviews
    sections = bureau_a.get(reverse("roster:section_list")).content.decode()
    assert "甲局办公室" in sections and "乙局办公室" not in sections
    # The audit trail: bureau B's admin's work is not bureau A's to read; the department reads it.
    district.client(district.admins["b"]).post(reverse("roster:cadre_reveal", args=[district.cadres["b"].pk]))
    trail_a = bureau_a.get(reverse("audit:event_list"), {"action": "reveal"}).content.decode()
    trail_org = org.get(reverse("audit:event_list"), {"action": "reveal"}).content.decode()
    assert "乙局干部" not in trail_a and "乙局干部" in trail_org


@pytest.mark.django_db
def test_a_district_class_is_read_by_the_bureau_and_run_by_the_department():
    """The department's class enrols both bureaus: bureau A's admin reads it and the sheet of A's own cadres,
    but neither records attendance, imports, nor downloads the sign-in sheet of everyone (403/404)."""
    from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

    district = District()
    activity = ActivityFactory(title="全区青年干部培训班", unit=district.org)
    session = SessionFactory(activity=activity)
    for key in ("a", "b"):
        EnrolmentFactory(activity=activity, cadre=district.cadres[key], section=district.sections[key])
    bureau_a, org = district.client(district.admins["a"]), district.client(district.org_admin)
    detail = reverse("training:activity_detail", args=[activity.pk])
    assert bureau_a.get(detail).status_code == 200
    assert not bureau_a.get(detail).context["can_manage"] and org.get(detail).context["can_manage"]
    sheet = reverse("attendance:attendance_sheet", args=[session.pk])
    read = bureau_a.get(sheet)
    assert read.status_code == 200
    assert [row.cadre for row in read.context["rows"]] == [district.cadres["a"]]
    assert not read.context["can_edit"]
    assert bureau_a.post(sheet, {}).status_code == 403
    assert {row.cadre for row in org.get(sheet).context["rows"]} == set(district.cadres.values())
    for name, pk in (
        ("attendance:session_import", session.pk),
        ("attendance:session_import_template", session.pk),
        ("attendance:activity_import", activity.pk),
        ("attendance:activity_import_template", activity.pk),
        ("training:activity_update", activity.pk),
        ("training:session_update", session.pk),
    ):
        assert bureau_a.get(reverse(name, args=[pk])).status_code == 404, name
        assert org.get(reverse(name, args=[pk])).status_code == 200, name
