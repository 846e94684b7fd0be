"""The year-end figures on hand-built records: overlapping stints, a 小区 reaching its 居委, merged places, members
leaving the team around 31 December, non-party members, records touching the year at its first or last day,
units, and the command's JSON."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ganxun.hours.models import Bucket, EntryStatus
from ganxun.hours.tests.factories import LedgerEntryFactory
from ganxun.practice import figures as fig
from ganxun.practice.figures import KEYS, Scope, figures
from ganxun.practice.models import PlaceKind
from ganxun.practice.tests import factories as f
from ganxun.roster.models import PoliticalStatus, Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory

pytestmark = pytest.mark.django_db

Y = 2022


def day(month: int, d: int, year: int = Y) -> dt.date:
    return dt.date(year, month, d)


APRIL_FIRST, APRIL_TENTH = dt.date(Y, 4, 1), dt.date(Y, 4, 10)


def stint(cadre=None, place=None, start=APRIL_FIRST, end=APRIL_TENTH, **kw):
    if cadre is not None:
        kw["cadre"] = cadre
    if place is not None:
        kw["place"] = place
    return f.StintFactory(start_date=start, end_date=end, **kw)


def committee(name="长白一村居委"):
    return f.PlaceFactory(name=name, kind=PlaceKind.COMMITTEE)


def estate(parent, name=None):
    return f.EstateFactory(parent=parent, **({"name": name} if name else {}))


# --- Stints: people, 居委 and 小区 ------------------------------------------------------------------------------


def test_one_person_with_overlapping_stints_at_several_places_counts_once_per_figure():
    one, two = committee("一村居委"), committee("二村居委")
    person = CadreFactory()
    stint(person, one, day(4, 1), day(4, 20))
    stint(person, two, day(4, 10), day(4, 30))  # overlaps the first
    stint(person, estate(one), day(4, 5), day(4, 6))
    result = figures(Y)
    assert result["frontline_people"] == 1
    assert result["committees_supported"] == 2
    assert result["estates_supported"] == 1


def test_a_stint_at_a_estate_reaches_its_committee_but_not_twice():
    parent = committee()
    stint(place=estate(parent))
    stint(place=estate(parent))
    assert (figures(Y)["committees_supported"], figures(Y)["estates_supported"]) == (1, 2)
    stint(place=parent)  # the 居委 itself as well: still one 居委
    assert figures(Y)["committees_supported"] == 1
    assert set(fig.committee_stints(Y).values_list("reached", flat=True)) == {parent.pk}


def test_an_estate_without_a_committee_reaches_none():
    street = f.StreetFactory()
    stint(place=f.EstateFactory(parent=street))
    result = figures(Y)
    assert (result["committees_supported"], result["estates_supported"], result["frontline_people"]) == (0, 1, 1)


def test_key_sites_are_airports_quarantine_and_observation_sites_and_nothing_else():
    for kind in (PlaceKind.AIRPORT, PlaceKind.QUARANTINE, PlaceKind.OBSERVATION):
        stint(place=f.PlaceFactory(kind=kind))
    stint(place=f.PlaceFactory(kind=PlaceKind.OTHER))
    stint(place=f.StreetFactory())
    result = figures(Y)
    assert result["key_site_people"] == 3
    assert result["frontline_people"] == 0


def test_a_merged_place_counts_once():
    kept, merged = committee("长白一村居委"), committee("长白一村居委（旧）")
    stint(place=kept)
    stint(place=merged)
    assert figures(Y)["committees_supported"] == 2
    merged.merged_into = kept
    merged.save()
    small = estate(merged)  # a 小区 still under the merged spelling reaches the kept 居委
    stint(place=small)
    assert figures(Y)["committees_supported"] == 1
    assert set(fig.committee_stints(Y).values_list("reached", flat=True)) == {kept.pk}


def test_stints_touching_the_year_at_its_first_or_last_day_count_and_a_day_outside_does_not():
    inside_first = stint(place=committee("甲居委"), start=day(12, 20, Y - 1), end=day(1, 1))
    inside_last = stint(place=committee("乙居委"), start=day(12, 31), end=day(1, 9, Y + 1))
    stint(place=committee("丙居委"), start=day(12, 1, Y - 1), end=day(12, 31, Y - 1))
    stint(place=committee("丁居委"), start=day(1, 1, Y + 1), end=day(1, 2, Y + 1))
    result = figures(Y)
    assert (result["frontline_people"], result["committees_supported"]) == (2, 2)
    assert set(fig.frontline_stints(Y)) == {inside_first, inside_last}
    assert figures(Y - 1)["committees_supported"] == 2
    assert figures(Y + 1)["committees_supported"] == 2


# --- Community reporting ---------------------------------------------------------------------------------------


def test_party_members_who_reported_count_once_and_others_do_not():
    member = CadreFactory(political_status=PoliticalStatus.CPC_MEMBER)
    probationary = CadreFactory(political_status=PoliticalStatus.CPC_PROBATIONARY)
    place = committee()
    f.CommunityReportFactory(cadre=member, place=place, date=day(3, 1))
    f.CommunityReportFactory(cadre=member, place=place, date=day(5, 1))
    f.CommunityReportFactory(cadre=probationary, place=place, date=day(12, 31))
    # Around the service (it refuses them): a league member and a cadre of a democratic party do not count.
    f.CommunityReportFactory(cadre=CadreFactory(political_status=PoliticalStatus.CYL_MEMBER), place=place)
    f.CommunityReportFactory(cadre=CadreFactory(political_status=PoliticalStatus.MASSES), place=place)
    f.CommunityReportFactory(cadre=member, place=place, date=day(1, 1, Y + 1))  # next year
    assert figures(Y)["community_reporting_party_members"] == 2
    assert figures(Y + 1)["community_reporting_party_members"] == 1


def test_non_party_members_count_on_the_front_line():
    stint(cadre=CadreFactory(political_status=PoliticalStatus.MASSES), place=committee())
    result = figures(Y)
    assert (result["frontline_people"], result["community_reporting_party_members"]) == (1, 0)


# --- Teams on 31 December -----------------------------------------------------------------------------------------


def test_team_members_on_31_december_left_on_is_the_first_day_no_longer_a_member():
    team = f.TeamFactory(name="房管应急支援队", formed_on=day(3, 15))
    f.TeamMembershipFactory(team=team, joined_on=day(3, 15))
    f.TeamMembershipFactory(team=team, joined_on=day(3, 15), left_on=day(7, 1))  # left mid-year
    f.TeamMembershipFactory(team=team, joined_on=day(3, 15), left_on=day(12, 31))  # gone on the 31st
    f.TeamMembershipFactory(team=team, joined_on=day(3, 15), left_on=day(1, 1, Y + 1))  # still in on the 31st
    f.TeamMembershipFactory(team=team, joined_on=day(12, 31))  # joined on the 31st
    f.TeamMembershipFactory(team=team, joined_on=day(1, 1, Y + 1))  # joined the next day
    assert figures(Y)["team_members"] == {"房管应急支援队": 3}
    assert figures(Y + 1)["team_members"] == {"房管应急支援队": 3}
    assert figures(Y - 1)["team_members"] == {}  # not yet formed


def test_a_cadre_twice_in_a_team_counts_once_and_an_empty_team_shows_zero():
    team = f.TeamFactory(name="应急支援队", formed_on=day(1, 1))
    person = CadreFactory()
    f.TeamMembershipFactory(team=team, cadre=person, joined_on=day(1, 1), left_on=day(6, 1))
    f.TeamMembershipFactory(team=team, cadre=person, joined_on=day(6, 1))
    f.TeamFactory(name="志愿服务队", formed_on=day(5, 1))
    f.TeamFactory(name="已解散", formed_on=day(1, 1), dissolved_on=day(12, 31))
    assert figures(Y)["team_members"] == {"应急支援队": 1, "志愿服务队": 0}


# --- Secondments, competitions, hours -----------------------------------------------------------------------------


def test_secondments_overlapping_the_year_by_their_actual_dates():
    f.SecondmentFactory(planned_start=day(7, 1, Y - 2), planned_end=day(6, 30, Y - 1))
    ended_early = f.SecondmentFactory(planned_start=day(7, 1, Y - 1), planned_end=day(6, 30))
    ended_early.actual_start, ended_early.actual_end = day(7, 1, Y - 1), day(12, 31, Y - 1)
    ended_early.save()
    f.SecondmentFactory(planned_start=day(12, 31), planned_end=day(12, 30, Y + 1))
    f.SecondmentFactory(kind="yunnan", planned_start=day(1, 1), planned_end=day(1, 1))
    assert figures(Y)["secondment_people"] == 2
    assert figures(Y - 1)["secondment_people"] == 2


def test_competition_entries_and_awards_of_the_year():
    contest = f.CompetitionFactory(year=Y)
    entries = [f.CompetitionEntryFactory(competition=contest) for _ in range(3)]
    f.TeamEntryFactory(competition=contest)
    f.AwardFactory(entry=entries[0])
    f.AwardFactory(entry=entries[1], level="second", rank=2)
    f.CompetitionEntryFactory(competition=f.CompetitionFactory(year=Y + 1))
    result = figures(Y)
    assert (result["competition_entries"], result["awards"]) == (4, 2)


def test_hours_are_the_confirmed_practice_hours_of_the_year():
    LedgerEntryFactory(bucket=Bucket.PRACTICE, hours=Decimal("12.5"), date=day(1, 1))
    LedgerEntryFactory(bucket=Bucket.PRACTICE, hours=Decimal("4"), date=day(12, 31))
    LedgerEntryFactory(bucket=Bucket.PRACTICE, hours=Decimal("8"), status=EntryStatus.PENDING, date=day(5, 1))
    LedgerEntryFactory(bucket=Bucket.CENTRALISED, hours=Decimal("8"), date=day(5, 1))
    LedgerEntryFactory(bucket=Bucket.PRACTICE, hours=Decimal("8"), date=day(1, 1, Y + 1))
    assert figures(Y)["hours"] == Decimal("16.5")
    assert sum(e.hours for e in fig.hour_entries(Y)) == Decimal("16.5")


# --- Units and 科室 ---------------------------------------------------------------------------------------------------


def test_a_unit_takes_in_the_records_of_the_units_below_it_and_not_beside_it():
    home = Unit.objects.get(pk=home_unit_id())
    below = UnitFactory(code="SUB", parent=home)
    beside = UnitFactory(code="BESIDE")
    inside = CadreFactory(section=SectionFactory(name="下属科", unit=below))
    outside = CadreFactory(section=SectionFactory(name="别处科", unit=beside))
    stint(inside, committee("甲居委"))
    stint(outside, committee("乙居委"))
    LedgerEntryFactory(cadre=inside, bucket=Bucket.PRACTICE, hours=Decimal("3"), date=day(4, 1))
    LedgerEntryFactory(cadre=outside, bucket=Bucket.PRACTICE, hours=Decimal("5"), date=day(4, 1))
    assert figures(Y, Scope(unit=home))["committees_supported"] == 1
    assert figures(Y, Scope(unit=below))["hours"] == Decimal("3")
    assert figures(Y, Scope(unit=beside))["frontline_people"] == 1
    assert figures(Y)["committees_supported"] == 2
    section = inside.section_id
    assert figures(Y, Scope(section_id=section))["hours"] == Decimal("3")


def test_the_figures_take_a_few_queries_whatever_the_number_of_records(django_assert_max_num_queries):
    def build(n):
        for i in range(n):
            parent = committee(f"居委{n}-{i}")
            stint(place=estate(parent))
            f.CommunityReportFactory(place=parent)
            f.TeamMembershipFactory()
            f.SecondmentFactory()

    build(2)
    with django_assert_max_num_queries(9):
        figures(Y)
    build(10)
    with django_assert_max_num_queries(9):
        figures(Y)


# --- The command -----------------------------------------------------------------------------------------------------


def run(*args):
    out = StringIO()
    call_command("practice_figures", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_one_json_object_with_exactly_the_keys():
    stint(place=estate(committee()))
    f.TeamMembershipFactory(team=f.TeamFactory(name="房管应急支援队"))
    LedgerEntryFactory(bucket=Bucket.PRACTICE, hours=Decimal("12.5"), date=day(4, 1))
    text = run("--year", str(Y))
    assert "房管应急支援队" in text  # UTF-8, not \u escapes
    values = json.loads(text)
    assert list(values) == list(KEYS)
    assert values == {
        "community_reporting_party_members": 0,
        "frontline_people": 1,
        "key_site_people": 0,
        "committees_supported": 1,
        "estates_supported": 1,
        "team_members": {"房管应急支援队": 1},
        "secondment_people": 0,
        "competition_entries": 0,
        "awards": 0,
        "hours": 12.5,
    }
    assert json.loads(run("--year", str(Y + 3)))["hours"] == 0


def test_the_command_narrows_to_a_unit_and_refuses_an_unknown_one():
    home = Unit.objects.get(pk=home_unit_id())
    stint(place=committee())
    assert json.loads(run("--year", str(Y), "--unit", home.code))["frontline_people"] == 1
    other = UnitFactory(code="ELSE")
    assert json.loads(run("--year", str(Y), "--unit", other.code))["frontline_people"] == 0
    with pytest.raises(CommandError, match="NOPE"):
        run("--year", str(Y), "--unit", "NOPE")
