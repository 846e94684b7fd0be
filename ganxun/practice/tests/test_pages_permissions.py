"""The practice URLs against their declared policy (policy_practice.POLICY), role by role, GET and POST, and what
another unit's administrator gets: 404 for a record of theirs, and nothing written by a POST."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile

import pytest
from django.test import Client
from django.urls import reverse

from ganxun.core.tests.test_permissions import District, Route, World, all_routes, wrong_answers
from ganxun.practice.models import CommunityReport, Evidence, Stint, TeamMembership

from .factories import (
    CampaignFactory,
    CommunityReportFactory,
    PlaceFactory,
    SecondmentFactory,
    StintFactory,
    TeamFactory,
    TeamMembershipFactory,
    VisitFactory,
)
from .policy_practice import POLICY, add_targets


class PracticeWorld(World):
    """The matrix's world with the practice objects.  A URL of one path parameter takes its target's ``pk``
    (a figure's slug, an import's kind), so the areas' targets need not be records."""

    def __init__(self) -> None:
        super().__init__()
        add_targets(self)

    def url(self, route: Route, rule) -> str:
        target = rule.target if not isinstance(rule, dict) else rule["target"]
        if not route.params:
            return reverse(route.name)
        if len(route.params) == 1:
            return reverse(route.name, kwargs={route.params[0]: getattr(self, target).pk})
        obj = getattr(self, target)
        return reverse(route.name, kwargs={param: getattr(obj, param) for param in route.params})


def _parts(rule) -> tuple[str, dict, dict]:
    if isinstance(rule, dict):
        return rule["target"], rule["get"], rule["post"]
    return rule.target, rule.get, rule.post


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-practice-matrix-")
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_every_practice_url_is_declared():
    names = {r.name for r in all_routes() if r.name.startswith("practice:")}
    assert names - set(POLICY) == set(), "practice URLs without a policy"
    assert set(POLICY) - names == set(), "policies of practice URLs that are gone"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_practice_matrix(name: str, media):
    route = next(r for r in all_routes() if r.name == name)
    world = PracticeWorld()
    wrong = []
    for rule in POLICY[name]:
        target, get, post = _parts(rule)
        wrong += wrong_answers(world, world.url(route, rule), get, post, target)
    assert not wrong, "\n".join(wrong)


# --- two bureaus ------------------------------------------------------------------------------------------------


class PracticeDistrict(District):
    """The matrix's district, with practice records of each bureau's cadre and a body of each bureau."""

    def __init__(self) -> None:
        super().__init__()
        self.campaigns, self.teams, self.stints, self.reports, self.members = {}, {}, {}, {}, {}
        self.secondments, self.visits = {}, {}
        self.place = PlaceFactory(name="长白一村居委")
        for key in ("a", "b"):
            unit, cadre = self.units[key], self.cadres[key]
            cadre.political_status = "cpc_member"
            cadre.save()
            self.campaigns[key] = CampaignFactory(name=f"{unit.name}抗疫", unit=unit)
            self.teams[key] = TeamFactory(name=f"{unit.name}应急支援队", unit=unit, formed_on=dt.date(2022, 1, 1))
            self.stints[key] = StintFactory(cadre=cadre, campaign=self.campaigns[key], place=self.place)
            self.reports[key] = CommunityReportFactory(cadre=cadre, place=self.place)
            self.members[key] = TeamMembershipFactory(cadre=cadre, team=self.teams[key], joined_on=dt.date(2022, 1, 1))
            self.secondments[key] = SecondmentFactory(cadre=cadre)
            self.visits[key] = VisitFactory(cadre=cadre, destination=f"{unit.name}交流")


CROSS_UNIT = [
    ("practice:campaign_detail", "campaigns"),
    ("practice:campaign_update", "campaigns"),
    ("practice:stint_create", "campaigns"),
    ("practice:team_detail", "teams"),
    ("practice:team_update", "teams"),
    ("practice:team_membership_create", "teams"),
    ("practice:stint_detail", "stints"),
    ("practice:stint_update", "stints"),
    ("practice:community_report_detail", "reports"),
    ("practice:community_report_update", "reports"),
    ("practice:team_membership_detail", "members"),
    ("practice:team_membership_update", "members"),
    ("practice:team_membership_leave", "members"),
    ("practice:secondment_detail", "secondments"),
    ("practice:secondment_update", "secondments"),
    ("practice:visit_detail", "visits"),
    ("practice:visit_update", "visits"),
    ("practice:cadre_practice", "cadres"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "target"), CROSS_UNIT, ids=[name for name, _target in CROSS_UNIT])
