"""The demo's theory classroom: the leadership's study record of every year its twelve months touch."""

import datetime as dt

from django.test import TestCase

from ganxun.demo.bureau import load_bureau
from ganxun.demo.schedule import CENTRE_TOPICS
from ganxun.demo.theory import load_theory_year
from ganxun.study.models import SelfStudy, StudyPlan

TODAY = dt.date(2026, 11, 27)


class TheoryYearTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_bureau(today=TODAY)
        cls.result = load_theory_year(today=TODAY)

    def test_each_year_of_the_window_has_its_plan_of_the_months_topics(self):
        plans = {plan.year: plan for plan in StudyPlan.objects.all()}
        self.assertEqual(sorted(plans), [2025, 2026])  # December 2025 to November 2026
        self.assertEqual(self.result.plans, 2)
        topics = list(plans[2026].topics.order_by("number").values_list("month", "topic"))
        self.assertEqual(topics, [(m, CENTRE_TOPICS[m]) for m in range(1, 12)])
        self.assertEqual(list(plans[2025].topics.values_list("month", flat=True)), [12])

    def test_leaders_study_on_their_own_and_nothing_after_today(self):
        self.assertGreater(self.result.self_study, 0)
        self.assertEqual(self.result.self_study, SelfStudy.objects.count())
        self.assertFalse(SelfStudy.objects.filter(start_date__gt=TODAY).exists())

    def test_loading_again_changes_nothing(self):
        before = (StudyPlan.objects.count(), SelfStudy.objects.count())
        load_theory_year(today=TODAY)
        self.assertEqual((StudyPlan.objects.count(), SelfStudy.objects.count()), before)


class OnlineYearTests(TestCase):
    """The platforms' exports of the demo year, imported as the administrator would import them."""

    @classmethod
    def setUpTestData(cls):
        load_bureau(today=TODAY)
        cls.result = load_theory_year(today=TODAY)

    def test_most_cadres_have_their_online_hours_one_is_held_and_a_stranger_is_listed(self):
        from ganxun.hours.models import Bucket, LedgerEntry, Source
        from ganxun.online.models import OnlineFigure

        self.assertGreater(self.result.online_people, 50)
        self.assertEqual(self.result.online_unmatched, 1)
        self.assertEqual(self.result.online_flagged, 1)
        held = OnlineFigure.objects.get(status="flagged")
        self.assertGreater(held.amount, 400)
        entries = LedgerEntry.objects.filter(source=Source.ONLINE_RECORD, bucket=Bucket.ONLINE)
        self.assertEqual(entries.count(), self.result.online_people - 1)  # the held figure waits
        self.assertFalse(entries.filter(hours__gt=400).exists())
