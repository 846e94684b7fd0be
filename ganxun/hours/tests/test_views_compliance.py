"""Compliance by 科室 through HTTP: who sees which sections, the not-on-track filter, the export, query budgets."""

import io
import re
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.hours.models import Bucket
from ganxun.roster.models import LeadershipLevel, Rank, Status
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .factories import LedgerEntryFactory

D = Decimal
OVERVIEW = reverse("hours:compliance")
EXPORT = reverse("hours:compliance_export")


def text(response) -> str:
    """The page as a reader sees it: tags dropped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(" / ", " / ")


def year_of_hours(cadre, online: int, centralised: int, self_study: int = 0, year: int = 2025) -> None:
    import datetime as dt

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
        self.assertEqual((totals.cadres, totals.in_good_standing, totals.behind), (4, 3, 1))
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
        self.assertEqual(rows["李达标"].get_standing_display(), "达标")
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
        self.assertEqual(good["总体完成情况"], "达标")
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
            with self.assertNumQueries(6) as overview:
                self.client.get(OVERVIEW, {"year": 2025})
            with self.assertNumQueries(7) as section:
                self.client.get(section_url, {"year": 2025})
            counts[size] = (len(overview.captured_queries), len(section.captured_queries))
        self.assertEqual(counts["small"], counts["large"])
