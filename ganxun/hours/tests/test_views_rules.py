"""The rule tables through HTTP: per year, field-level errors in Chinese, every change audited, copying a year."""

from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.core.tests.editing import as_opened
from ganxun.hours.models import Bucket, BucketCap, ConversionRule, Requirement, Unit
from ganxun.roster.tests.factories import CadreFactory, UserFactory

LIST = reverse("hours:rule_list")


class RuleViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role=Role.SYSTEM_ADMIN, cadre=None)
        cls.head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=CadreFactory())

    def setUp(self):
        self.client.force_login(self.admin)

    def test_the_years_rules_in_three_tables(self):
        response = self.client.get(LIST, {"year": 2025})
        self.assertEqual(response.context["year"], 2025)
        self.assertEqual(len(response.context["conversions"]), 6)
        self.assertEqual(
            {r.name for r in response.context["requirements"]},
            {"乡科级及以下年度学时", "网络培训年度学时", "县处级以上五年周期集中培训"},
        )
        self.assertEqual([(c.bucket, c.cap) for c in response.context["caps"]], [(Bucket.SELF_STUDY, 20)])
        self.assertIn(2023, response.context["years"])
        self.assertContains(response, "30 网络学习分钟 = 1 学时")
        empty = self.client.get(LIST, {"year": 2031})
        self.assertEqual(list(empty.context["conversions"]), [])
        self.assertContains(empty, "本年度暂无学时折算规则。")

    def test_a_second_rule_for_the_same_unit_is_refused_on_the_field(self):
        response = self.client.post(
            reverse("hours:conversion_create"),
            {"year": 2025, "unit": Unit.DAY, "per": "1", "hours": "6", "rounding": "none"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["unit"], ["该折算单位在本年度已有规则。"])
        self.assertEqual(ConversionRule.objects.get(year=2025, unit=Unit.DAY).hours, 8)

    def test_garbage_gets_clear_messages(self):
        before = Requirement.objects.count()
        response = self.client.post(
            reverse("hours:requirement_create"),
            {"name": "", "start_year": "2027", "end_year": "2026", "hours": "-5", "buckets": ["nonsense"]},
        )
        errors = response.context["form"].errors
        self.assertEqual(errors["name"], ["这个字段是必填项。"])
        self.assertIn("buckets", errors)
        self.assertTrue(errors["hours"])
        self.assertEqual(Requirement.objects.count(), before)
        response = self.client.post(
            reverse("hours:requirement_create"),
            {"name": "党务干部年度学时", "start_year": "2027", "end_year": "2026", "hours": "30"},
        )
        self.assertEqual(response.context["form"].errors["end_year"], ["截止年度不能早于起始年度。"])
        self.assertFalse(response.context["form"].non_field_errors())

    def test_creating_a_requirement_for_every_category_is_audited(self):
        response = self.client.post(
            reverse("hours:requirement_create"),
            {"name": "党务干部年度学时", "tier": "", "start_year": "2026", "end_year": "2026", "hours": "30"},
        )
        self.assertRedirects(response, f"{LIST}?year=2026")
        requirement = Requirement.objects.get(name="党务干部年度学时")
        self.assertEqual(requirement.buckets, [])
        event = AuditEvent.objects.get(object_type="requirement", object_id=str(requirement.pk))
        self.assertEqual(event.action, Action.CREATE)
        self.assertEqual(event.changes["buckets"], [None, "全部类别"])

    def test_editing_a_cap_keeps_before_and_after(self):
        cap = BucketCap.objects.get(year=2026, bucket=Bucket.SELF_STUDY)
        url = reverse("hours:cap_update", args=[cap.pk])
        self.assertContains(self.client.get(url), 'value="20.00"')
        response = self.client.post(
            url, as_opened(self.client, url, {"year": 2026, "bucket": Bucket.SELF_STUDY, "cap": "24"})
        )
        self.assertRedirects(response, f"{LIST}?year=2026")
        event = AuditEvent.objects.get(object_type="bucketcap", action=Action.UPDATE)
        self.assertEqual(event.changes, {"cap": ["20.00", "24"]})

    def test_copying_last_years_rules(self):
        response = self.client.post(reverse("hours:rules_copy"), {"from_year": 2027, "to_year": 2028}, follow=True)
        self.assertRedirects(response, f"{LIST}?year=2028")
        self.assertContains(response, "已将 9 条规则从2027年度复制到2028年度")
        self.assertEqual(ConversionRule.objects.filter(year=2028).count(), 6)
        self.assertEqual(len(response.context["requirements"]), 2)

    def test_copying_to_the_same_year_is_refused(self):
        response = self.client.post(reverse("hours:rules_copy"), {"from_year": 2027, "to_year": 2027}, follow=True)
        self.assertContains(response, "目标年度不能与来源年度相同。")
        self.assertEqual(ConversionRule.objects.filter(year=2027).count(), 6)

    def test_only_administrators(self):
        self.client.force_login(self.head)
        for url in (LIST, reverse("hours:cap_create"), reverse("hours:requirement_create")):
            self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(
            self.client.post(reverse("hours:rules_copy"), {"from_year": 2027, "to_year": 2028}).status_code, 403
        )
        self.assertFalse(ConversionRule.objects.filter(year=2028).exists())
