"""Outside classes through HTTP: record the class, add who attended (line by line errors), withdraw one."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.core.tests.editing import as_opened
from ganxun.hours.models import EntryStatus, LedgerEntry, OutsideClass, Source
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory


class OutsideClassViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = SectionFactory(name="房屋安全科")
        cls.one = CadreFactory(section=section, name="钱安全")
        cls.two = CadreFactory(section=section, name="孙同名")
        cls.three = CadreFactory(section=section, name="孙同名")
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        self.client.force_login(self.admin)

    def create(self) -> OutsideClass:
        response = self.client.post(
            reverse("hours:outside_class_create"),
            {
                "title": "区委党校第12期中青班",
                "organiser": "区委党校",
                "start_date": "2025-09-01",
                "end_date": "2025-09-26",
                "hours": "120",
                "bucket": "centralised",
                "note": "",
            },
        )
        outside = OutsideClass.objects.get()
        self.assertRedirects(response, outside.get_absolute_url())
        return outside

    def test_dates_the_wrong_way_round_are_named_on_the_end_date(self):
        response = self.client.post(
            reverse("hours:outside_class_create"),
            {
                "title": "x",
                "organiser": "y",
                "start_date": "2025-09-02",
                "end_date": "2025-09-01",
                "hours": "8",
                "bucket": "centralised",
            },
        )
        self.assertEqual(response.context["form"].errors["end_date"], ["结束日期不能早于开始日期。"])
        self.assertFalse(OutsideClass.objects.exists())

    def test_participants_by_id_number_or_unique_name(self):
        outside = self.create()
        url = outside.get_absolute_url()
        response = self.client.post(url, {"people": f"钱安全\n孙同名\n{self.two.id_number}\n无名氏"})
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors["people"]
        self.assertEqual(
            errors,
            ["第2行：名册中有 2 名干部叫“孙同名”，请改填身份证号。", "第4行：干部名册中没有“无名氏”。"],
        )
        self.assertFalse(LedgerEntry.objects.exists())
        response = self.client.post(url, {"people": f"钱安全\n{self.two.id_number.lower()}\n", "evidence": "结业证书"})
        self.assertRedirects(response, url)
        entries = LedgerEntry.objects.filter(source=Source.OUTSIDE_CLASS, source_id=outside.pk)
        self.assertEqual(
            set(entries.values_list("cadre__name", "hours", "date")),
            {
                ("钱安全", Decimal(120), dt.date(2025, 9, 26)),
                ("孙同名", Decimal(120), dt.date(2025, 9, 26)),
            },
        )
        self.assertContains(self.client.get(url), "钱安全")

    def test_a_participant_who_did_not_attend_is_withdrawn(self):
        outside = self.create()
        self.client.post(outside.get_absolute_url(), {"people": "钱安全"})
        url = reverse("hours:outside_class_participant_remove", args=[outside.pk])
        self.assertRedirects(self.client.post(url, {"cadre": self.one.pk}), outside.get_absolute_url())
        entry = LedgerEntry.objects.get(cadre=self.one)
        self.assertEqual((entry.status, entry.reason), (EntryStatus.REJECTED, "已从外出培训班中移除"))

    def test_editing_the_class_updates_the_counted_hours(self):
        outside = self.create()
        self.client.post(outside.get_absolute_url(), {"people": "钱安全"})
        url = reverse("hours:outside_class_update", args=[outside.pk])
        data = {
            "title": "区委党校第12期中青班",
            "organiser": "区委党校",
            "start_date": "2025-09-01",
            "end_date": "2025-09-26",
            "hours": "96",
            "bucket": "centralised",
        }
        self.client.post(url, as_opened(self.client, url, data))
        self.assertEqual(LedgerEntry.objects.get(cadre=self.one).hours, Decimal(96))
