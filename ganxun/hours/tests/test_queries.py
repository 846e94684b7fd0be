"""Compliance from the ledger and the seeded rules (2023–2027): caps, cycles, tiers, statuses, standings."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase

from ganxun.hours.models import Bucket, BucketCap, ConversionRule, EntryStatus, LedgerEntry, Requirement, Unit
from ganxun.hours.queries import (
    Standing,
    cadre_compliance,
    compliance,
    elapsed_share,
    rulebook,
)
from ganxun.roster.models import Cadre, LeadershipLevel, Rank, Tier
from ganxun.roster.tests.factories import CadreFactory, SectionFactory

from .factories import LedgerEntryFactory
from .history import restate

END_OF_2025 = dt.date(2025, 12, 31)
D = Decimal

TOWNSHIP = "乡科级及以下年度学时"
ONLINE = "网络培训年度学时"
CYCLE = "县处级以上五年周期集中培训"


def judged(cadre: Cadre, year: int = 2025, as_of: dt.date = END_OF_2025):
    """The cadre's row from the page's computation (SQL path)."""
    report = compliance(year=year, cadres=Cadre.objects.filter(pk=cadre.pk), as_of=as_of)
    assert len(report.rows) == 1
    return report.rows[0]


def by_name(row) -> dict[str, object]:
    return {r.requirement.name: r for r in row.results}


class SeededRulesTests(TestCase):
    def test_the_spec_defaults_are_there_for_every_year_of_the_cycle(self):
        book = rulebook(2025)
        self.assertEqual({r.name for r in book.requirements}, {TOWNSHIP, ONLINE, CYCLE})
        self.assertEqual(book.first_year, 2023)
        self.assertEqual(book.caps[(2025, Bucket.SELF_STUDY)], D(20))
        self.assertEqual(book.caps[(2023, Bucket.SELF_STUDY)], D(20))


class ConversionRoundingTests(TestCase):
    """ConversionRule.convert: the per-unit rules of the seeded year."""

    def rule(self, unit: str) -> ConversionRule:
        return ConversionRule.objects.get(year=2025, unit=unit)

    def test_online_minutes_round_down_to_half_hours_and_stop_at_the_item_cap(self):
        online = self.rule(Unit.ONLINE_MINUTES)  # 30 minutes = 1, half down, at most 8 per item
        self.assertEqual(online.convert(D(45)), D("1.5"))
        self.assertEqual(online.convert(D(50)), D("1.5"))  # 1.67 is not rounded up
        self.assertEqual(online.convert(D(29)), D("0.5"))
        self.assertEqual(online.convert(D(60)), D(2))
        self.assertEqual(online.convert(D(600)), D(8))  # 20 capped per item

    def test_lecturing_is_worth_three_times_its_length_up_to_the_cap(self):
        lecture = self.rule(Unit.LECTURE_HOUR)
        self.assertEqual(lecture.convert(D(2)), D(6))
        self.assertEqual(lecture.convert(D(5)), D(12))

    def test_hours_round_to_the_nearest_half(self):
        hour = self.rule(Unit.HOUR)
        self.assertEqual(hour.convert(D("1.2")), D(1))
        self.assertEqual(hour.convert(D("1.3")), D("1.5"))
        self.assertEqual(hour.convert(D("2.25")), D("2.5"))

    def test_a_day_and_a_half_day(self):
        self.assertEqual(self.rule(Unit.DAY).convert(D(1)), D(8))
        self.assertEqual(self.rule(Unit.HALF_DAY).convert(D(1)), D(4))


class CapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cadre = CadreFactory(rank=Rank.CLERK_1)

    def entry(self, **fields):
        return LedgerEntryFactory(cadre=self.cadre, **fields)

    def test_surplus_beyond_the_yearly_cap_does_not_count(self):
        self.entry(bucket=Bucket.SELF_STUDY, hours=D(15), date=dt.date(2025, 3, 1))
        self.entry(bucket=Bucket.SELF_STUDY, hours=D(10), date=dt.date(2025, 9, 1))
        self.entry(bucket=Bucket.CENTRALISED, hours=D(30), date=dt.date(2025, 5, 1))
        row = judged(self.cadre)
        self.assertEqual(row.buckets[Bucket.SELF_STUDY], D(20))
        self.assertEqual(row.total, D(50))
        self.assertEqual(by_name(row)[TOWNSHIP].done, D(50))  # 20 + 30, not 55

    def test_each_year_is_capped_on_its_own_within_a_cycle(self):
        restate(self.cadre, rank=Rank.RESEARCHER_4)
        BucketCap.objects.create(year=2023, bucket=Bucket.CENTRALISED, cap=D(100))
        self.entry(bucket=Bucket.CENTRALISED, hours=D(150), date=dt.date(2023, 5, 1))
        self.entry(bucket=Bucket.CENTRALISED, hours=D(50), date=dt.date(2024, 5, 1))
        self.entry(bucket=Bucket.CENTRALISED, hours=D(130), date=dt.date(2025, 5, 1))
        row = judged(self.cadre)
        self.assertEqual(by_name(row)[CYCLE].done, D(280))  # 100 (capped) + 50 + 130

    def test_a_cap_in_the_rules_of_another_year_does_not_apply(self):
        BucketCap.objects.filter(year=2025, bucket=Bucket.SELF_STUDY).delete()
        self.entry(bucket=Bucket.SELF_STUDY, hours=D(35), date=dt.date(2025, 3, 1))
        self.assertEqual(judged(self.cadre).buckets[Bucket.SELF_STUDY], D(35))


class CycleBoundaryTests(TestCase):
    """The 2023–2027 cycle counts from 2023-01-01 to 2027-12-31, and nothing either side."""

    @classmethod
    def setUpTestData(cls):
        cls.cadre = CadreFactory(rank=Rank.RESEARCHER_3)
        for day, hours in (
            (dt.date(2022, 12, 31), 100),
            (dt.date(2023, 1, 1), 10),
            (dt.date(2027, 12, 31), 20),
            (dt.date(2028, 1, 1), 1000),
        ):
            LedgerEntryFactory(cadre=cls.cadre, date=day, hours=D(hours), bucket=Bucket.CENTRALISED)

    def test_only_entries_inside_the_cycle_count(self):
        row = judged(self.cadre, year=2027, as_of=dt.date(2028, 3, 1))
        result = by_name(row)[CYCLE]
        self.assertEqual(result.done, D(30))
        self.assertEqual(result.standing, Standing.NOT_MET)

    def test_in_the_cycles_first_year_only_that_year_counts(self):
        self.assertEqual(by_name(judged(self.cadre, year=2023))[CYCLE].done, D(10))

    def test_the_archive_path_agrees_with_the_page(self):
        entries = list(LedgerEntry.objects.filter(cadre=self.cadre))
        for year in (2023, 2025, 2027):
            one = cadre_compliance(self.cadre, entries, year, as_of=dt.date(2028, 3, 1))
            page = judged(self.cadre, year=year, as_of=dt.date(2028, 3, 1))
            self.assertEqual(
                [(r.requirement.pk, r.done, r.standing) for r in one.results],
                [(r.requirement.pk, r.done, r.standing) for r in page.results],
            )
            self.assertEqual(one.buckets, page.buckets)


class TierTests(TestCase):
    def test_switching_tier_switches_the_requirements(self):
        cadre = CadreFactory(rank=Rank.PRINCIPAL_CLERK_1)
        LedgerEntryFactory(cadre=cadre, hours=D(60), bucket=Bucket.CENTRALISED)
        self.assertEqual(judged(cadre).tier, Tier.TOWNSHIP_SECTION)
        self.assertEqual(set(by_name(judged(cadre))), {TOWNSHIP, ONLINE})
        restate(cadre, leadership_level=LeadershipLevel.DEPUTY_DIVISION_CHIEF)  # 县处级 all along
        results = by_name(judged(cadre))
        self.assertEqual(set(results), {CYCLE, ONLINE})
        self.assertEqual(results[CYCLE].done, D(60))

    def test_a_requirement_without_tier_applies_to_everyone(self):
        for rank in (Rank.CLERK_2, Rank.INSPECTOR_1):
            self.assertIn(ONLINE, by_name(judged(CadreFactory(rank=rank))))


class StatusTests(TestCase):
    def test_only_confirmed_entries_count(self):
        cadre = CadreFactory()
        for status in (EntryStatus.PENDING, EntryStatus.SECTION_APPROVED, EntryStatus.REJECTED):
            LedgerEntryFactory(cadre=cadre, status=status, hours=D(50), bucket=Bucket.ONLINE)
        LedgerEntryFactory(cadre=cadre, status=EntryStatus.CONFIRMED, hours=D(7), bucket=Bucket.ONLINE)
        row = judged(cadre)
        self.assertEqual(row.buckets[Bucket.ONLINE], D(7))
        self.assertEqual(by_name(row)[ONLINE].done, D(7))


class StandingTests(TestCase):
    """达标 when reached; otherwise on track or behind against the share of the period passed."""

    @classmethod
    def setUpTestData(cls):
        cls.cadre = CadreFactory(rank=Rank.RESEARCHER_4)

    def online(self, hours: int, day: dt.date = dt.date(2025, 3, 1)):
        LedgerEntryFactory(cadre=self.cadre, hours=D(hours), bucket=Bucket.ONLINE, date=day)

    def test_mid_year_a_yearly_requirement_is_judged_against_the_days_passed(self):
        self.online(30)
        as_of = dt.date(2025, 7, 1)  # day 182 of 365: about 24.93 of 50 expected
        result = by_name(judged(self.cadre, as_of=as_of))[ONLINE]
        self.assertEqual(result.expected, D("24.93"))
        self.assertEqual(result.standing, Standing.ON_TRACK)
        self.online(10, dt.date(2025, 6, 1))
        self.assertEqual(by_name(judged(self.cadre, as_of=as_of))[ONLINE].standing, Standing.ON_TRACK)

    def test_behind_mid_year_and_not_met_once_the_year_is_over(self):
        self.online(20)
        self.assertEqual(by_name(judged(self.cadre, as_of=dt.date(2025, 7, 1)))[ONLINE].standing, Standing.BEHIND)
        self.assertEqual(by_name(judged(self.cadre, as_of=dt.date(2026, 1, 5)))[ONLINE].standing, Standing.NOT_MET)

    def test_met_is_met_whenever(self):
        self.online(50)
        self.assertEqual(by_name(judged(self.cadre, as_of=dt.date(2025, 3, 2)))[ONLINE].standing, Standing.MET)

    def test_a_cycle_expects_its_share_by_the_end_of_each_year(self):
        for year, hours in ((2023, 110), (2024, 110), (2025, 120)):
            LedgerEntryFactory(cadre=self.cadre, hours=D(hours), bucket=Bucket.CENTRALISED, date=dt.date(year, 5, 1))
        result = by_name(judged(self.cadre, as_of=dt.date(2026, 2, 1)))[CYCLE]
        self.assertEqual((result.done, result.expected), (D(340), D(330)))  # 3/5 of 550
        self.assertEqual(result.standing, Standing.ON_TRACK)
        for entry in LedgerEntry.objects.filter(cadre=self.cadre, date__year=2025):
            entry.hours = D(100)
            entry.save()  # through save(), which moves the maintained totals (a bare update() would not)
        self.assertEqual(by_name(judged(self.cadre, as_of=dt.date(2026, 2, 1)))[CYCLE].standing, Standing.BEHIND)

    def test_overall_standing_is_the_weakest(self):
        self.online(50)  # online met; the cycle is behind
        row = judged(self.cadre)
        self.assertEqual(row.standing, Standing.BEHIND)
        self.assertFalse(row.in_good_standing)

    def test_elapsed_share(self):
        cycle = Requirement(start_year=2023, end_year=2027, hours=D(550))
        self.assertEqual(elapsed_share(cycle, 2025, dt.date(2030, 1, 1)), D(3) / D(5))
        self.assertEqual(elapsed_share(cycle, 2027, dt.date(2030, 1, 1)), D(1))
        self.assertEqual(elapsed_share(cycle, 2023, dt.date(2022, 6, 1)), D(0))
        yearly = Requirement(start_year=2024, end_year=2024, hours=D(90))
        self.assertEqual(elapsed_share(yearly, 2024, dt.date(2024, 12, 31)), D(1))


class ReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = SectionFactory(name="旧区改造科", sort_order=1)
        cls.second = SectionFactory(name="住房保障科", sort_order=2)
        cls.good = CadreFactory(section=cls.first, name="甲")
        cls.bad = CadreFactory(section=cls.first, name="乙")
        cls.other = CadreFactory(section=cls.second, name="丙")
        for cadre in (cls.good, cls.other):
            LedgerEntryFactory(cadre=cadre, hours=D(50), bucket=Bucket.ONLINE)
            LedgerEntryFactory(cadre=cadre, hours=D(40), bucket=Bucket.CENTRALISED)

    def report(self):
        return compliance(year=2025, cadres=Cadre.objects.all(), as_of=END_OF_2025)

    def test_summary_per_section(self):
        sections = self.report().sections()
        self.assertEqual(
            [(s.name, s.cadres, s.in_good_standing, s.rate) for s in sections],
            [("旧区改造科", 2, 1, 50), ("住房保障科", 1, 1, 100)],
        )

    def test_behind_lists_the_cadres_not_on_track(self):
        self.assertEqual([r.name for r in self.report().behind()], ["乙"])

    def test_a_cadre_without_entries_is_still_judged(self):
        row = next(r for r in self.report().rows if r.name == "乙")
        self.assertEqual(row.total, D(0))
        self.assertEqual(by_name(row)[TOWNSHIP].standing, Standing.NOT_MET)

    def test_a_constant_number_of_queries_whatever_the_number_of_cadres(self):
        with self.assertNumQueries(4):
            self.report()
        for _ in range(10):
            LedgerEntryFactory(cadre=CadreFactory(section=self.second), hours=D(3))
        with self.assertNumQueries(4):
            self.assertEqual(len(self.report().rows), 13)

    def test_the_cadres_given_bound_the_report(self):
        report = compliance(year=2025, cadres=Cadre.objects.filter(section=self.second), as_of=END_OF_2025)
        self.assertEqual([r.name for r in report.rows], ["丙"])
