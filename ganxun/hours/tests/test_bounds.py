"""Sane bounds: every 学时 figure by what its period can hold, every date in a sane range, each at the bound and
just either side, with a Chinese message naming the field."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.hours.models import (
    Bucket,
    BucketCap,
    ConversionRule,
    EntryStatus,
    LedgerEntry,
    OutsideClass,
    Requirement,
    Unit,
)
from ganxun.roster.tests.factories import CadreFactory, UserFactory

from .factories import LedgerEntryFactory

D = Decimal


class OutsideClassBoundsTests(TestCase):
    """A class holds at most its days × the day rule's 学时 (8 a day without a rule), dated 1950 to a year ahead."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        self.client.force_login(self.admin)

    def post(self, start: str, end: str, hours: str):
        return self.client.post(
            reverse("hours:outside_class_create"),
            {
                "title": "区委党校中青班",
                "organiser": "区委党校",
                "start_date": start,
                "end_date": end,
                "hours": hours,
                "bucket": Bucket.CENTRALISED,
                "note": "",
            },
        )

    def test_five_days_hold_forty_hours_and_not_a_hundredth_more(self):
        refused = self.post("2025-04-07", "2025-04-11", "40.01")
        self.assertEqual(refused.status_code, 200)
        self.assertEqual(
            refused.context["form"].errors["hours"],
            ["学时：5 天的班次最多 40 学时（按 2025 年按天折算规则每天 8 学时）。"],
        )
        self.assertFalse(OutsideClass.objects.exists())
        self.assertEqual(self.post("2025-04-07", "2025-04-11", "40").status_code, 302)

    def test_the_day_rule_of_the_year_sets_the_bound(self):
        ConversionRule.objects.filter(year=2025, unit=Unit.DAY).update(hours=6)
        self.assertIn("hours", self.post("2025-04-07", "2025-04-11", "30.01").context["form"].errors)
        self.assertEqual(self.post("2025-04-07", "2025-04-11", "30").status_code, 302)

    def test_without_a_day_rule_a_day_is_eight(self):
        ConversionRule.objects.filter(year=2025, unit=Unit.DAY).delete()
        self.assertIn("hours", self.post("2025-04-07", "2025-04-07", "8.01").context["form"].errors)
        self.assertEqual(self.post("2025-04-07", "2025-04-07", "8").status_code, 302)

    def test_the_first_weeks_demo_class_is_refused_on_its_date_and_hours(self):
        response = self.post("2026-01-05", "9999-12-31", "9999.99")
        errors = response.context["form"].errors
        self.assertIn("结束日期须在 1950-01-01 至", errors["end_date"][0])
        self.assertIn("学时：一项最多 3000 学时。", errors["hours"])
        self.assertFalse(OutsideClass.objects.exists())

    def test_dates_from_1950_to_a_year_ahead(self):
        today = timezone.localdate()
        errors = self.post("1949-12-31", "1950-01-01", "8").context["form"].errors
        self.assertEqual(
            errors["start_date"], ["开始日期须在 1950-01-01 至 " + f"{today + dt.timedelta(366)}" + " 之间。"]
        )
        self.assertEqual(self.post("1950-01-01", "1950-01-01", "8").status_code, 302)
        ahead = today + dt.timedelta(days=366)
        self.assertEqual(self.post(ahead.isoformat(), ahead.isoformat(), "8").status_code, 302)
        late = (ahead + dt.timedelta(days=1)).isoformat()
        self.assertIn("end_date", self.post(late, late, "8").context["form"].errors)

    def test_a_class_lasts_at_most_a_year(self):
        self.assertEqual(self.post("2024-01-01", "2024-12-31", "100").status_code, 302)  # 366 days (leap year)
        errors = self.post("2023-01-01", "2024-01-02", "100").context["form"].errors  # 367 days
        self.assertEqual(errors["end_date"], ["结束日期：一个班次最长 366 天。"])

    def test_the_database_refuses_what_skips_the_form(self):
        for hours, start, end in ((D("3000.01"), dt.date(2025, 1, 1), dt.date(2025, 12, 31)),):
            with self.assertRaises(IntegrityError), transaction.atomic():
                OutsideClass.objects.create(title="x", organiser="y", start_date=start, end_date=end, hours=hours)
        with self.assertRaises(IntegrityError), transaction.atomic():
            OutsideClass.objects.create(
                title="x", organiser="y", start_date=dt.date(2025, 1, 1), end_date=dt.date(2101, 1, 1), hours=1
            )


