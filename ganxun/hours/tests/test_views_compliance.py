"""Compliance by 科室 through HTTP: who sees which sections, the not-on-track filter, the export, query budgets."""

import datetime as dt
import io
import re
from decimal import Decimal
from unittest import mock
from urllib.parse import unquote

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.hours.models import Bucket
from ganxun.roster.models import LeadershipLevel, Rank, Status, Tier
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .factories import LedgerEntryFactory
from .history import history

D = Decimal
OVERVIEW = reverse("hours:compliance")
EXPORT = reverse("hours:compliance_export")
CADRES = reverse("hours:compliance_cadres")


def text(response) -> str:
    """The page as a reader sees it: tags dropped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(" / ", " / ")


def year_of_hours(cadre, online: int, centralised: int, self_study: int = 0, year: int = 2025) -> None:
    for bucket, hours in ((Bucket.ONLINE, online), (Bucket.CENTRALISED, centralised), (Bucket.SELF_STUDY, self_study)):
        if hours:
            LedgerEntryFactory(cadre=cadre, hours=D(hours), bucket=bucket, date=dt.date(year, 6, 1))


class ComplianceViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.renewal = SectionFactory(name="旧区改造科", sort_order=1)
        cls.housing = SectionFactory(name="住房保障科", sort_order=2)
        cls.head_cadre = CadreFactory(
            section=cls.renewal,
            name="王科长",
            rank=Rank.PRINCIPAL_CLERK_1,
            leadership_level=LeadershipLevel.SECTION_CHIEF,
        )
        cls.good = CadreFactory(section=cls.renewal, name="李达标", rank=Rank.CLERK_1)
        cls.bad = CadreFactory(section=cls.renewal, name="=HYPERLINK(1)", rank=Rank.CLERK_1)
        cls.retired = CadreFactory(section=cls.renewal, name="退休者", status=Status.RETIRED)
        cls.other = CadreFactory(section=cls.housing, name="赵保障", rank=Rank.CLERK_2)
        year_of_hours(cls.head_cadre, online=50, centralised=40)
        year_of_hours(cls.good, online=55, centralised=20, self_study=30)  # 55 + 20 + 20 (capped) = 95
        year_of_hours(cls.bad, online=10, centralised=10)
        year_of_hours(cls.other, online=60, centralised=40)
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=cls.head_cadre)
        cls.cadre_user = UserFactory(username="li", role=Role.CADRE, cadre=cls.good)

    def summary(self, response):
        return [(s.name, s.cadres, s.in_good_standing, s.rate) for s in response.context["sections"]]

    def test_admins_see_every_section_in_post(self):
        self.client.force_login(self.admin)
        response = self.client.get(OVERVIEW, {"year": 2025})
        self.assertEqual(self.summary(response), [("旧区改造科", 3, 2, 66), ("住房保障科", 1, 1, 100)])
        totals = response.context["totals"]
        self.assertEqual((totals.cadres, totals.met, totals.not_met, totals.off_track), (4, 3, 1, 1))
        self.assertContains(response, "2025年度学时达标情况")

    def test_the_not_on_track_filter_keeps_sections_with_someone_behind(self):
        self.client.force_login(self.admin)
        response = self.client.get(OVERVIEW, {"year": 2025, "behind": "1"})
        self.assertContains(response, "旧区改造科")
        self.assertNotContains(response, f'data-section="{self.housing.pk}"')

    def test_a_section_head_sees_only_their_section(self):
        self.client.force_login(self.head)
        response = self.client.get(OVERVIEW, {"year": 2025})
        self.assertEqual(self.summary(response), [("旧区改造科", 3, 2, 66)])
        self.assertEqual(self.client.get(reverse("hours:compliance_section", args=[self.housing.pk])).status_code, 404)

    def test_a_section_head_lists_who_left_their_section_during_the_year_by_where_they_ended_it(self):
        """Retired from the head's 科室 in June: still theirs to report for the year (as 退休). Moved in June to
        another 科室: listed there, not twice."""
        leaver = CadreFactory(section=self.renewal, name="六月退休", rank=Rank.CLERK_1)
        mover = CadreFactory(section=self.renewal, name="六月调科", rank=Rank.CLERK_1)
        history(leaver, (dt.date(2020, 1, 1), {}), (dt.date(2025, 6, 1), {"status": Status.RETIRED}))
        history(mover, (dt.date(2020, 1, 1), {}), (dt.date(2025, 6, 1), {"section": self.housing}))
        self.client.force_login(self.head)
        response = self.client.get(CADRES, {"year": 2025})
        names = {row.name: row for row in response.context["page"]}
        self.assertIn("六月退休", names)
        self.assertEqual(names["六月退休"].status, Status.RETIRED)
        self.assertNotIn("六月调科", names)
        self.assertEqual(self.summary(self.client.get(OVERVIEW, {"year": 2025})), [("旧区改造科", 4, 2, 50)])
        # The year before, both were in the 科室 all year.
        response = self.client.get(CADRES, {"year": 2024})
        self.assertTrue({"六月退休", "六月调科"} <= {row.name for row in response.context["page"]})
        self.client.force_login(self.admin)
        housing = self.client.get(reverse("hours:compliance_section", args=[self.housing.pk]), {"year": 2025})
        self.assertIn("六月调科", {row.name for row in housing.context["page"]})

    def test_cadres_are_refused(self):
        self.client.force_login(self.cadre_user)
        for url in (OVERVIEW, EXPORT, reverse("hours:compliance_section", args=[self.renewal.pk])):
            self.assertEqual(self.client.get(url).status_code, 403)

    def test_drill_down_per_cadre_with_required_and_done(self):
        self.client.force_login(self.head)
        url = reverse("hours:compliance_section", args=[self.renewal.pk])
        response = self.client.get(url, {"year": 2025})
        rows = {r.name: r for r in response.context["page"]}
        self.assertEqual(set(rows), {"王科长", "李达标", "=HYPERLINK(1)"})
        self.assertEqual(rows["李达标"].buckets[Bucket.SELF_STUDY], D(20))
        self.assertEqual(rows["李达标"].get_standing_display(), "已达标")
        self.assertEqual(rows["=HYPERLINK(1)"].get_standing_display(), "未达标")
        self.assertIn("95 / 90", text(response))
        behind = self.client.get(url, {"year": 2025, "behind": "1"})
        self.assertEqual([r.name for r in behind.context["page"]], ["=HYPERLINK(1)"])

    def test_a_bad_year_falls_back_to_this_year(self):
        self.client.force_login(self.admin)
        response = self.client.get(OVERVIEW, {"year": "abc"})
        self.assertEqual(response.status_code, 200)
        from django.utils import timezone

        self.assertEqual(response.context["year"], timezone.localdate().year)

    def test_the_export_has_one_row_per_cadre_with_required_and_done(self):
        self.client.force_login(self.admin)
        response = self.client.get(EXPORT, {"year": 2025})
        self.assertEqual(response.status_code, 200)
        self.assertIn("2025", response["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        self.assertEqual(header[:3], ("科室", "姓名", "层级"))
        self.assertIn("自学学时", header)
        self.assertIn("乡科级及以下年度学时：应修学时", header)
        self.assertIn("网络培训年度学时：已修学时", header)
        self.assertEqual(len(rows), 5)
        good = dict(zip(header, next(r for r in rows if r[1] == "李达标"), strict=True))
        self.assertEqual(good["自学学时"], 20)
        self.assertEqual(good["总学时"], 95)
        self.assertEqual(good["乡科级及以下年度学时：应修学时"], 90)
        self.assertEqual(good["乡科级及以下年度学时：已修学时"], 95)
        self.assertEqual(good["总体完成情况"], "已达标")
        self.assertIsNone(good["县处级以上五年周期集中培训：应修学时"])  # not for this tier
        self.assertIn("'=HYPERLINK(1)", [r[1] for r in rows])  # neutralised, never a formula

    def test_the_export_of_one_section_not_on_track(self):
        self.client.force_login(self.head)
        response = self.client.get(EXPORT, {"year": 2025, "section": self.renewal.pk, "behind": "1"})
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual([r[1] for r in rows[1:]], ["'=HYPERLINK(1)"])
        self.assertEqual(self.client.get(EXPORT, {"section": self.housing.pk}).status_code, 404)

    def test_constant_queries_at_two_sizes(self):
        self.client.force_login(self.admin)
        section_url = reverse("hours:compliance_section", args=[self.renewal.pk])
        counts = {}
        for size in ("small", "large"):
            if size == "large":
                for n in range(12):
                    cadre = CadreFactory(section=self.renewal if n % 2 else self.housing)
                    year_of_hours(cadre, online=n, centralised=2 * n)
            with CaptureQueriesContext(connection) as overview:
                self.client.get(OVERVIEW, {"year": 2025})
            with CaptureQueriesContext(connection) as section:
                self.client.get(section_url, {"year": 2025})
            with CaptureQueriesContext(connection) as cadres:
                self.client.get(CADRES, {"year": 2025})
            counts[size] = (len(overview), len(section), len(cadres))
        self.assertEqual(counts["small"], counts["large"])


MID_2025 = dt.date(2025, 7, 1)  # day 182 of 365: 24.93 of the 50 online hours and 44.88 of the 90 are due


class StandingsApartTests(TestCase):
    """On 1 July, 达标 is only who has met every requirement; on track, behind and not met are counted apart."""

    @classmethod
    def setUpTestData(cls):
        cls.renewal = SectionFactory(name="旧区改造科", sort_order=1)
        cls.housing = SectionFactory(name="住房保障科", sort_order=2)
        cls.met = CadreFactory(section=cls.renewal, name="甲达标", rank=Rank.CLERK_1)
        cls.on_track = CadreFactory(section=cls.renewal, name="乙正常", rank=Rank.CLERK_1)
        cls.behind = CadreFactory(section=cls.housing, name="丙滞后", rank=Rank.CLERK_1)
        cls.county = CadreFactory(section=cls.housing, name="丁处级", rank=Rank.RESEARCHER_4)
        year_of_hours(cls.met, online=50, centralised=40)  # 90: met, though the year is only half gone
        year_of_hours(cls.on_track, online=30, centralised=20)  # 30 ≥ 24.93 online, 50 ≥ 44.88 in all
        year_of_hours(cls.behind, online=10, centralised=10)
        year_of_hours(cls.county, online=50, centralised=100)  # the cycle wants 274.8 by now
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=cls.on_track)

    def setUp(self):
        patcher = mock.patch("django.utils.timezone.localdate", return_value=MID_2025)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.client.force_login(self.admin)

    def counts(self, summary) -> tuple[int, ...]:
        return (summary.cadres, summary.met, summary.on_track, summary.behind, summary.not_met)

    def test_on_track_is_not_counted_as_met(self):
        response = self.client.get(OVERVIEW)
        totals = response.context["totals"]
        self.assertEqual(self.counts(totals), (4, 1, 1, 2, 0))
        self.assertEqual(totals.rate, 25)
        self.assertEqual(
            [(s.standing, s.count, s.percent) for s in totals.shares()][:4],
            [("met", 1, 25), ("on_track", 1, 25), ("behind", 2, 50), ("not_met", 0, 0)],
        )
        page = text(response)
        self.assertIn("已达标 1 25%", page)
        self.assertIn("进度正常 1 25%", page)
        self.assertIn("进度滞后 2 50%", page)
        self.assertNotIn("达标或进度正常", page)
        sections = {s.name: self.counts(s) for s in response.context["sections"]}
        self.assertEqual(sections, {"旧区改造科": (2, 1, 1, 0, 0), "住房保障科": (2, 0, 0, 2, 0)})

    def test_the_overview_follows_tier_standing_and_section(self):
        county = self.client.get(OVERVIEW, {"tier": Tier.COUNTY_DIVISION}).context
        self.assertEqual(self.counts(county["totals"]), (1, 0, 0, 1, 0))
        self.assertEqual([s.name for s in county["sections"]], ["住房保障科"])
        off_track = self.client.get(OVERVIEW, {"standing": "off_track"}).context
        self.assertEqual(self.counts(off_track["totals"]), (2, 0, 0, 2, 0))
        self.assertEqual([s.name for s in off_track["sections"]], ["住房保障科"])
        on_track = self.client.get(OVERVIEW, {"standing": "on_track"}).context
        self.assertEqual([s.name for s in on_track["sections"]], ["旧区改造科"])
        one = self.client.get(OVERVIEW, {"section": self.renewal.pk}).context
        self.assertEqual(self.counts(one["totals"]), (2, 1, 1, 0, 0))
        self.assertEqual([s.name for s in one["sections"]], ["旧区改造科"])

    def test_nonsense_filters_are_ignored_not_a_500(self):
        for params in (
            {"section": "99999999999999999999"},
            {"section": "abc", "tier": "mayor", "standing": "🙂", "year": "0"},
            {"year": "99999999999999999999"},
        ):
            for url in (OVERVIEW, CADRES):
                response = self.client.get(url, params)
                self.assertEqual(response.status_code, 200, (url, params))
                self.assertEqual(response.context["totals"].cadres, 4, (url, params))

    def test_the_bureau_wide_list_of_cadres_not_on_track(self):
        response = self.client.get(CADRES, {"standing": "off_track"})
        self.assertEqual([r.name for r in response.context["page"]], ["丁处级", "丙滞后"])
        self.assertContains(response, "进度滞后或未达标的干部")
        county = self.client.get(CADRES, {"standing": "off_track", "tier": Tier.TOWNSHIP_SECTION})
        self.assertEqual([r.name for r in county.context["page"]], ["丙滞后"])
        renewal = self.client.get(CADRES, {"standing": "off_track", "section": self.renewal.pk})
        self.assertEqual(list(renewal.context["page"]), [])
        everyone = self.client.get(CADRES)
        self.assertEqual(len(everyone.context["page"]), 4)
        legacy = self.client.get(CADRES, {"behind": "1"})  # the links of before the standing filter
        self.assertEqual([r.name for r in legacy.context["page"]], ["丁处级", "丙滞后"])

    def test_the_list_is_paged_and_the_pages_keep_the_filters(self):
        with mock.patch("ganxun.hours.views.compliance.PAGE_SIZE", 1):
            first = self.client.get(CADRES, {"standing": "off_track"})
            second = self.client.get(CADRES, {"standing": "off_track", "page": 2})
        self.assertEqual([r.name for r in first.context["page"]], ["丁处级"])  # by 科室, then name
        self.assertEqual([r.name for r in second.context["page"]], ["丙滞后"])
        self.assertContains(first, "?year=2025&amp;standing=off_track&amp;page=2")

    def test_a_section_head_lists_only_their_section_whatever_is_asked(self):
        self.client.force_login(self.head)
        response = self.client.get(CADRES, {"section": self.housing.pk})
        self.assertEqual([r.name for r in response.context["page"]], ["乙正常", "甲达标"])
        overview = self.client.get(OVERVIEW, {"section": self.housing.pk})
        self.assertEqual([s.name for s in overview.context["sections"]], ["旧区改造科"])
        self.assertEqual(self.client.get(EXPORT, {"section": self.housing.pk}).status_code, 404)

    def test_the_export_holds_what_the_list_shows(self):
        response = self.client.get(EXPORT, {"standing": "off_track", "tier": Tier.COUNTY_DIVISION})
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual([r[1] for r in rows[1:]], ["丁处级"])
        self.assertIn("进度滞后或未达标", unquote(response["Content-Disposition"]))
        self.assertIn("县处级以上", unquote(response["Content-Disposition"]))

    def test_queries_do_not_grow_with_the_cadres_listed(self):
        counts = []
        for extra in (0, 12):
            for n in range(extra):
                cadre = CadreFactory(section=self.renewal if n % 2 else self.housing, rank=Rank.CLERK_2)
                year_of_hours(cadre, online=n, centralised=n)
            with CaptureQueriesContext(connection) as listed:
                response = self.client.get(CADRES, {"standing": "off_track"})
            self.assertEqual(len(response.context["page"]), 2 + extra)
            counts.append(len(listed))
        self.assertEqual(counts[0], counts[1])
