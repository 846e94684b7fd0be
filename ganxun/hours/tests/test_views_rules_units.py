"""The rules pages per unit: whose rules apply, inherited ones copied before a change, a bureau admin kept to
their subtree; and the compliance pages' status column and the leavers listed apart."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import BucketCap, ConversionRule, HistoryRule, LeavePolicy, Requirement
from ganxun.roster.models import Status, Tier
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .history import history
from .test_compliance_history import LONG_AGO, make_unit

LIST = reverse("hours:rule_list")
INHERIT = reverse("hours:rules_inherit")


class RulesPerUnitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_unit("区委组织部", "QWZZB")
        cls.bureau = make_unit("区房管局", "QFGJ", cls.district)
        cls.office = make_unit("房屋管理所", "FWGLS", cls.bureau)
        cls.other = make_unit("区建管委", "QJGW", cls.district)
        cls.system = UserFactory(username="system", role=Role.SYSTEM_ADMIN, cadre=None)
        cls.district_admin = UserFactory(username="qw", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.district)
        cls.bureau_admin = UserFactory(username="fg", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.bureau)
        cls.bureau_rule = Requirement.objects.create(
            org_unit=cls.bureau, name="房管局年度学时", tier=Tier.TOWNSHIP_SECTION, start_year=2025, end_year=2025,
            hours=Decimal(100),
        )  # fmt: skip

    def texts(self, response) -> dict[str, str]:
        return {table: value["text"] for table, value in response.context["applies"].items()}

    def test_the_page_says_whose_rules_apply(self):
        self.client.force_login(self.bureau_admin)
        response = self.client.get(LIST, {"year": 2025})  # the admin's own unit by default
        self.assertEqual(response.context["owner"], self.bureau)
        self.assertEqual(
            self.texts(response),
            {
                "requirements": "本单位规则",
                "caps": "适用：全系统默认规则（继承）",
                "history": "适用：全系统默认规则（继承）",
                "conversions": "适用：全系统默认规则（继承）",
            },
        )
        self.assertEqual([r.name for r in response.context["requirements"]], ["房管局年度学时"])
        self.assertEqual(len(response.context["caps"]), 1)  # the default's self-study cap, shown as inherited
        office = self.client.get(LIST, {"year": 2025, "unit": self.office.pk})
        self.assertEqual(self.texts(office)["requirements"], "适用：区房管局的规则（继承）")
        self.assertContains(office, "将继承的规则复制到本单位")
        self.assertNotContains(office, reverse("hours:requirement_update", args=[self.bureau_rule.pk]))

    def test_a_bureau_admin_reaches_only_their_subtree(self):
        self.client.force_login(self.bureau_admin)
        self.assertEqual(self.client.get(LIST, {"year": 2025, "unit": self.other.pk}).status_code, 404)
        self.assertEqual(self.client.get(LIST, {"year": 2025, "unit": self.district.pk}).status_code, 404)
        self.assertEqual([u.pk for u in self.client.get(LIST).context["units"]], [self.bureau.pk, self.office.pk])
        default_rule = ConversionRule.objects.filter(org_unit__isnull=True).first()
        url = reverse("hours:conversion_update", args=[default_rule.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("hours:requirement_update", args=[self.bureau_rule.pk])).status_code, 200
        )
        response = self.client.post(INHERIT, {"year": 2025, "unit": self.other.pk})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(ConversionRule.objects.filter(org_unit=self.other).exists())
        self.client.force_login(self.district_admin)
        self.assertEqual(self.client.get(url).status_code, 404)  # the default is the system's
        self.assertEqual(self.client.get(LIST, {"unit": self.other.pk}).status_code, 200)

    def test_copying_the_inherited_rules_makes_them_the_units_own(self):
        self.client.force_login(self.bureau_admin)
        response = self.client.post(INHERIT, {"year": 2025, "unit": self.office.pk})
        self.assertRedirects(response, f"{LIST}?year=2025&unit={self.office.pk}")
        self.assertEqual(
            list(Requirement.objects.filter(org_unit=self.office).values_list("name", "hours")),
            [("房管局年度学时", Decimal(100))],
        )
        self.assertEqual(ConversionRule.objects.filter(org_unit=self.office, year=2025).count(), 6)
        self.assertEqual(BucketCap.objects.filter(org_unit=self.office, year=2025).count(), 1)
        self.assertEqual(HistoryRule.objects.get(org_unit=self.office, year=2025).leave_policy, LeavePolicy.PRORATE)
        self.assertEqual(AuditEvent.objects.filter(summary="复制自本单位沿用的规则").count(), 9)
        page = self.client.get(LIST, {"year": 2025, "unit": self.office.pk})
        self.assertEqual(set(self.texts(page).values()), {"本单位规则"})
        self.assertFalse(page.context["inherits"])
        again = self.client.post(INHERIT, {"year": 2025, "unit": self.office.pk}, follow=True)
        self.assertContains(again, "房屋管理所已有 2025 年度的自定规则。")

    def test_a_new_rule_belongs_to_the_chosen_unit_and_the_unique_check_is_per_unit(self):
        self.client.force_login(self.bureau_admin)
        url = f"{reverse('hours:cap_create')}?year=2025&unit={self.bureau.pk}"
        response = self.client.post(url, {"year": 2025, "bucket": "self_study", "cap": "15"})
        self.assertRedirects(response, f"{LIST}?year=2025&unit={self.bureau.pk}")
        self.assertEqual(BucketCap.objects.get(org_unit=self.bureau).cap, 15)
        again = self.client.post(url, {"year": 2025, "bucket": "self_study", "cap": "16"})
        self.assertEqual(again.status_code, 200)
        self.assertIn("bucket", again.context["form"].errors)
        self.assertEqual(BucketCap.objects.filter(year=2025, bucket="self_study").count(), 2)  # default + bureau

    def test_the_history_rule_is_edited_on_the_page(self):
        self.client.force_login(self.system)
        url = f"{reverse('hours:history_rule_create')}?year=2025"
        response = self.client.post(
            url, {"year": 2025, "join_policy": "full", "leave_policy": "apart", "promotion_makeup_years": 1}
        )
        self.assertRedirects(response, f"{LIST}?year=2025")
        rule = HistoryRule.objects.get(org_unit__isnull=True, year=2025)
        self.assertEqual((rule.join_policy, rule.leave_policy), ("full", "apart"))
        page = self.client.get(LIST, {"year": 2025})
        self.assertContains(page, "另列，不评判")
        refused = self.client.post(
            url, {"year": 2025, "join_policy": "full", "leave_policy": "apart", "promotion_makeup_years": 4}
        )
        self.assertIn("promotion_makeup_years", refused.context["form"].errors)


class CompliancePageHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)
        section = SectionFactory(name="物业管理科")
        CadreFactory(section=section, name="孙在职")
        cls.retired = history(
            CadreFactory(section=section, name="钱退休"),
            (LONG_AGO, {}),
            (dt.date(2025, 6, 15), {"status": Status.RETIRED}),
        )

    def test_the_status_column_and_the_leavers_listed_apart(self):
        self.client.force_login(self.admin)
        url = reverse("hours:compliance_cadres")
        response = self.client.get(url, {"year": 2025})
        self.assertEqual([r.name for r in response.context["page"]], ["孙在职", "钱退休"])
        self.assertContains(response, "退休 2025-06-15")
        HistoryRule.objects.create(year=2025, leave_policy=LeavePolicy.APART)
        response = self.client.get(url, {"year": 2025})
        self.assertEqual([r.name for r in response.context["page"]], ["孙在职"])
        self.assertContains(response, "另列：年内离岗的干部 1 人")
        overview = self.client.get(reverse("hours:compliance"), {"year": 2025})
        self.assertContains(overview, "年内离岗的干部 1 人另列。")
        self.assertEqual(overview.context["totals"].cadres, 1)
        export = self.client.get(reverse("hours:compliance_export"), {"year": 2025})
        rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(
            [(r[1], r[3], r[-1]) for r in rows[1:]],
            [("孙在职", "在职", "未达标"), ("钱退休", "退休 2025-06-15", "另列，不评判")],
        )
        behind = self.client.get(reverse("hours:compliance_export"), {"year": 2025, "standing": "off_track"})
        rows = list(load_workbook(io.BytesIO(behind.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual([r[1] for r in rows[1:]], ["孙在职"])  # a standing filter: only the judged
