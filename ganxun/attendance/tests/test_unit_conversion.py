"""A session's 学时 follow the conversion rules of the unit organising it, inherited down the tree of units."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase

from ganxun.attendance.services import session_default_hours
from ganxun.hours.models import ConversionRule, Unit
from ganxun.roster.models import UnitKind
from ganxun.roster.tests.factories import UnitFactory
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, SessionFactory


class UnitConversionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = UnitFactory(name="区委组织部", code="UCQW", kind=UnitKind.ORGANISATION_DEPARTMENT)
        cls.bureau = UnitFactory(name="区房管局", code="UCFG", parent=cls.district)
        cls.office = UnitFactory(name="房管所", code="UCFGS", parent=cls.bureau)
        cls.other = UnitFactory(name="区建管委", code="UCJG", parent=cls.district)
        # The bureau counts an hour of class as 1.5 学时 in 2026; the system default (seeded) counts it as 1.
        ConversionRule.objects.create(org_unit=cls.bureau, year=2026, unit=Unit.HOUR, per=1, hours=Decimal("1.5"))
        cls.kind = ActivityKindFactory(name="按小时计的专题课", unit=Unit.HOUR)

    def hours_of(self, unit, year=2026):
        activity = ActivityFactory(kind=self.kind, unit=unit)
        session = SessionFactory(
            activity=activity, date=dt.date(year, 3, 2), start_time=dt.time(9), end_time=dt.time(11)
        )
        return session_default_hours(session)

    def test_the_units_own_rule_applies(self):
        self.assertEqual(self.hours_of(self.bureau), Decimal("3.00"))

    def test_a_unit_below_inherits_it(self):
        self.assertEqual(self.hours_of(self.office), Decimal("3.00"))

    def test_a_unit_elsewhere_and_the_parent_keep_the_default(self):
        self.assertEqual(self.hours_of(self.other), Decimal("2.00"))
        self.assertEqual(self.hours_of(self.district), Decimal("2.00"))

    def test_another_year_without_the_units_rule_falls_back_to_the_default(self):
        self.assertEqual(self.hours_of(self.bureau, year=2025), Decimal("2.00"))
