"""The statistics tables, the 考核 list and their workbooks against the hand-counted world (tests/world.py)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.hours.models import Bucket, Source
from ganxun.hours.tests.factories import LedgerEntryFactory
from ganxun.roster.models import Cadre
from ganxun.roster.tests.factories import CadreFactory, SectionFactory

from .. import queries
from .world import YEAR, StatsWorld

D = Decimal
AS_OF = dt.date(2026, 6, 30)


def facts(unit, year=YEAR):
    return queries.year_facts(year=year, unit=unit, cadres=Cadre.objects.all(), as_of=AS_OF)


def figures(line) -> dict:
    return {
        "cadres": line.cadres,
        "trained": line.trained,
        "hours": line.hours,
        "centralised": line.centralised,
        "online": line.online,
        "other": line.other,
        "called": {k: v for k, v in line.called.items() if v},
        "types": {k: v for k, v in line.types.items() if v},
        "judged": line.judged,
        "met": line.met,
    }


class TablesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = StatsWorld()

    def table(self, unit=None):
        return queries.unit_table(facts(unit or self.w.a))

    def line(self, table, key):
        return next(line for line in [*table.lines, table.total] if line.key == key)

    def test_by_tier_counted_by_hand(self):
        table = self.table()
        county = figures(self.line(table, "county_division"))
        self.assertEqual(
            county,
            {
                "cadres": 1,
                "trained": 1,
                "hours": D(90),  # the 2024 class is not of 2025
                "centralised": D(40),
                "online": D(50),
                "other": D(0),
                "called": {},  # 甲's class starts in 2026
                "types": {"specialised": 1, "in_service": 1},
                "judged": 1,
                "met": 1,  # the five-year cycle on track, the yearly online met
            },
        )
        township = figures(self.line(table, "township_section"))
        self.assertEqual(
            township,
            {
                # 乙 丙 丁 戊 庚 辛; 己 retired in June is not on the register at the year's end
                "cadres": 6,
                "trained": 4,  # 乙 (31 Dec) 丙 戊 (a lecture) 庚
                "hours": D(142),  # 8 + (40 + 50 + 20 capped) + 4 + 20
                "centralised": D(62),
                "online": D(60),
                "other": D(20),
                "called": {"mid_young": 1, "young": 1},  # 乙 only nominated
                "types": {"induction": 1, "appointment": 1, "in_service": 2},  # in-service: 丙 庚
                "judged": 6,
                "met": 2,  # 丙, and 庚 on requirements pro-rated to two months
            },
        )

    def test_by_section_and_the_total(self):
        table = self.table()
        office = figures(self.line(table, f"section:{self.w.office.pk}"))
        self.assertEqual((office["cadres"], office["trained"], office["hours"]), (3, 2, D(98)))  # 甲 乙 辛
        business = figures(self.line(table, f"section:{self.w.business.pk}"))
        self.assertEqual((business["cadres"], business["trained"], business["hours"]), (4, 3, D(134)))
        total = table.total
        self.assertEqual((total.cadres, total.trained, total.hours, total.met, total.judged), (7, 5, D(232), 3, 7))
        self.assertEqual(total.per_cadre, D("33.14"))
        self.assertEqual(total.rate, D("42.8"))  # 3 of 7: 42.857 rounded down
        self.assertEqual(self.line(table, "township_section").rate, D("33.3"))
        for block in table.blocks:  # each block adds up to the total, column by column
            for key in queries.COLUMN_KEYS:
                if key in ("per_cadre", "rate"):
                    continue
                self.assertEqual(sum(line.value(key) for line in block.lines), total.value(key), (block.label, key))

    def test_the_units_below_summed(self):
        table = queries.lower_table(facts(self.w.org))
        own, below = table.blocks
        self.assertEqual([line.cadres for line in own.lines], [0])
        self.assertEqual([(line.label, line.cadres) for line in below.lines], [("区房管局", 8), ("区民政局", 1)])
        self.assertEqual(table.total.cadres, 9)
        self.assertEqual(table.total.hours, D(232 + 16 + 90))
        a_below = queries.lower_table(facts(self.w.a))
        self.assertEqual(
            [(line.label, line.cadres) for b in a_below.blocks for line in b.lines], [("区房管局", 7), ("房管所", 1)]
        )
        lower = a_below.blocks[1].lines[0]
        self.assertEqual((lower.centralised, lower.other, lower.types["in_service"]), (D(10), D(6), 1))

    def test_who_moved_out_counts_where_they_were_at_the_years_end(self):
        b = self.table(self.w.b)
        self.assertEqual(b.total.cadres, 1)  # 辛 moved to A on 1 July
        self.assertEqual(self.table(self.w.a).total.cadres, 7)

    def test_an_entry_on_the_first_of_january_counts_in_the_next_year(self):
        table = queries.unit_table(facts(self.w.a, 2026))
        township = self.line(table, "township_section")
        self.assertEqual(township.online, D(50))  # 乙's 1 January entry
        self.assertEqual(
            self.line(table, "county_division").called, {"mid_young": 0, "young": 0, "party_school": 1, "other": 0}
        )


class AssessmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = StatsWorld()

    def rows(self):
        return {r.row.name: r for r in queries.assessment(facts(self.w.a)).rows}

    def test_one_row_per_cadre_with_the_result_and_notes(self):
        rows = self.rows()
        self.assertEqual(set(rows), {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬"})
        self.assertEqual(rows["丙"].result, queries.PASSED)
        self.assertEqual(rows["丙"].bucket_hours()[list(Bucket.values).index(Bucket.SELF_STUDY)], D(20))
        self.assertEqual(rows["乙"].result, queries.FAILED)
        self.assertIn("乡科级及以下年度学时 90", rows["乙"].required_text)
        self.assertEqual(rows["甲"].result, queries.PASSED)
        self.assertTrue(any("县处级以上五年周期集中培训" in note for note in rows["甲"].notes))
        geng = rows["庚"]
        self.assertEqual(geng.result, queries.PASSED)
        self.assertIn("乡科级及以下年度学时 15", geng.required_text)
        notes = "；".join(geng.notes)
        self.assertIn("2026-10-31", notes)  # on probation
        self.assertIn("2025-11-01", notes)  # joined
        self.assertIn("2", notes)
        self.assertIn("2025-06-15", "；".join(rows["己"].notes))
        self.assertIn("援藏（西藏日喀则市）", "；".join(rows["丁"].notes))
        self.assertFalse(any("援派" in note for note in rows["戊"].notes))  # ended on 31 December 2024

    def test_met_at_the_threshold(self):
        w = self.w
        LedgerEntryFactory(cadre=w.wu, date=dt.date(2025, 6, 1), hours=D(50), bucket=Bucket.ONLINE)
        LedgerEntryFactory(cadre=w.wu, date=dt.date(2025, 6, 2), hours=D("35.99"), bucket=Bucket.CENTRALISED)
        self.assertEqual(self.rows()["戊"].result, queries.FAILED)  # 89.99 of 90
        LedgerEntryFactory(cadre=w.wu, date=dt.date(2025, 6, 3), hours=D("0.01"), bucket=Bucket.CENTRALISED)
        self.assertEqual(self.rows()["戊"].result, queries.PASSED)  # 90 of 90
        self.assertEqual(queries.unit_table(facts(w.a)).total.met, 4)

    def test_filters(self):
        whole = queries.assessment(facts(self.w.a))
        business = whole.only(section_id=self.w.business.pk)
        self.assertEqual({r.row.name for r in business.rows}, {"丙", "丁", "戊", "庚"})
        self.assertEqual({r.row.name for r in whole.only(result=queries.PASSED).rows}, {"甲", "丙", "庚"})


class PageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = StatsWorld()

    def get(self, user, name, **params):
        self.client.force_login(user)
        return self.client.get(reverse(f"orgstats:{name}"), params)

    def test_who_may_read(self):
        for name in ("tables", "tables_export"):
            self.assertEqual(self.get(self.w.cadre_user, name).status_code, 403)
            self.assertEqual(self.get(self.w.head, name).status_code, 403)
            self.assertEqual(self.get(self.w.leader, name, year=YEAR).status_code, 200)
        self.assertEqual(self.get(self.w.cadre_user, "assessment").status_code, 403)
        self.assertEqual(self.get(self.w.cadre_user, "assessment_export").status_code, 403)
        response = self.get(self.w.leader, "assessment", year=YEAR)
        self.assertEqual(len(response.context["shown"].rows), 9)  # the leader's unit and the one below it
        self.assertContains(response, "统计报表")  # the tab to the tables

    def test_the_section_heads_export_holds_their_section_only(self):
        response = self.get(self.w.head, "assessment_export", year=YEAR, section=self.w.office.pk)
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual({row[3] for row in sheet.iter_rows(min_row=6, values_only=True)}, {"业务科"})
        page = self.get(self.w.head, "assessment", year=YEAR)
        self.assertNotContains(page, f'href="{reverse("orgstats:tables")}?')  # no tab to the tables they may not read

    def test_the_section_head_reads_their_sections_part_only(self):
        response = self.get(self.w.head, "assessment", year=YEAR, unit=self.w.org.pk, section=self.w.office.pk)
        names = {row.row.name for row in response.context["shown"].rows}
        self.assertEqual(names, {"丙", "丁", "戊", "庚"})
        self.assertEqual(response.context["choice"].unit, self.w.a)

    def test_an_admin_chooses_only_units_they_reach(self):
        response = self.get(self.w.b_admin, "tables", year=YEAR, unit=self.w.a.pk)
        self.assertEqual(response.context["choice"].unit, self.w.b)
        response = self.get(self.w.admin, "tables", year="abc", unit="99999999999999999999999")
        self.assertEqual(response.context["choice"].unit, self.w.a)

    def test_the_leader_reads_their_unit(self):
        response = self.get(self.w.leader, "tables", year=YEAR)
        self.assertEqual(response.context["choice"].unit, self.w.a)
        self.assertContains(response, "区房管局")

    def test_the_tables_workbook(self):
        response = self.get(self.w.admin, "tables_export", year=YEAR)
        self.assertEqual(response.status_code, 200)
        book = load_workbook(io.BytesIO(response.content))
        sheet = book["本单位"]
        merged = {str(r) for r in sheet.merged_cells.ranges}
        self.assertIn("A1:S1", merged)  # the title over the 19 columns
        self.assertIn("A4:A5", merged)
        self.assertIn("E4:F4", merged)  # 学时 over 总数 / 人均
        self.assertIn("G4:I4", merged)
        self.assertIn("J4:M4", merged)
        self.assertIn("N4:Q4", merged)  # 培训类型 over 初任 任职 专门业务 在职
        self.assertEqual(sheet["A1"].value, "干部教育培训统计表（2025年度）")
        self.assertIn("区房管局", sheet["A2"].value)
        self.assertIn("填报单位", sheet["A3"].value)
        self.assertIn("填报日期", sheet["A3"].value)
        self.assertEqual(
            [sheet.cell(row=4, column=c).value for c in (3, 4, 5, 7, 10, 14, 18)],
            ["在册人数", "参训人数", "学时", "学时构成", "调训（人次）", "培训类型（人数）", "学时达标"],
        )
        self.assertEqual(
            [sheet.cell(row=5, column=c).value for c in range(14, 18)], ["初任", "任职", "专门业务", "在职"]
        )
        self.assertEqual(sheet.freeze_panes, "C6")
        self.assertEqual(sheet["C6"].border.left.style, "thin")
        rows = list(sheet.iter_rows(min_row=6, values_only=True))
        total = rows[-1]
        self.assertEqual(total[0], "合计")
        body = rows[:-1]
        tiers, sections = body[:2], body[2:]
        self.assertEqual(sheet["A6"].value, "按层级")
        self.assertEqual((total[2], total[3], total[4]), (7, 5, 232))
        for column in (2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17):  # not 人均 (5) nor the rate (18)
            self.assertEqual(sum(r[column] for r in tiers), total[column], column)
            self.assertEqual(sum(r[column] for r in sections), total[column], column)
        self.assertEqual(total[5], 33.14)
        self.assertEqual(total[18], 42.8)
        self.assertIn("R4:S4", merged)  # 学时达标 over 达标人数 / 达标率
        below = book["下属单位"]
        self.assertEqual([r[1] for r in below.iter_rows(min_row=6, values_only=True)], ["区房管局", "房管所", None])

    def test_the_assessment_workbook_without_id_numbers_or_phones(self):
        response = self.get(self.w.admin, "assessment_export", year=YEAR, result="met")
        sheet = load_workbook(io.BytesIO(response.content)).active
        merged = {str(r) for r in sheet.merged_cells.ranges}
        self.assertIn("F4:K4", merged)  # 2025年度学时 over the five categories and the total
        self.assertEqual(sheet["F4"].value, "2025年度学时")
        rows = list(sheet.iter_rows(min_row=6, values_only=True))
        self.assertEqual([r[1] for r in rows], ["甲", "丙", "庚"])
        self.assertEqual(rows[0][10], 90)
        self.assertEqual({r[12] for r in rows}, {"达标"})
        text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
        for cadre in Cadre.objects.all():
            self.assertNotIn(cadre.id_number, text)
            self.assertNotIn(cadre.phone, text)

    def test_the_pages_show_the_tables(self):
        response = self.get(self.w.admin, "tables", year=YEAR)
        self.assertContains(response, 'data-line="total"')
        self.assertContains(response, "合计")
        response = self.get(self.w.admin, "assessment", year=YEAR, section=self.w.business.pk, result="not_met")
        self.assertEqual({r.row.name for r in response.context["shown"].rows}, {"丁", "戊"})

    def test_queries_do_not_grow_with_rows(self):
        pages = [("tables", {}), ("tables_export", {}), ("assessment", {}), ("assessment_export", {})]
        self.client.force_login(self.w.org_admin)

        def counts():
            found = []
            for name, params in pages:
                with CaptureQueriesContext(connection) as queries_run:
                    response = self.client.get(reverse(f"orgstats:{name}"), {"year": YEAR, **params})
                self.assertEqual(response.status_code, 200)
                found.append(len(queries_run))
            return found

        before = counts()
        section = SectionFactory(name="新科", unit=self.w.b)
        for n in range(6):
            cadre = CadreFactory(name=f"新{n}", section=section)
            LedgerEntryFactory(cadre=cadre, date=dt.date(2025, 3, n + 1), source=Source.OUTSIDE_CLASS)
        self.assertEqual(counts(), before)
        self.assertLessEqual(max(before), 20)
