"""Past-year compliance on hand-built histories, and rule tables per unit (docs/compliance-history.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase

from ganxun.hours.models import (
    Bucket,
    BucketCap,
    ConversionRule,
    HistoryRule,
    JoinPolicy,
    LeavePolicy,
    Requirement,
    Unit,
)
from ganxun.hours.queries import CAPS, HISTORY, REQUIREMENTS, Standing, compliance, full_months, rulebook
from ganxun.roster.models import Cadre, LeadershipLevel, Rank, Status, Tier
from ganxun.roster.models import Unit as OrgUnit
from ganxun.roster.tests.factories import CadreFactory, SectionFactory

from .factories import LedgerEntryFactory
from .history import history

D = Decimal
TOWNSHIP = "乡科级及以下年度学时"
ONLINE = "网络培训年度学时"
CYCLE = "县处级以上五年周期集中培训"
LONG_AGO = dt.date(2015, 1, 1)


def make_unit(name: str, code: str, parent: OrgUnit | None = None) -> OrgUnit:
    unit = OrgUnit.objects.create(name=name, code=code, parent=parent)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit


def report(year: int, **kwargs):
    kwargs.setdefault("as_of", dt.date(year, 12, 31))
    return compliance(year=year, cadres=Cadre.objects.all(), **kwargs)


def row_of(result, cadre: Cadre):
    found = [row for row in result.rows + result.apart if row.cadre_id == cadre.pk]
    return found[0] if found else None


def by_name(row) -> dict:
    return {r.requirement.name: r for r in row.results}


class PromotionTests(TestCase):
    """Judged by the tier at the year's end; promoted during a cycle: the new tier's cycle plus a make-up year."""

    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory()
        cls.promoted = history(
            CadreFactory(section=cls.section, name="甲", rank=Rank.PRINCIPAL_CLERK_1),
            (LONG_AGO, {}),
            (dt.date(2026, 3, 1), {"leadership_level": LeadershipLevel.DEPUTY_DIVISION_CHIEF}),
        )
        cls.always = history(
            CadreFactory(section=cls.section, name="乙", leadership_level=LeadershipLevel.DEPUTY_DIVISION_CHIEF),
            (LONG_AGO, {}),
        )
        for cadre in (cls.promoted, cls.always):
            LedgerEntryFactory(cadre=cadre, date=dt.date(2027, 5, 1), hours=D(300), bucket=Bucket.CENTRALISED)

    def test_promoted_in_2026_is_judged_as_township_for_2024(self):
        row = row_of(report(2024), self.promoted)
        self.assertEqual(row.tier, Tier.TOWNSHIP_SECTION)
        self.assertEqual(set(by_name(row)), {TOWNSHIP, ONLINE})
        self.assertEqual(self.promoted.tier, Tier.COUNTY_DIVISION)  # today's tier is not the one applied

    def test_from_the_year_of_the_promotion_the_new_tiers_cycle_with_a_make_up_year(self):
        self.assertEqual(row_of(report(2026), self.promoted).tier, Tier.COUNTY_DIVISION)
        promoted, always = by_name(row_of(report(2027), self.promoted)), by_name(row_of(report(2027), self.always))
        self.assertEqual(always[CYCLE].standing, Standing.NOT_MET)  # the cycle ended unmet
        self.assertEqual(promoted[CYCLE].standing, Standing.BEHIND)  # a year left to make up
        self.assertEqual(promoted[CYCLE].expected, D("458.33"))  # 5 of 6 years: 550 × 5/6
        later = report(2028)
        self.assertNotIn(CYCLE, by_name(row_of(later, self.always)))
        self.assertEqual(by_name(row_of(later, self.promoted))[CYCLE].standing, Standing.NOT_MET)

    def test_hours_of_the_make_up_year_count_toward_the_cycle(self):
        LedgerEntryFactory(cadre=self.promoted, date=dt.date(2028, 5, 1), hours=D(250), bucket=Bucket.CENTRALISED)
        result = by_name(row_of(report(2028), self.promoted))[CYCLE]
        self.assertEqual((result.done, result.standing), (D(550), Standing.MET))
        self.assertIn(CYCLE, [r.name for r in report(2028).requirements])  # a column for it

    def test_a_promotion_on_the_cycles_last_day_has_the_make_up_and_the_day_after_does_not(self):
        history(
            self.promoted,
            (LONG_AGO, {}),
            (dt.date(2027, 12, 31), {"leadership_level": LeadershipLevel.DEPUTY_DIVISION_CHIEF}),
        )
        self.assertEqual(by_name(row_of(report(2027), self.promoted))[CYCLE].standing, Standing.BEHIND)
        history(
            self.promoted,
            (LONG_AGO, {}),
            (dt.date(2028, 1, 1), {"leadership_level": LeadershipLevel.DEPUTY_DIVISION_CHIEF}),
        )
        self.assertEqual(row_of(report(2027), self.promoted).tier, Tier.TOWNSHIP_SECTION)
        self.assertNotIn(CYCLE, by_name(row_of(report(2028), self.promoted)))

    def test_the_archive_judges_each_year_as_the_report_does(self):
        from ganxun.hours.queries import cadre_years

        entries = list(self.promoted.ledger_entries.all())
        with self.assertNumQueries(3):
            years = cadre_years(self.promoted, entries, [2024, 2027, 2028], as_of=dt.date(2028, 12, 31))
        self.assertEqual(years[2024].tier, Tier.TOWNSHIP_SECTION)
        for year in (2027, 2028):
            page = row_of(report(year, as_of=dt.date(2028, 12, 31)), self.promoted)
            self.assertEqual(
                [(r.requirement.pk, r.required, r.done, r.standing) for r in years[year].results],
                [(r.requirement.pk, r.required, r.done, r.standing) for r in page.results],
            )
        self.assertEqual(by_name(years[2027])[CYCLE].standing, Standing.BEHIND)

    def test_the_make_up_window_is_a_rule_row(self):
        HistoryRule.objects.create(year=2027, promotion_makeup_years=0)
        self.assertEqual(by_name(row_of(report(2027), self.promoted))[CYCLE].standing, Standing.NOT_MET)
        HistoryRule.objects.filter(year=2027).update(promotion_makeup_years=2)
        self.assertEqual(by_name(row_of(report(2027), self.promoted))[CYCLE].expected, D("392.86"))  # 5/7


class LeaverTests(TestCase):
    """Retired in June: in that year's figures with status and date, pro-rated or listed apart."""

    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory()
        cls.retired = history(
            CadreFactory(section=cls.section, name="退"),
            (LONG_AGO, {}),
            (dt.date(2025, 6, 15), {"status": Status.RETIRED}),
        )
        LedgerEntryFactory(cadre=cls.retired, date=dt.date(2025, 3, 1), hours=D(40), bucket=Bucket.CENTRALISED)

    def test_a_retirement_in_june_appears_with_status_and_date_pro_rated_by_full_months(self):
        row = row_of(report(2025), self.retired)
        self.assertEqual((row.status, row.left_on, row.months), (Status.RETIRED, dt.date(2025, 6, 15), 5))
        self.assertEqual(row.status_text, "退休 2025-06-15")
        results = by_name(row)
        self.assertEqual(results[TOWNSHIP].required, D("37.50"))  # 90 × 5/12: June is not a full month
        self.assertEqual(results[TOWNSHIP].standing, Standing.MET)
        self.assertEqual(results[ONLINE].required, D("20.83"))
        self.assertEqual(results[ONLINE].standing, Standing.NOT_MET)  # the year is over for them
        self.assertIsNone(row_of(report(2026), self.retired))
        self.assertEqual(row_of(report(2024), self.retired).status, Status.ACTIVE)

    def test_leaving_on_the_first_of_july_counts_june_in_full(self):
        history(self.retired, (LONG_AGO, {}), (dt.date(2025, 7, 1), {"status": Status.RETIRED}))
        row = row_of(report(2025), self.retired)
        self.assertEqual(row.months, 6)
        self.assertEqual(by_name(row)[TOWNSHIP].required, D(45))
        history(self.retired, (LONG_AGO, {}), (dt.date(2025, 6, 30), {"status": Status.RETIRED}))
        self.assertEqual(row_of(report(2025), self.retired).months, 5)

    def test_listed_apart_when_the_rule_says_so(self):
        HistoryRule.objects.create(year=2025, leave_policy=LeavePolicy.APART)
        result = report(2025)
        self.assertEqual([r.cadre_id for r in result.rows], [])
        (row,) = result.apart
        self.assertEqual((row.cadre_id, row.apart, row.results), (self.retired.pk, True, []))
        self.assertEqual(result.totals().cadres, 0)  # not counted in the 达标率

    def test_a_leaver_judged_before_the_leaving_date_is_not_yet_final(self):
        history(self.retired, (LONG_AGO, {}), (dt.date(2025, 12, 1), {"status": Status.RETIRED}))
        row = row_of(report(2025, as_of=dt.date(2025, 6, 30)), self.retired)
        self.assertEqual(by_name(row)[ONLINE].standing, Standing.BEHIND)