class SelfReportBoundsTests(TestCase):
    """An item: at most the rule's cap per item, and at most a day's worth for its one day."""

    CREATE = reverse("hours:self_report_create")

    @classmethod
    def setUpTestData(cls):
        cls.cadre = CadreFactory()
        cls.user = UserFactory(username="li", role=Role.CADRE, cadre=cls.cadre)

    def setUp(self):
        self.client.force_login(self.user)
        self.day = timezone.localdate() - dt.timedelta(days=3)

    def post(self, hours: str, bucket: str = Bucket.SELF_STUDY, day: dt.date | None = None, title: str = ""):
        return self.client.post(
            self.CREATE,
            {
                "date": (day or self.day).isoformat(),
                "hours": hours,
                "bucket": bucket,
                "title": title or "学习《民法典》物权编",
                "evidence": "读书笔记",
                "witness": "王科长",
            },
        )

    def test_online_items_stop_at_the_rules_cap_per_item(self):
        ConversionRule.objects.update_or_create(
            year=self.day.year,
            unit=Unit.ONLINE_MINUTES,
            defaults={"per": 30, "hours": 1, "rounding": "half_down", "per_item_cap": D(6)},
        )
        refused = self.post("6.5", Bucket.ONLINE)
        self.assertEqual(
            refused.context["form"].errors["hours"],
            [f"学时：一项最多 6 学时（{self.day.year} 年网络学习分钟折算规则的单项上限）。"],
        )
        self.assertRedirects(self.post("6", Bucket.ONLINE), reverse("hours:my_learning"))

    def test_an_item_holds_at_most_a_day(self):
        refused = self.post("8.5")
        self.assertIn("一项最多 8 学时", refused.context["form"].errors["hours"][0])
        self.assertFalse(LedgerEntry.objects.exists())
        self.assertRedirects(self.post("8"), reverse("hours:my_learning"))

    def test_one_day_holds_at_most_a_day_across_items(self):
        self.assertRedirects(self.post("4"), reverse("hours:my_learning"))
        # Another item of the same day (the same title would be the same report, counted once).
        refused = self.post("4.5", title="学习《民法典》合同编")
        self.assertEqual(
            refused.context["form"].errors["hours"], [f"学时：{self.day.isoformat()} 已申报 4 学时，一天最多 8 学时。"]
        )
        self.assertRedirects(self.post("4", title="学习《民法典》合同编"), reverse("hours:my_learning"))
        # A rejected report holds nothing of the day.
        LedgerEntry.objects.filter(cadre=self.cadre).update(status=EntryStatus.REJECTED)
        self.assertRedirects(self.post("8"), reverse("hours:my_learning"))


class RuleTableBoundsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_conversion_figures(self):
        url = reverse("hours:conversion_create")
        data = {"year": 2031, "unit": Unit.DAY, "per": "1", "hours": "100.01", "rounding": "none"}
        errors = self.client.post(url, data).context["form"].errors
        self.assertEqual(errors["hours"], ["折算学时最多为 100。"])
        data.update(hours="8", per="1440.01", per_item_cap="100.01")
        errors = self.client.post(url, data).context["form"].errors
        self.assertEqual(errors["per"], ["折算数量最多为 1440（一天的分钟数）。"])
        self.assertEqual(errors["per_item_cap"], ["单项上限最多为 100 学时。"])
        data.update(hours="100", per="1440", per_item_cap="100")
        self.assertEqual(self.client.post(url, data).status_code, 302)

    def test_caps_and_requirements(self):
        url = reverse("hours:cap_create")
        errors = (
            self.client.post(url, {"year": 2031, "bucket": Bucket.SELF_STUDY, "cap": "1000.01"}).context["form"].errors
        )
        self.assertEqual(errors["cap"], ["年度上限最多为 1000 学时。"])
        self.assertEqual(
            self.client.post(url, {"year": 2031, "bucket": Bucket.SELF_STUDY, "cap": "1000"}).status_code, 302
        )
        url = reverse("hours:requirement_create")
        data = {"name": "县处级周期", "tier": "", "start_year": 2031, "end_year": 2041, "hours": "2000.01"}
        errors = self.client.post(url, data).context["form"].errors
        self.assertEqual(errors["hours"], ["应修学时最多为 2000。"])
        self.assertEqual(errors["end_year"], ["截止年度：周期最长 10 年。"])
        data.update(end_year=2040, hours="2000")
        self.assertEqual(self.client.post(url, data).status_code, 302)

    def test_the_database_refuses_what_skips_the_forms(self):
        for make in (
            lambda: ConversionRule.objects.create(year=1999, unit=Unit.DAY, per=1, hours=8),
            lambda: ConversionRule.objects.create(year=2031, unit=Unit.DAY, per=1, hours=D("100.01")),
            lambda: BucketCap.objects.create(year=2031, bucket=Bucket.SELF_STUDY, cap=D("1000.01")),
            lambda: Requirement.objects.create(name="x", start_year=2031, end_year=2041, hours=10),
            lambda: Requirement.objects.create(name="x", start_year=2031, end_year=2031, hours=D("2000.01")),
        ):
            with self.subTest(), self.assertRaises(IntegrityError), transaction.atomic():
                make()


class LedgerEntryBoundsTests(TestCase):
    def test_no_entry_before_the_cadres_birth_or_more_than_a_year_ahead(self):
        cadre = CadreFactory()
        born = cadre.birth_date
        entry = LedgerEntryFactory.build(cadre=cadre, date=born - dt.timedelta(days=1))
        with self.assertRaises(ValidationError) as caught:
            entry.full_clean()
        self.assertEqual(
            caught.exception.message_dict["date"],
            [f"日期须在 {born} 至 {timezone.localdate() + dt.timedelta(366)} 之间。"],
        )
        entry.date = born
        entry.full_clean()
        entry.date = timezone.localdate() + dt.timedelta(days=366)
        entry.full_clean()
        entry.date += dt.timedelta(days=1)
        with self.assertRaises(ValidationError):
            entry.full_clean()

    def test_the_database_refuses_hours_beyond_a_year_of_days_and_dates_out_of_range(self):
        LedgerEntryFactory(hours=D(3000))
        for fields in ({"hours": D("3000.01")}, {"date": dt.date(1949, 12, 31)}, {"date": dt.date(2101, 1, 1)}):
            with self.subTest(fields), self.assertRaises(IntegrityError), transaction.atomic():
                LedgerEntryFactory(**fields)