def test_another_bureaus_practice_is_not_found(name: str, target: str):
    district = PracticeDistrict()
    bureau_a = district.client(district.admins["a"])
    assert bureau_a.get(reverse(name, args=[getattr(district, target)["b"].pk])).status_code == 404
    assert bureau_a.get(reverse(name, args=[getattr(district, target)["a"].pk])).status_code == 200
    assert (
        district.client(district.org_admin).get(reverse(name, args=[getattr(district, target)["b"].pk])).status_code
        == 200
    )


@pytest.mark.django_db
def test_another_bureaus_writes_are_not_found_and_write_nothing(media):
    district = PracticeDistrict()
    bureau_a = district.client(district.admins["a"])
    stint, report, member = district.stints["b"], district.reports["b"], district.members["b"]
    posts = [
        (
            "practice:stint_update",
            stint.pk,
            {"place": district.place.pk, "start_date": "2022-04-01", "end_date": "2022-04-30"},
        ),
        ("practice:stint_delete", stint.pk, {}),
        ("practice:stint_evidence", stint.pk, {"note": "伪造"}),
        ("practice:community_report_delete", report.pk, {}),
        ("practice:community_report_evidence", report.pk, {"note": "伪造"}),
        ("practice:team_membership_leave", member.pk, {"left_on": "2022-06-01"}),
        ("practice:secondment_delete", district.secondments["b"].pk, {}),
        ("practice:visit_delete", district.visits["b"].pk, {}),
        (
            "practice:stint_create",
            district.campaigns["b"].pk,
            {
                "cadre": district.cadres["a"].pk,
                "place": district.place.pk,
                "start_date": "2022-04-01",
                "end_date": "2022-04-02",
            },
        ),
        (
            "practice:team_membership_create",
            district.teams["b"].pk,
            {"cadre": district.cadres["a"].pk, "role": "member", "joined_on": "2022-02-01"},
        ),
        ("practice:campaign_evidence", district.campaigns["b"].pk, {"note": "伪造"}),
        ("practice:team_evidence", district.teams["b"].pk, {"note": "伪造"}),
    ]
    for name, pk, data in posts:
        assert bureau_a.post(reverse(name, args=[pk]), data).status_code == 404, name
    stint.refresh_from_db()
    assert stint.end_date == dt.date(2022, 4, 10)
    assert CommunityReport.objects.filter(pk=report.pk).exists()
    assert TeamMembership.objects.get(pk=member.pk).left_on is None
    assert Stint.objects.count() == 2 and TeamMembership.objects.count() == 2
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_another_bureaus_cadres_cannot_be_entered():
    """The cadre of a record is chosen among the user's own: bureau B's cadre is not a choice for A's admin."""
    district = PracticeDistrict()
    bureau_a = district.client(district.admins["a"])
    response = bureau_a.post(
        reverse("practice:community_report_create"),
        {"cadre": district.cadres["b"].pk, "place": district.place.pk, "date": "2022-06-01"},
    )
    assert response.status_code == 200 and "cadre" in response.context["form"].errors
    assert CommunityReport.objects.count() == 2


@pytest.mark.django_db
def test_lists_and_exports_hold_only_the_bureaus_own_rows():
    import io

    from openpyxl import load_workbook

    district = PracticeDistrict()
    bureau_a, org = district.client(district.admins["a"]), district.client(district.org_admin)
    for kind in ("stint", "community_report", "secondment", "visit"):
        mine = bureau_a.get(reverse(f"practice:{kind}_list")).content.decode()
        assert "甲局干部" in mine and "乙局干部" not in mine, kind
        book = load_workbook(io.BytesIO(bureau_a.get(reverse(f"practice:{kind}_export")).content), read_only=True)
        text = " ".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row)
        assert "甲局干部" in text and "乙局干部" not in text, kind
        everyone = org.get(reverse(f"practice:{kind}_list")).content.decode()
        assert "甲局干部" in everyone and "乙局干部" in everyone, kind
    campaigns = bureau_a.get(reverse("practice:campaign_list")).content.decode()
    assert "甲局抗疫" in campaigns and "乙局抗疫" not in campaigns


@pytest.mark.django_db
def test_a_section_head_enters_only_their_own_sections_cadres():
    world = World()
    add_targets(world)
    head = Client()
    head.force_login(world.users["section_head"])
    form = head.get(reverse("practice:community_report_create")).context["form"]
    choices = set(form.fields["cadre"].queryset)
    assert world.own_cadre in choices and world.elsewhere not in choices
    response = head.post(
        reverse("practice:community_report_create"),
        {"cadre": world.elsewhere.pk, "place": world.place.pk, "date": "2023-03-01"},
    )
    assert response.status_code == 200 and "cadre" in response.context["form"].errors
    cadre = Client()
    cadre.force_login(world.users["cadre"])
    listed = cadre.get(reverse("practice:stint_list")).context["page"].paginator.count
    assert listed == 1
