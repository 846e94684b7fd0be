"""Reading a page writes nothing and is cached nowhere: every GET of the permission matrix, as every signed-in role.

On SQLite every write takes the one database-wide write lock, and a transaction begins with BEGIN IMMEDIATE,
which takes it too.  A page view that wrote (the session saved on every request did) waited behind any long
import and failed with "database is locked".  So a GET may issue no INSERT, UPDATE or DELETE, and open no
transaction (a savepoint, inside the test's own transaction).

Pages, exports and downloads carry personal data: none may be kept by a browser's or a proxy's cache.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ganxun.attendance.tests import policy_attendance
from ganxun.attendance.tests.test_attendance_permissions import AttendanceWorld
from ganxun.core.tests import test_permissions as matrix
from ganxun.core.tests.test_permissions import AREA_POLICIES, ROLES, World, all_routes, rules_for
from ganxun.dashboard.tests import policy_dashboard
from ganxun.dashboard.tests.test_permissions_dashboard import DashboardWorld
from ganxun.hours.tests import policy_hours
from ganxun.hours.tests.test_permissions_hours import HoursWorld
from ganxun.lectures.tests import policy_lectures
from ganxun.lectures.tests.test_permissions_lectures import LecturesWorld
from ganxun.menu.tests import policy_menu
from ganxun.menu.tests.test_permissions_menu import MenuWorld
from ganxun.microclass.tests import policy_microclass
from ganxun.microclass.tests.test_permissions_microclass import MicroclassWorld
from ganxun.nominations.tests import policy_nominations
from ganxun.nominations.tests.test_permissions_nominations import NominationsWorld
from ganxun.online.tests import policy_online
from ganxun.online.tests.test_permissions_online import OnlineWorld
from ganxun.orgstats.tests import policy_orgstats
from ganxun.orgstats.tests.test_permissions_orgstats import OrgstatsWorld
from ganxun.plans.tests import policy_plans
from ganxun.plans.tests.test_permissions_plans import PlansWorld
from ganxun.practice.tests import policy_practice
from ganxun.practice.tests.test_pages_permissions import PracticeWorld
from ganxun.reception.tests import policy_reception
from ganxun.reception.tests.test_permissions_reception import ReceptionWorld
from ganxun.reminders.tests import policy_reminders
from ganxun.reminders.tests.test_permissions_reminders import RemindersWorld
from ganxun.rotation.tests import policy_rotation
from ganxun.rotation.tests.test_permissions_rotation import RotationWorld
from ganxun.sites.tests import policy_sites
from ganxun.sites.tests.test_permissions_sites import SitesWorld
from ganxun.study.tests import policy_study
from ganxun.study.tests.test_permissions_study import StudyWorld
from ganxun.training.tests import policy_activities
from ganxun.yearend.tests import policy_yearend
from ganxun.yearend.tests.test_permissions_yearend import YearendWorld

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT|BEGIN)\b", re.IGNORECASE)
AUDIT_INSERT = re.compile(r'^\s*INSERT INTO "audit_auditevent"', re.IGNORECASE)
# Reads that are themselves the thing to audit write one audit row, and nothing else: an export with full ID
# numbers or phones (who took which file: the roster, the reminders' call list), and a refused check-in (abuse is
# looked for there, rate-limited to one row a minute per person, reason and session).  One short INSERT, never a
# session save.
AUDITED_READS = {"roster:cadre_export", "attendance:checkin", "reminders:call_list"}
SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def core_urls(world: World) -> Iterator[tuple[str, str]]:
    for route in all_routes():
        if route.name.split(":")[0] in AREA_POLICIES:
            continue
        for rule in rules_for(route.name):
            yield route.name, world.url(route, rule)


def training_urls(world: World) -> Iterator[tuple[str, str]]:
    routes = {r.name: r for r in all_routes()}
    for name, rules in policy_activities.POLICY.items():
        for rule in rules:
            yield name, world.url(routes[name], rule)


def attendance_urls(world: AttendanceWorld) -> Iterator[tuple[str, str]]:
    for name, rules in policy_attendance.POLICY.items():
        for rule in rules:
            yield name, world.attendance_url(name, rule["target"])


def hours_urls(world: HoursWorld) -> Iterator[tuple[str, str]]:
    for name, rules in policy_hours.POLICY.items():
        for rule in rules:
            yield name, world.hours_url(name, rule["target"])


def online_urls(world: OnlineWorld) -> Iterator[tuple[str, str]]:
    routes = {r.name: r for r in all_routes()}
    for name, rules in policy_online.POLICY.items():
        for rule in rules:
            yield name, world.url(routes[name], rule)


def practice_urls(world: PracticeWorld) -> Iterator[tuple[str, str]]:
    routes = {r.name: r for r in all_routes()}
    for name, rules in policy_practice.POLICY.items():
        for rule in rules:
            yield name, world.url(routes[name], rule)


def microclass_urls(world: MicroclassWorld) -> Iterator[tuple[str, str]]:
    routes = {r.name: r for r in all_routes()}
    for name, rules in policy_microclass.POLICY.items():
        for rule in rules:
            yield name, world.url(routes[name], rule)


def study_urls(world: StudyWorld) -> Iterator[tuple[str, str]]:
    routes = {r.name: r for r in all_routes()}
    for name, rules in policy_study.POLICY.items():
        for rule in rules:
            yield name, world.url(routes[name], rule)


def policy_urls(policy):
    """The URLs of an area whose world builds them from its rules (``world.url(route, rule)``)."""

    def urls(world: World) -> Iterator[tuple[str, str]]:
        routes = {r.name: r for r in all_routes()}
        for name, rules in policy.POLICY.items():
            for rule in rules:
                yield name, world.url(routes[name], rule)

    return urls


def training_world() -> World:
    world = World()
    policy_activities.add_targets(world)
    return world


# Every area of the permission matrix, with the world its rules point into.
AREAS: dict[str, tuple[Callable[[], World], Callable]] = {
    "core": (World, core_urls),
    "training": (training_world, training_urls),
    "attendance": (AttendanceWorld, attendance_urls),
    "hours": (HoursWorld, hours_urls),
    "practice": (PracticeWorld, practice_urls),
    "microclass": (MicroclassWorld, microclass_urls),
    "study": (StudyWorld, study_urls),
    "online": (OnlineWorld, online_urls),
    "lectures": (LecturesWorld, policy_urls(policy_lectures)),
    "menu": (MenuWorld, policy_urls(policy_menu)),
    "plans": (PlansWorld, policy_urls(policy_plans)),
    "nominations": (NominationsWorld, policy_urls(policy_nominations)),
    "rotation": (RotationWorld, policy_urls(policy_rotation)),
    "reception": (ReceptionWorld, policy_urls(policy_reception)),
    "sites": (SitesWorld, policy_urls(policy_sites)),
    "reminders": (RemindersWorld, policy_urls(policy_reminders)),
    "orgstats": (OrgstatsWorld, policy_urls(policy_orgstats)),
    "dashboard": (DashboardWorld, policy_urls(policy_dashboard)),
    "yearend": (YearendWorld, policy_urls(policy_yearend)),
}


def test_every_area_of_the_matrix_is_read_here():
    assert set(AREAS) - {"core"} == set(AREA_POLICIES), (
        "A new area joined the permission matrix (AREA_POLICIES): add its world and URLs to AREAS here."
    )


@pytest.fixture
def media_root():
    path = tempfile.mkdtemp(prefix="ganxun-reads-")
    with override_settings(MEDIA_ROOT=path):
        yield
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.django_db
@pytest.mark.parametrize("area", sorted(AREAS))
def test_a_get_by_a_signed_in_user_writes_nothing_and_is_not_cached(area: str, media_root):
    make_world, urls = AREAS[area]
    world = make_world()
    clients = {role: world.client(role) for role in SIGNED_IN}  # logging in writes; reading must not
    writes, cached = [], []
    seen = 0
    for name, url in urls(world):
        for role in SIGNED_IN:
            with CaptureQueriesContext(connection) as queries:
                response = clients[role].get(url)
            seen += 1
            assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
            found = [query["sql"] for query in queries.captured_queries if WRITE.match(query["sql"])]
            if name in AUDITED_READS:
                audit_rows = [sql for sql in found if AUDIT_INSERT.match(sql)]
                others = [sql for sql in found if not AUDIT_INSERT.match(sql) and not sql.startswith("SAVEPOINT")]
                found = others + audit_rows[1:]
            writes.extend(f"GET {url} ({name}) as {role}: {sql[:160]}" for sql in found)
            if "no-store" not in response.get("Cache-Control", "") or response.get("Pragma") != "no-cache":
                cached.append(f"GET {url} ({name}) as {role}: Cache-Control {response.get('Cache-Control')!r}")
    assert seen > 0
    assert not writes, "Reading a page wrote to the database:\n" + "\n".join(writes)
    assert not cached, "A response to a signed-in user may be cached:\n" + "\n".join(cached)


def test_the_matrix_module_still_has_what_this_test_uses():
    """If the permission matrix is restructured, this test must follow rather than silently read nothing."""
    for name in ("AREA_POLICIES", "ROLES", "World", "all_routes", "rules_for"):
        assert hasattr(matrix, name)
