"""The gap: when a topic counts as taken (the threshold exactly N years back), per cadre, 科室 and unit."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from ganxun.menu.queries import cadre_menu, counts_from, due_again, gap_rows, gap_summary
from ganxun.roster.models import Cadre
from ganxun.roster.tests.factories import CadreFactory, SectionFactory
from ganxun.training.models import AttendanceStatus
from ganxun.training.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    TopicModuleFactory,
)

from .factories import NeedFactory, PostFamilyFactory, PostNameFactory

ON = dt.date(2026, 6, 15)


def attended(cadre, topic, day, status=AttendanceStatus.PRESENT):
    session = SessionFactory(activity=ActivityFactory(topic=topic), date=day)
    return AttendanceFactory(session=session, cadre=cadre, status=status)


class ThresholdTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.topic = TopicModuleFactory(name="住房保障")
        cls.family = PostFamilyFactory(name="业务科员")
        PostNameFactory(family=cls.family, name="科员")
        cls.need = NeedFactory(family=cls.family, topic=cls.topic, every_years=2)
        cls.cadre = CadreFactory(post="科员")

    def gaps(self, on=ON):
        return {(row[0], row[3]) for row in gap_rows(Cadre.objects.all(), on)}

    def test_never_taken_is_a_gap(self):
        self.assertEqual(self.gaps(), {(self.cadre.pk, self.need.pk)})

    def test_taken_exactly_n_years_ago_is_a_gap_again(self):
        attended(self.cadre, self.topic, dt.date(2024, 6, 15))
        self.assertEqual(self.gaps(), {(self.cadre.pk, self.need.pk)})
        _family, [line] = cadre_menu(self.cadre, ON)
        self.assertTrue(line.is_gap)
        self.assertEqual(line.due, ON)

    def test_taken_a_day_less_than_n_years_ago_counts(self):
        attended(self.cadre, self.topic, dt.date(2024, 6, 16))
        self.assertEqual(self.gaps(), set())
        _family, [line] = cadre_menu(self.cadre, ON)
        self.assertFalse(line.is_gap)
        self.assertEqual(line.last_taken, dt.date(2024, 6, 16))
        self.assertEqual(line.due, dt.date(2026, 6, 16))

    def test_a_session_on_the_reference_day_counts_one_after_does_not(self):
        attended(self.cadre, self.topic, ON + dt.timedelta(days=1))
        self.assertEqual(len(self.gaps()), 1)
        attended(self.cadre, self.topic, ON)
        self.assertEqual(self.gaps(), set())

    def test_leave_and_absence_do_not_count(self):
        attended(self.cadre, self.topic, dt.date(2026, 1, 5), AttendanceStatus.LEAVE)
        attended(self.cadre, self.topic, dt.date(2026, 1, 6), AttendanceStatus.ABSENT)
        self.assertEqual(len(self.gaps()), 1)

    def test_another_topic_does_not_count(self):
        attended(self.cadre, TopicModuleFactory(name="物业管理"), dt.date(2026, 1, 5))
        self.assertEqual(len(self.gaps()), 1)

    def test_a_post_outside_every_family_has_no_menu(self):
        other = CadreFactory(post="司机")
        self.assertNotIn(other.pk, {row[0] for row in gap_rows(Cadre.objects.all(), ON)})
        self.assertEqual(cadre_menu(other, ON), (None, []))

    def test_an_inactive_topic_is_off_the_menu(self):
        self.topic.is_active = False
        self.topic.save()
        self.assertEqual(self.gaps(), set())

    def test_29_february_counts_until_the_first_of_march(self):
        self.need.every_years = 1
        self.need.save()
        attended(self.cadre, self.topic, dt.date(2024, 2, 29))
        self.assertEqual(due_again(dt.date(2024, 2, 29), 1), dt.date(2025, 3, 1))
        self.assertEqual(counts_from(dt.date(2025, 2, 28), 1), dt.date(2024, 2, 29))
        self.assertEqual(self.gaps(dt.date(2025, 2, 28)), set())
        self.assertEqual(len(self.gaps(dt.date(2025, 3, 1))), 1)


class SummaryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.housing = TopicModuleFactory(name="住房保障")
        cls.property = TopicModuleFactory(name="物业管理")
        family = PostFamilyFactory(name="业务科员")
        PostNameFactory(family=family, name="科员")
        PostNameFactory(family=family, name="副主任科员")
        cls.required = NeedFactory(family=family, topic=cls.housing, requirement="required", every_years=2)
        cls.elective = NeedFactory(family=family, topic=cls.property, requirement="elective", every_years=3)
        cls.one = SectionFactory(name="一科")
        cls.two = SectionFactory(name="二科")
        cls.a = CadreFactory(section=cls.one, post="科员")  # lacks both
        cls.b = CadreFactory(section=cls.one, post="副主任科员")  # took housing: lacks the elective only
        cls.c = CadreFactory(section=cls.two, post="科员")  # took both
        cls.d = CadreFactory(section=cls.two, post="司机")  # no menu
        attended(cls.b, cls.housing, dt.date(2025, 9, 1))
        attended(cls.c, cls.housing, dt.date(2025, 9, 1))
        attended(cls.c, cls.property, dt.date(2024, 1, 1))

    def test_per_need_section_and_unit(self):
        summary = gap_summary(Cadre.objects.all(), ON)
        figures = {f.need.pk: (f.needed, f.gaps) for f in summary.needs}
        self.assertEqual(figures, {self.required.pk: (3, 1), self.elective.pk: (3, 2)})
        sections = {
            p.pk: (p.with_menu, p.with_required_gap, p.required_gaps, p.elective_gaps) for p in summary.sections
        }
        self.assertEqual(sections, {self.one.pk: (2, 1, 1, 2), self.two.pk: (1, 0, 0, 0)})
        [unit] = summary.units
        self.assertEqual((unit.with_menu, unit.with_required_gap, unit.required_gaps, unit.elective_gaps), (3, 1, 1, 2))
        self.assertEqual((summary.with_menu, summary.with_required_gap), (3, 1))

    def test_the_cadres_menu_names_the_upcoming_activity_that_closes_it(self):
        soon = ActivityFactory(topic=self.housing, title="住房保障专题班")
        SessionFactory(activity=soon, date=ON + dt.timedelta(days=10))
        past = ActivityFactory(topic=self.housing, title="去年的班")
        SessionFactory(activity=past, date=ON - dt.timedelta(days=10))
        EnrolmentFactory(activity=soon, cadre=self.a)
        family, lines = cadre_menu(self.a, ON)
        self.assertEqual(family.name, "业务科员")
        by_topic = {line.need.topic_id: line for line in lines}
        self.assertTrue(by_topic[self.housing.pk].is_gap)
        self.assertEqual(
            [(a.title, enrolled) for a, enrolled in by_topic[self.housing.pk].upcoming], [("住房保障专题班", True)]
        )
        self.assertEqual(by_topic[self.housing.pk].upcoming[0][0].next_date, ON + dt.timedelta(days=10))

    def test_the_query_count_does_not_grow_with_the_cadres(self):
        with CaptureQueriesContext(connection) as few:
            gap_summary(Cadre.objects.all(), ON)
        for _n in range(5):
            CadreFactory(section=SectionFactory(name=f"新科{_n}"), post="科员")
        with CaptureQueriesContext(connection) as more:
            summary = gap_summary(Cadre.objects.all(), ON)
        self.assertEqual(summary.with_required_gap, 6)
        self.assertEqual(len(few), len(more))
        self.assertLessEqual(len(more), 6)
