"""The demo's professional classroom: the year's 月末讲坛 schedule and the recruits' rotations."""

import datetime as dt

from django.test import TestCase

from ganxun.demo.bureau import load_bureau
from ganxun.demo.professional import load_professional
from ganxun.lectures.models import ScheduledLecture
from ganxun.rotation.models import Rotation

TODAY = dt.date(2026, 11, 27)


class ProfessionalDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_bureau(today=TODAY)
        cls.result = load_professional(today=TODAY)

    def test_the_plan_and_the_nominations(self):
        self.assertGreater(self.result.plan_items, 0)
        self.assertGreater(self.result.nominations, 0)

    def test_the_reception_desk_has_its_turns_and_cases(self):
        self.assertGreater(self.result.duty_turns, 10)
        self.assertGreater(self.result.cases, 5)

    def test_the_years_lectures_fall_on_the_months_last_working_days(self):
        self.assertEqual(self.result.lectures, 12)
        dates = set(ScheduledLecture.objects.values_list("date", flat=True))
        self.assertIn(dt.date(2026, 2, 28), dates)  # a make-up Saturday, the last working day of February
        self.assertIn(dt.date(2026, 9, 30), dates)

    def test_recruits_rotate_and_what_ended_is_evaluated(self):
        self.assertGreater(self.result.rotations, 0)
        self.assertGreater(self.result.evaluated, 0)
        for rotation in Rotation.objects.select_related("cadre"):
            self.assertNotEqual(rotation.host_section_id, rotation.cadre.section_id)
            self.assertEqual(bool(rotation.rating), rotation.end_date < TODAY)

    def test_loading_again_changes_nothing(self):
        before = (ScheduledLecture.objects.count(), Rotation.objects.count())
        load_professional(today=TODAY)
        self.assertEqual((ScheduledLecture.objects.count(), Rotation.objects.count()), before)
