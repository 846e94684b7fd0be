"""The deadlines' rules at their boundaries, on plain values (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import SimpleTestCase

from ganxun.reminders.deadlines import (
    DeadlineStatus,
    Kind,
    Period,
    appointment_deadline,
    hours_deadline,
    induction_deadline,
    post_starts,
    status_on,
    year_after,
)
from ganxun.roster.models import Status

D = dt.date
OVERDUE, UPCOMING, PENDING, MET = (
    DeadlineStatus.OVERDUE,
    DeadlineStatus.UPCOMING,
    DeadlineStatus.PENDING,
    DeadlineStatus.MET,
)


def period(start, rank="", level="", status=Status.ACTIVE, end=None) -> Period:
    return Period(start, end, rank, level, status)


class StatusTests(SimpleTestCase):
    def test_due_day_is_upcoming_the_next_is_overdue(self):
        due = D(2026, 12, 31)
        self.assertEqual(status_on(due=due, met=False, today=D(2026, 12, 30)), UPCOMING)
        self.assertEqual(status_on(due=due, met=False, today=due), UPCOMING)
        self.assertEqual(status_on(due=due, met=False, today=D(2027, 1, 1)), OVERDUE)

    def test_window_opens_exactly_days_ahead_before(self):
        due = D(2026, 6, 30)
        self.assertEqual(status_on(due=due, met=False, today=D(2026, 5, 31), days_ahead=30), UPCOMING)
        self.assertEqual(status_on(due=due, met=False, today=D(2026, 5, 30), days_ahead=30), PENDING)

    def test_met_whatever_the_day(self):
        self.assertEqual(status_on(due=D(2026, 1, 1), met=True, today=D(2027, 1, 1)), MET)


class YearAfterTests(SimpleTestCase):
    def test_the_last_day_of_the_year_starting_on_the_day(self):
        self.assertEqual(year_after(D(2025, 3, 1)), D(2026, 2, 28))
        self.assertEqual(year_after(D(2025, 1, 1)), D(2025, 12, 31))

    def test_leap_years(self):
        self.assertEqual(year_after(D(2024, 2, 29)), D(2025, 2, 28))  # taken on 29 February
        self.assertEqual(year_after(D(2023, 3, 1)), D(2024, 2, 29))  # the year ends on a 29 February
        self.assertEqual(year_after(D(2024, 3, 1)), D(2025, 2, 28))


class InductionTests(SimpleTestCase):
    hire, end = D(2025, 3, 1), D(2026, 2, 28)

    def deadline(self, today, dates=(), hire=hire, end=end):
        return induction_deadline(cadre_id=1, hire_date=hire, probation_end=end, induction_dates=dates, today=today)

    def test_due_on_the_probations_last_day(self):
        self.assertEqual(self.deadline(D(2026, 2, 27)).status, UPCOMING)
        self.assertEqual(self.deadline(D(2026, 2, 28)).status, UPCOMING)
        self.assertEqual(self.deadline(D(2026, 3, 1)).status, OVERDUE)
        self.assertEqual(self.deadline(D(2026, 2, 28)).due, D(2026, 2, 28))
        self.assertEqual(self.deadline(D(2026, 2, 28)).kind, Kind.INDUCTION)

    def test_a_class_from_the_hire_date_counts_one_before_does_not(self):
        self.assertEqual(self.deadline(D(2026, 3, 1), [D(2025, 3, 1)]).status, MET)
        self.assertEqual(self.deadline(D(2026, 3, 1), [D(2025, 2, 28)]).status, OVERDUE)
        self.assertEqual(self.deadline(D(2026, 3, 1), [D(2026, 3, 1)]).status, MET)  # late, but done

    def test_no_probation_no_deadline(self):
        self.assertIsNone(self.deadline(D(2026, 1, 1), end=None))

    def test_listed_for_a_year_after_it_was_due(self):
        self.assertIsNotNone(self.deadline(self.end + dt.timedelta(days=366)))
        self.assertIsNone(self.deadline(self.end + dt.timedelta(days=367)))


class PostStartTests(SimpleTestCase):
    def test_promotions_start_the_clock(self):
        periods = [
            period(D(2015, 1, 1), rank="principal_clerk_4"),
            period(D(2020, 5, 1), rank="principal_clerk_4", level="deputy_section_chief"),  # a first post
            period(D(2022, 5, 1), rank="principal_clerk_2", level="deputy_section_chief"),  # a rank up
            period(D(2024, 5, 1), rank="principal_clerk_2", level="section_chief"),  # a level up
        ]
        self.assertEqual(post_starts(periods), [D(2020, 5, 1), D(2022, 5, 1), D(2024, 5, 1)])

    def test_hire_moves_and_steps_down_do_not(self):
        periods = [
            period(D(2015, 1, 1), level="section_chief"),  # came in as a section chief: no post taken here
            period(D(2018, 1, 1), level="section_chief"),  # moved 科室
            period(D(2019, 1, 1), level="deputy_section_chief"),  # stepped down
        ]
        self.assertEqual(post_starts(periods), [])

    def test_a_break_out_of_service_starts_afresh(self):
        periods = [
            period(D(2015, 1, 1)),
            period(D(2018, 1, 1), status=Status.TRANSFERRED),
            period(D(2020, 1, 1), level="section_chief"),  # came back: no promotion here
        ]
        self.assertEqual(post_starts(periods), [])


class AppointmentTests(SimpleTestCase):
    periods = [period(D(2015, 1, 1)), period(D(2025, 3, 1), level="section_chief")]

    def deadline(self, today, dates=()):
        return appointment_deadline(cadre_id=1, periods=self.periods, appointment_dates=dates, today=today)

    def test_due_the_day_before_the_posts_anniversary(self):
        self.assertEqual(self.deadline(D(2026, 2, 27)).status, UPCOMING)
        self.assertEqual(self.deadline(D(2026, 2, 28)).status, UPCOMING)
        self.assertEqual(self.deadline(D(2026, 2, 28)).due, D(2026, 2, 28))
        self.assertEqual(self.deadline(D(2026, 3, 1)).status, OVERDUE)  # exactly one year after

    def test_a_class_up_to_a_year_before_the_post_counts(self):
        self.assertEqual(self.deadline(D(2026, 3, 1), [D(2024, 3, 1)]).status, MET)
        self.assertEqual(self.deadline(D(2026, 3, 1), [D(2024, 2, 29)]).status, OVERDUE)

    def test_the_latest_post_counts_and_a_future_one_not_yet(self):
        periods = [*self.periods, period(D(2027, 1, 1), level="deputy_division_chief")]
        found = appointment_deadline(cadre_id=1, periods=periods, appointment_dates=(), today=D(2026, 3, 1))
        self.assertEqual(found.due, D(2026, 2, 28))
        found = appointment_deadline(cadre_id=1, periods=periods, appointment_dates=(), today=D(2027, 1, 1))
        self.assertEqual(found.due, D(2027, 12, 31))

    def test_none_without_a_post_taken(self):
        self.assertIsNone(
            appointment_deadline(cadre_id=1, periods=self.periods[:1], appointment_dates=(), today=D(2026, 1, 1))
        )


class HoursTests(SimpleTestCase):
    def deadline(self, today, done, expected=Decimal(0), required=Decimal(90), first=2026, last=2026, extra=0):
        return hours_deadline(
            cadre_id=1,
            kind=Kind.YEARLY if first == last else Kind.CYCLE,
            requirement_pk=7,
            name="年度学时",
            start_year=first,
            end_year=last,
            required=required,
            done=done,
            expected=expected,
            makeup_years=extra,
            today=today,
        )

    def test_due_on_31_december(self):
        self.assertEqual(self.deadline(D(2026, 12, 31), Decimal("89.99")).status, UPCOMING)
        self.assertEqual(self.deadline(D(2026, 12, 31), Decimal("89.99")).due, D(2026, 12, 31))
        self.assertEqual(self.deadline(D(2027, 1, 1), Decimal("89.99")).status, OVERDUE)
        self.assertEqual(self.deadline(D(2027, 1, 1), Decimal("90")).status, MET)

    def test_behind_below_the_share_of_the_year_not_at_it(self):
        self.assertTrue(self.deadline(D(2026, 6, 30), Decimal("44.99"), Decimal("45")).behind)
        self.assertFalse(self.deadline(D(2026, 6, 30), Decimal("45"), Decimal("45")).behind)
        self.assertEqual(self.deadline(D(2026, 6, 30), Decimal("44.99"), Decimal("45")).stage, "behind")

    def test_the_text_says_what_is_short(self):
        text = self.deadline(D(2026, 6, 30), Decimal("44.5"), Decimal("45")).what
        self.assertIn("90", text)
        self.assertIn("44.5", text)
        self.assertIn("45.5", text)

    def test_a_cycle_ends_on_its_last_31_december_moved_by_the_makeup_years(self):
        cycle = self.deadline(D(2027, 12, 31), Decimal(500), required=Decimal(550), first=2023, last=2027)
        self.assertEqual((cycle.due, cycle.status), (D(2027, 12, 31), UPCOMING))
        late = self.deadline(D(2028, 1, 1), Decimal(500), required=Decimal(550), first=2023, last=2027)
        self.assertEqual(late.status, OVERDUE)
        moved = self.deadline(D(2028, 1, 1), Decimal(500), required=Decimal(550), first=2023, last=2027, extra=1)
        self.assertEqual((moved.due, moved.status), (D(2028, 12, 31), PENDING))

    def test_a_notice_comes_back_once_when_it_falls_overdue(self):
        before = self.deadline(D(2026, 12, 31), Decimal(0))
        after = self.deadline(D(2027, 1, 1), Decimal(0))
        self.assertEqual(before.key, after.key)
        self.assertNotEqual(before.notice_key, after.notice_key)