class RecruitTests(TestCase):
    """A recruit's yearly requirement pro-rated by the full months in service: hired on the 1st vs the 2nd."""

    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory()
        cls.first = history(CadreFactory(section=cls.section, name="一"), (dt.date(2025, 11, 1), {}))
        cls.second = history(CadreFactory(section=cls.section, name="二"), (dt.date(2025, 11, 2), {}))

    def test_hired_on_the_first_of_november_two_months_on_the_second_one(self):
        result = report(2025)
        first, second = row_of(result, self.first), row_of(result, self.second)
        self.assertEqual((first.months, first.joined_on), (2, dt.date(2025, 11, 1)))
        self.assertEqual(by_name(first)[TOWNSHIP].required, D(15))
        self.assertEqual(second.months, 1)
        self.assertEqual(by_name(second)[TOWNSHIP].required, D("7.50"))
        self.assertTrue(by_name(second)[TOWNSHIP].prorated)
        self.assertIsNone(row_of(report(2024), self.first))  # not yet in service

    def test_the_full_requirement_when_the_rule_says_so(self):
        HistoryRule.objects.create(year=2025, join_policy=JoinPolicy.FULL)
        self.assertEqual(by_name(row_of(report(2025), self.first))[TOWNSHIP].required, D(90))

    def test_hired_on_the_first_of_january_is_not_a_joiner(self):
        history(self.first, (dt.date(2025, 1, 1), {}))
        row = row_of(report(2025), self.first)
        self.assertEqual((row.joined_on, row.months), (None, 12))
        self.assertFalse(by_name(row)[TOWNSHIP].prorated)

    def test_full_months(self):
        year = [(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
        self.assertEqual(full_months(year, 2025), 12)
        self.assertEqual(full_months([(dt.date(2024, 2, 1), dt.date(2024, 2, 28))], 2024), 0)  # a leap year
        self.assertEqual(full_months([(dt.date(2024, 2, 1), dt.date(2024, 2, 29))], 2024), 1)


class SectionChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.old = SectionFactory(name="旧区改造科", sort_order=1)
        cls.new = SectionFactory(name="住房保障科", sort_order=2)
        cls.cadre = history(
            CadreFactory(section=cls.old, name="换"),
            (LONG_AGO, {}),
            (dt.date(2025, 7, 1), {"section": cls.new}),
        )

    def test_listed_under_the_year_end_section(self):
        row = row_of(report(2025), self.cadre)
        self.assertEqual((row.section_id, row.section_name, row.months), (self.new.pk, "住房保障科", 12))
        self.assertIsNone(row.joined_on)  # a change of 科室 is not joining
        self.assertEqual(row_of(report(2024), self.cadre).section_id, self.old.pk)
        self.assertEqual([r.cadre_id for r in report(2025, section_id=self.old.pk).rows], [])
        self.assertEqual([r.cadre_id for r in report(2025, section_id=self.new.pk).rows], [self.cadre.pk])
        self.assertEqual([s.name for s in report(2025).sections()], ["住房保障科"])


class UnitRuleTests(TestCase):
    """A unit with rules of its own, one inheriting its parent's, one inheriting the default."""

    @classmethod
    def setUpTestData(cls):
        cls.district = make_unit("区委组织部", "QWZZB")
        cls.bureau = make_unit("区房管局", "QFGJ", cls.district)
        cls.office = make_unit("房屋管理所", "FWGLS", cls.bureau)
        cls.other = make_unit("区建管委", "QJGW", cls.district)
        Requirement.objects.create(
            org_unit=cls.bureau, name="房管局年度学时", tier=Tier.TOWNSHIP_SECTION, start_year=2025, end_year=2025,
            hours=D(100),
        )  # fmt: skip
        cls.cadres = {}
        for unit in (cls.district, cls.bureau, cls.office, cls.other):
            section = SectionFactory(name=f"{unit.name}办公室", unit=unit)
            cls.cadres[unit.code] = CadreFactory(section=section, name=unit.name)

    def test_the_nearest_unit_with_rules_for_the_year_applies(self):
        result = report(2025)
        names = {code: set(by_name(row_of(result, cadre))) for code, cadre in self.cadres.items()}
        self.assertEqual(names["QFGJ"], {"房管局年度学时"})  # 本单位规则
        self.assertEqual(names["FWGLS"], {"房管局年度学时"})  # inherited from the bureau
        self.assertEqual(names["QJGW"], {TOWNSHIP, ONLINE})  # the default
        self.assertEqual(names["QWZZB"], {TOWNSHIP, ONLINE})
        self.assertEqual(set(by_name(row_of(report(2024), self.cadres["QFGJ"]))), {TOWNSHIP, ONLINE})

    def test_the_book_says_where_each_table_comes_from(self):
        book = rulebook(2025, self.office)
        self.assertEqual(book.sources, {REQUIREMENTS: self.bureau.pk, CAPS: None, HISTORY: None})
        self.assertEqual(book.caps[(2025, Bucket.SELF_STUDY)], D(20))
        BucketCap.objects.create(org_unit=self.district, year=2025, bucket=Bucket.SELF_STUDY, cap=D(10))
        book = rulebook(2025, self.office)
        self.assertEqual((book.sources[CAPS], book.caps[(2025, Bucket.SELF_STUDY)]), (self.district.pk, D(10)))
        self.assertEqual(rulebook(2025).sources[CAPS], None)

    def test_a_units_history_rule_is_inherited_too(self):
        HistoryRule.objects.create(org_unit=self.district, year=2025, leave_policy=LeavePolicy.APART)
        self.assertEqual(rulebook(2025, self.office).history.leave_policy, LeavePolicy.APART)
        self.assertEqual(rulebook(2025).history.leave_policy, LeavePolicy.PRORATE)

    def test_a_unit_report_lists_who_served_there_during_the_year(self):
        moved = self.cadres["QFGJ"]
        history(
            moved,
            (LONG_AGO, {}),
            (dt.date(2025, 6, 1), {"section": Cadre.objects.get(pk=self.cadres["QJGW"].pk).section}),
        )
        bureau = report(2025, unit=self.bureau)
        row = row_of(bureau, moved)
        self.assertEqual((row.status, row.left_on, row.months), (Status.TRANSFERRED, dt.date(2025, 6, 1), 5))
        self.assertEqual(by_name(row)["房管局年度学时"].required, D("41.67"))  # the bureau's rule, 5/12
        self.assertEqual({r.cadre_id for r in bureau.rows}, {moved.pk, self.cadres["FWGLS"].pk})
        whole = row_of(report(2025), moved)  # across the district: in post, under the new unit and its rules
        self.assertEqual((whole.status, whole.unit_id, whole.months), (Status.ACTIVE, self.other.pk, 12))
        self.assertEqual(set(by_name(whole)), {TOWNSHIP, ONLINE})

    def test_queries_do_not_grow_with_cadres_units_or_histories(self):
        with self.assertNumQueries(4):
            report(2025)
        for unit in (self.bureau, self.other):
            section = SectionFactory(unit=unit)
            for n in range(5):
                cadre = CadreFactory(section=section)
                history(cadre, (LONG_AGO, {}), (dt.date(2025, 1 + n, 2), {"rank": Rank.PRINCIPAL_CLERK_1}))
                LedgerEntryFactory(cadre=cadre)
        with self.assertNumQueries(4):
            self.assertEqual(len(report(2025).rows), 14)
        with self.assertNumQueries(4):
            report(2025, unit=self.bureau)


class UniquenessTests(TestCase):
    """One rule per (unit, year, …): the default rows (no unit) once, each unit's once, on SQLite and PostgreSQL."""

    def test_the_default_and_each_unit_once(self):
        unit = make_unit("区房管局", "QFGJ")
        other = make_unit("区建管委", "QJGW")
        duplicate = ConversionRule(year=2025, unit=Unit.DAY, hours=D(8))
        with self.assertRaises(ValidationError):
            duplicate.full_clean()
        for owner in (unit, other):
            rule = ConversionRule(org_unit=owner, year=2025, unit=Unit.DAY, hours=D(7))
            rule.full_clean()
            rule.save()
        with self.assertRaises(ValidationError):
            ConversionRule(org_unit=unit, year=2025, unit=Unit.DAY, hours=D(6)).full_clean()
        HistoryRule.objects.create(year=2025)
        HistoryRule.objects.create(org_unit=unit, year=2025)
        with self.assertRaises(ValidationError):
            HistoryRule(year=2025).full_clean()
        with self.assertRaises(ValidationError):
            HistoryRule(org_unit=unit, year=2025).full_clean()
        with self.assertRaises(ValidationError):
            BucketCap(year=2025, bucket=Bucket.SELF_STUDY, cap=D(5)).full_clean()
        BucketCap(org_unit=unit, year=2025, bucket=Bucket.SELF_STUDY, cap=D(5)).full_clean()

    def test_a_make_up_window_beyond_three_years_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            HistoryRule(year=2025, promotion_makeup_years=4).full_clean()
        self.assertIn("promotion_makeup_years", caught.exception.message_dict)
        HistoryRule(year=2025, promotion_makeup_years=3).full_clean()


class ComplianceReportCommandTests(TestCase):
    """compliance_report --year Y [--unit CODE]: everyone who served during the year, with a status column."""

    @classmethod
    def setUpTestData(cls):
        cls.district = make_unit("区委组织部", "QWZZB")
        cls.bureau = make_unit("区房管局", "QFGJ", cls.district)
        section = SectionFactory(name="物业管理科", unit=cls.bureau)
        cls.stays = CadreFactory(section=section, name="孙在职", rank=Rank.CLERK_1)
        cls.retired = history(
            CadreFactory(section=section, name="钱退休", rank=Rank.CLERK_1),
            (LONG_AGO, {}),
            (dt.date(2025, 6, 15), {"status": Status.RETIRED}),
        )
        CadreFactory(section=SectionFactory(name="组织科", unit=cls.district), name="李组织")

    def rows(self, *args: str) -> list[dict[str, str]]:
        import csv
        import io

        from django.core.management import call_command

        out = io.StringIO()
        call_command("compliance_report", *args, stdout=out, stderr=io.StringIO())
        table = list(csv.reader(io.StringIO(out.getvalue())))
        return [dict(zip(table[0], row, strict=True)) for row in table[1:]]

    def test_the_leaver_is_listed_with_status_and_date_under_the_same_columns(self):
        rows = {row["姓名"]: row for row in self.rows("--year", "2025", "--unit", "QFGJ")}
        self.assertEqual(set(rows), {"孙在职", "钱退休"})
        self.assertEqual(rows["钱退休"]["人员状态"], "退休 2025-06-15")
        self.assertEqual(rows["孙在职"]["人员状态"], "在职")
        self.assertEqual(rows["钱退休"]["乡科级及以下年度学时：应修学时"], "37.50")
        self.assertEqual(rows["孙在职"]["乡科级及以下年度学时：应修学时"], "90.00")
        self.assertEqual(list(rows["孙在职"])[:4], ["科室", "姓名", "层级", "人员状态"])
        self.assertEqual({row["姓名"] for row in self.rows("--year", "2026", "--unit", "QFGJ")}, {"孙在职"})
        self.assertEqual(len(self.rows("--year", "2025")), 3)  # the whole system

    def test_listed_apart_comes_last_not_judged(self):
        HistoryRule.objects.create(org_unit=self.bureau, year=2025, leave_policy=LeavePolicy.APART)
        rows = self.rows("--year", "2025", "--unit", "QFGJ")
        self.assertEqual([row["姓名"] for row in rows], ["孙在职", "钱退休"])
        self.assertEqual(rows[1]["总体完成情况"], "另列，不评判")
        self.assertEqual(rows[1]["乡科级及以下年度学时：应修学时"], "")

    def test_an_unknown_unit_code(self):
        from django.core.management import CommandError

        with self.assertRaisesMessage(CommandError, "NOPE"):
            self.rows("--year", "2025", "--unit", "NOPE")


class CapStandingPerUnitTests(TestCase):
    def test_the_report_page_shows_the_cap_of_the_cadres_unit(self):
        from ganxun.hours.queries import cap_standing

        from .factories import SelfReportFactory

        bureau = make_unit("区房管局", "QFGJ")
        cadre = CadreFactory(section=SectionFactory(unit=bureau))
        report_entry = SelfReportFactory(cadre=cadre, date=dt.date(2025, 5, 1), hours=D(3))
        self.assertEqual(cap_standing(report_entry).cap, D(20))  # the default
        BucketCap.objects.create(org_unit=bureau, year=2025, bucket=Bucket.ONLINE, cap=D(30))
        self.assertIsNone(cap_standing(report_entry).cap)  # the unit's caps replace the default's: none for 自学
        BucketCap.objects.create(org_unit=bureau, year=2025, bucket=Bucket.SELF_STUDY, cap=D(12))
        self.assertEqual(cap_standing(report_entry).cap, D(12))
