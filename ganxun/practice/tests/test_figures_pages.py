"""The figures page and its drill-down pages: who may open them, what each shows, the unit choice kept within the
user's reach, and queries that do not grow with the records."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.hours.models import Bucket
from ganxun.hours.tests.factories import LedgerEntryFactory
from ganxun.practice.figures import KEYS, SLUGS
from ganxun.practice.models import PlaceKind
from ganxun.practice.tests import factories as f
from ganxun.roster.models import PoliticalStatus, Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

Y = 2022
FIGURES = reverse("practice:figures")


def drill(slug: str) -> str:
    return reverse("practice:figure_records", args=[slug])


@pytest.fixture
def home():
    return Unit.objects.get(pk=home_unit_id())


@pytest.fixture
def world(home):
    """Two 科室 of the home unit, a unit below it and one beside it, with a stint in each."""
    below = UnitFactory(code="SUB", name="下属单位", parent=home)
    beside = UnitFactory(code="BESIDE", name="别的局")
    ours, theirs = SectionFactory(name="旧区改造科"), SectionFactory(name="住房保障科")
    sub = SectionFactory(name="下属科", unit=below)
    other = SectionFactory(name="别处科", unit=beside)
    committee = f.PlaceFactory(name="长白一村居委", kind=PlaceKind.COMMITTEE)
    estates = [f.EstateFactory(parent=committee, name=f"长白一村{i}号小区") for i in range(2)]
    people = {}
    for key, section, place in (
        ("ours", ours, estates[0]),
        ("theirs", theirs, estates[1]),
        ("sub", sub, f.PlaceFactory(name="控江居委", kind=PlaceKind.COMMITTEE)),
        ("other", other, f.PlaceFactory(name="别区居委", kind=PlaceKind.COMMITTEE)),
    ):
        people[key] = cadre = CadreFactory(section=section, political_status=PoliticalStatus.CPC_MEMBER)
        f.StintFactory(cadre=cadre, place=place, start_date=dt.date(Y, 4, 1), end_date=dt.date(Y, 4, 30))
    return {"below": below, "beside": beside, "ours": ours, "committee": committee, "people": people}


def login(client, role, **kw):
    user = UserFactory(role=role, **kw)
    client.force_login(user)
    return user


def value(response, key):
    return next(row["value"] for row in response.context["rows"] if row["key"] == key)


def test_an_administrator_sees_their_units_figures_and_may_narrow_to_a_unit_below(client, world, home):
    login(client, Role.TRAINING_ADMIN, unit=home)
    response = client.get(FIGURES, {"year": Y})
    assert response.status_code == 200
    assert value(response, "committees_supported") == 2  # 长白一村, 控江; not the other bureau's
    assert value(response, "estates_supported") == 2
    assert [u.code for u in response.context["choice"].units] == [home.code, "SUB"]
    narrowed = client.get(FIGURES, {"year": Y, "unit": world["below"].pk})
    assert value(narrowed, "committees_supported") == 1
    # A unit beyond their reach is ignored: their own units again.
    beyond = client.get(FIGURES, {"year": Y, "unit": world["beside"].pk})
    assert value(beyond, "committees_supported") == 2
    for key in KEYS:
        if key != "team_members":
            assert f'href="{drill(SLUGS[key])}?year={Y}' in response.content.decode()


def test_a_system_administrator_without_a_unit_sees_everything(client, world):
    login(client, Role.SYSTEM_ADMIN, unit=None)
    assert value(client.get(FIGURES, {"year": Y}), "committees_supported") == 3


def test_a_section_head_sees_their_sections_figures_and_a_cadre_nothing(client, world):
    head_cadre = CadreFactory(section=world["ours"])
    login(client, Role.SECTION_HEAD, cadre=head_cadre)
    response = client.get(FIGURES, {"year": Y, "unit": world["beside"].pk})
    assert response.status_code == 200
    assert value(response, "frontline_people") == 1
    assert value(response, "committees_supported") == 1
    assert response.context["choice"].units == []
    committees = client.get(drill("committees"), {"year": Y})
    assert [s.cadre for p in committees.context["page"] for s in p.reaching] == [world["people"]["ours"]]
    client.logout()
    login(client, Role.CADRE)
    assert client.get(FIGURES).status_code == 403
    assert client.get(drill("committees")).status_code == 403


def test_the_committees_drill_down_lists_each_committee_with_the_stints_reaching_it(client, world, home):
    login(client, Role.TRAINING_ADMIN, unit=home)
    response = client.get(drill("committees"), {"year": Y})
    assert response.status_code == 200
    assert response.context["value"] == 2
    places = {p.name: [s.cadre.name for s in p.reaching] for p in response.context["page"]}
    people = world["people"]
    assert places == {
        "长白一村居委": sorted([people["ours"].name, people["theirs"].name]),
        "控江居委": [people["sub"].name],
    }
    text = response.content.decode()
    assert "长白一村0号小区" in text and "长白一村1号小区" in text
    assert client.get(drill("committees"), {"year": Y + 1}).context["value"] == 0


def test_every_drill_down_opens_and_an_unknown_one_is_not_found(client, world, home):
    team = f.TeamFactory(name="房管应急支援队", formed_on=dt.date(Y, 3, 1))
    f.TeamMembershipFactory(team=team, cadre=world["people"]["ours"], joined_on=dt.date(Y, 3, 1))
    f.CommunityReportFactory(cadre=world["people"]["ours"], place=world["committee"], date=dt.date(Y, 5, 4))
    f.SecondmentFactory(cadre=world["people"]["theirs"])
    f.StintFactory(cadre=world["people"]["theirs"], place=f.PlaceFactory(name="浦东机场", kind=PlaceKind.AIRPORT))
    f.AwardFactory(entry=f.CompetitionEntryFactory(cadre=world["people"]["ours"], competition__year=Y))
    LedgerEntryFactory(
        cadre=world["people"]["ours"], bucket=Bucket.PRACTICE, hours=Decimal("12.5"), date=dt.date(Y, 4, 30)
    )
    login(client, Role.TRAINING_ADMIN, unit=home)
    page = client.get(FIGURES, {"year": Y})
    assert page.context["teams"] == {"房管应急支援队": 1}
    for key in KEYS:
        response = client.get(drill(SLUGS[key]), {"year": Y})
        assert response.status_code == 200, key
        assert response.context["page"].paginator.count >= 1, key
        if key != "team_members":
            assert response.context["value"] == value(page, key), key
    assert "12.5" in client.get(drill("hours"), {"year": Y}).content.decode()
    assert client.get(drill("nothing"), {"year": Y}).status_code == 404


@pytest.mark.parametrize("slug", ["committees", "frontline", "teams", "hours"])
def test_the_pages_queries_do_not_grow_with_the_records(client, home, slug, django_assert_num_queries):
    login(client, Role.TRAINING_ADMIN, unit=home)
    team = f.TeamFactory(formed_on=dt.date(Y, 1, 1))

    def build(n):
        for _ in range(n):
            estate = f.EstateFactory()
            cadre = CadreFactory()
            f.StintFactory(cadre=cadre, place=estate)
            f.StintFactory(cadre=cadre, place=estate.parent, start_date=dt.date(Y, 6, 1), end_date=dt.date(Y, 6, 2))
            f.TeamMembershipFactory(team=team, cadre=cadre, joined_on=dt.date(Y, 1, 1))
            LedgerEntryFactory(cadre=cadre, bucket=Bucket.PRACTICE, date=dt.date(Y, 5, 1))

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"year": Y}).status_code == 200
        return len(queries)

    build(2)
    small = (count(FIGURES), count(drill(slug)))
    build(8)
    assert (count(FIGURES), count(drill(slug))) == small
    assert max(small) <= 16


def test_the_team_drill_down_lists_the_members_on_31_december_leader_first(client, home):
    team = f.TeamFactory(name="房管应急支援队", formed_on=dt.date(Y, 3, 1))
    member = f.TeamMembershipFactory(team=team, joined_on=dt.date(Y, 3, 1))
    deputy = f.TeamMembershipFactory(team=team, joined_on=dt.date(Y, 3, 1), role="deputy")
    leader = f.TeamMembershipFactory(team=team, joined_on=dt.date(Y, 3, 1), role="leader")
    f.TeamMembershipFactory(team=team, joined_on=dt.date(Y, 3, 1), left_on=dt.date(Y, 12, 31))  # gone that day
    login(client, Role.TRAINING_ADMIN, unit=home)
    response = client.get(drill("teams"), {"year": Y})
    assert list(response.context["page"]) == [leader, deputy, member]
