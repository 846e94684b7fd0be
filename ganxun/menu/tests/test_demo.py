"""The demo bureau's menu: written through the services, idempotent, and showing gaps with something to close."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from ganxun.audit.models import AuditEvent
from ganxun.demo.bureau import load_bureau
from ganxun.demo.loader import load_training_year
from ganxun.menu.demo import DEMO_MENU, demo_menu
from ganxun.menu.models import Need, PostFamily

TODAY = dt.date(2026, 5, 20)


class DemoMenuTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_bureau(today=TODAY)
        load_training_year(today=TODAY)
        cls.result = demo_menu(today=TODAY)

    def test_the_menu_is_written_audited_and_shows_gaps(self):
        self.assertEqual(PostFamily.objects.count(), len(DEMO_MENU))
        self.assertEqual(Need.objects.count(), sum(len(needs) for _n, _p, needs in DEMO_MENU))
        self.assertEqual(AuditEvent.objects.filter(object_type="need").count(), Need.objects.count())
        self.assertGreater(self.result.with_menu, 50)
        self.assertGreater(self.result.with_required_gap, 0)
        self.assertLess(self.result.with_required_gap, self.result.with_menu)

    def test_a_second_run_adds_nothing(self):
        again = demo_menu(today=TODAY)
        self.assertEqual((again.families, again.needs), (0, 0))
        self.assertEqual(again.with_menu, self.result.with_menu)
