"""A year's compliance lists who belonged to the administrator's units then, wherever they are now."""

import datetime as dt

from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.roster.history import cadre_change
from ganxun.roster.models import UnitKind
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory


class MovedBetweenBureausTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = UnitFactory(name="区委组织部", code="CUQW", kind=UnitKind.ORGANISATION_DEPARTMENT)
        cls.east = UnitFactory(name="东局", code="CUEAST", parent=cls.district)
        cls.west = UnitFactory(name="西局", code="CUWEST", parent=cls.district)
        east_office = SectionFactory(name="东局办公室", unit=cls.east)
        cls.west_office = SectionFactory(name="西局办公室", unit=cls.west)
        cls.mover = CadreFactory(name="迁移者", section=east_office, hire_date=dt.date(2010, 3, 1))
        cls.stayer = CadreFactory(name="留守者", section=east_office, hire_date=dt.date(2010, 3, 1))
        cls.newcomer = CadreFactory(name="西局人", section=cls.west_office, hire_date=dt.date(2010, 3, 1))
        cls.root = UserFactory(username="cu_root", role=Role.SYSTEM_ADMIN, cadre=None)
        cadre_change(actor=cls.root, cadre=cls.mover, effective=dt.date(2025, 7, 1), section=cls.west_office)
        cls.east_admin = UserFactory(username="cu_east", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.east)
        cls.west_admin = UserFactory(username="cu_west", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.west)

    def names(self, user, year):
        self.client.force_login(user)
        response = self.client.get(reverse("hours:compliance_cadres"), {"year": year})
        self.assertEqual(response.status_code, 200)
        return {row.name for row in response.context["page"].object_list}

    def test_the_old_bureau_lists_the_year_the_cadre_left_and_not_after(self):
        self.assertEqual(self.names(self.east_admin, 2025), {"迁移者", "留守者"})
        self.assertEqual(self.names(self.east_admin, 2026), {"留守者"})

    def test_the_new_bureau_lists_the_cadre_from_the_move_on(self):
        self.assertEqual(self.names(self.west_admin, 2025), {"迁移者", "西局人"})
        self.assertEqual(self.names(self.west_admin, 2024), {"西局人"})

    def test_the_old_bureau_still_cannot_open_the_cadre_today(self):
        self.client.force_login(self.east_admin)
        response = self.client.get(reverse("roster:cadre_detail", args=[self.mover.pk]))
        self.assertEqual(response.status_code, 404)

    def test_a_report_over_several_units_names_the_unit_of_each_section(self):
        self.client.force_login(self.root)
        response = self.client.get(reverse("hours:compliance"), {"year": 2025})
        named = {(s.unit_name, s.name) for s in response.context["sections"]}
        self.assertEqual(named, {("东局", "东局办公室"), ("西局", "西局办公室")})
        self.assertContains(response, "西局 · ")

    def test_a_report_of_one_unit_does_not(self):
        self.client.force_login(self.east_admin)
        response = self.client.get(reverse("hours:compliance"), {"year": 2026})
        self.assertEqual({s.unit_name for s in response.context["sections"]}, {""})
