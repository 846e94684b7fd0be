import datetime as dt
from decimal import Decimal

from django.test import TestCase

from ganxun.attendance.models import Attendance
from ganxun.attendance.services import attendance_set, completion, session_default_hours
from ganxun.hours.models import ConversionRule, EntryStatus, LedgerEntry, Rounding, Source, Unit
from ganxun.roster.tests.factories import CadreFactory, UserFactory

from ..models import Activity, ActivityKind, AttendanceMethod, AttendanceStatus, Session
from ..services import session_create


class AttendanceLedgerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(role="training_admin", cadre=None)
        cls.cadre = CadreFactory()
        cls.kind = ActivityKind.objects.get(name="全员培训班")
        cls.activity = Activity.objects.create(title="2026年全员培训班", kind=cls.kind)
        cls.sessions = [
            Session.objects.create(
                activity=cls.activity,
                date=dt.date(2026, 3, d),
                start_time=dt.time(9),
                end_time=dt.time(11, 30),
                hours=Decimal(4),
            )
            for d in range(2, 9)
        ]

    def mark(self, session, status):
        return attendance_set(
            actor=self.admin, session=session, cadre=self.cadre, status=status, method=AttendanceMethod.MANUAL
        )

    def test_half_day_session_converts_by_the_years_rule(self):
        self.assertEqual(session_default_hours(self.sessions[0]), Decimal(4))

    def test_present_writes_one_entry_however_often_marked(self):
        self.mark(self.sessions[0], AttendanceStatus.PRESENT)
        self.mark(self.sessions[0], AttendanceStatus.PRESENT)
        entries = LedgerEntry.objects.filter(cadre=self.cadre, source=Source.SESSION)
        self.assertEqual(entries.count(), 1)
        self.assertEqual(entries.get().status, EntryStatus.CONFIRMED)
        self.assertEqual(entries.get().hours, Decimal(4))

    def test_leave_beyond_one_seventh_withdraws_the_class(self):
        for session in self.sessions[:6]:
            self.mark(session, AttendanceStatus.PRESENT)
        # 7 sessions of 4 = 28 hours; one session on leave is exactly 1/7: still completed.
        self.mark(self.sessions[6], AttendanceStatus.LEAVE)
        confirmed = LedgerEntry.objects.filter(cadre=self.cadre, status=EntryStatus.CONFIRMED)
        self.assertEqual(confirmed.count(), 6)
        # Moving a present session to absent passes 1/7: nothing of the class counts.
        self.mark(self.sessions[0], AttendanceStatus.ABSENT)
        self.assertFalse(LedgerEntry.objects.filter(cadre=self.cadre, status=EntryStatus.CONFIRMED).exists())
        self.assertEqual(LedgerEntry.objects.filter(cadre=self.cadre).count(), 6)


class OneSeventhBoundaryTests(TestCase):
    """The 1/7 rule at its exact boundary, with figures where rounding cannot hide it (条例 第十五条)."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(role="training_admin", cadre=None)
        cls.kind = ActivityKind.objects.get(name="全员培训班")

    def make_class(self, *hours: str) -> list[Session]:
        activity = Activity.objects.create(title=f"{sum(Decimal(h) for h in hours)}学时的培训班", kind=self.kind)
        return [
            Session.objects.create(
                activity=activity,
                date=dt.date(2026, 3, 2) + dt.timedelta(days=n),
                start_time=dt.time(8),
                end_time=dt.time(20),
                hours=Decimal(h),
            )
            for n, h in enumerate(hours)
        ]

    def attend(self, sessions: list[Session], missed: Session) -> Activity:
        cadre = CadreFactory()
        for session in sessions:
            status = AttendanceStatus.LEAVE if session == missed else AttendanceStatus.PRESENT
            attendance_set(
                actor=self.admin, session=session, cadre=cadre, status=status, method=AttendanceMethod.MANUAL
            )
        self.cadre = cadre
        return sessions[0].activity

    def confirmed(self) -> Decimal:
        entries = LedgerEntry.objects.filter(cadre=self.cadre, status=EntryStatus.CONFIRMED)
        return sum((e.hours for e in entries), Decimal(0))

    def test_one_of_seven_missed_is_exactly_the_limit_and_completes(self):
        sessions = self.make_class("1", "1", "1", "1", "1", "1", "1")
        activity = self.attend(sessions, missed=sessions[0])
        rows = list(Attendance.objects.filter(cadre=self.cadre).select_related("session"))
        self.assertEqual(completion(activity, rows), (True, Decimal(1), Decimal(7)))
        self.assertEqual(self.confirmed(), Decimal(6))

    def test_just_over_one_seventh_of_seven_does_not_complete(self):
        sessions = self.make_class("1.01", "5.99")
        activity = self.attend(sessions, missed=sessions[0])
        rows = list(Attendance.objects.filter(cadre=self.cadre).select_related("session"))
        self.assertEqual(completion(activity, rows), (False, Decimal("1.01"), Decimal(7)))
        self.assertEqual(self.confirmed(), Decimal(0))

    def test_two_of_fourteen_completes_and_two_point_oh_one_does_not(self):
        sessions = self.make_class("2", "12")
        self.attend(sessions, missed=sessions[0])
        self.assertEqual(self.confirmed(), Decimal(12))
        sessions = self.make_class("2.01", "11.99")
        self.attend(sessions, missed=sessions[0])
        self.assertEqual(self.confirmed(), Decimal(0))

    def test_the_boundary_is_compared_exactly(self):
        # Not 1/6: 1.01 of 7 is within 1/6 (1.1667) but over 1/7 (1).
        sessions = self.make_class("1.01", "5.99")
        activity = sessions[0].activity
        leave = Attendance(session=sessions[0], status=AttendanceStatus.LEAVE)
        self.assertFalse(completion(activity, [leave])[0])
        sessions = self.make_class("1", "6")
        activity = sessions[0].activity
        leave = Attendance(session=sessions[0], status=AttendanceStatus.ABSENT)
        self.assertTrue(completion(activity, [leave])[0])


class LengthConversionTests(TestCase):
    """A session's 学时 from its length: online minutes (30 min = 1 学时, down to half steps) and hours, exactly."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(role="training_admin", cadre=None)
        cls.online = ActivityKind.objects.create(
            name="网络专题学习", classroom="theory", bucket="online", unit=Unit.ONLINE_MINUTES
        )
        cls.activity = Activity.objects.create(title="网络专题学习", kind=cls.online)

    def hours_for(self, minutes: int, activity: Activity | None = None) -> Decimal:
        start = dt.datetime(2026, 3, 2, 9)
        session = session_create(
            actor=self.admin,
            activity=activity or self.activity,
            date=start.date(),
            start_time=start.time(),
            end_time=(start + dt.timedelta(minutes=minutes)).time(),
        )
        return session.hours

    def test_online_minutes_round_down_to_half_steps(self):
        self.assertEqual(self.hours_for(29), Decimal("0.5"))
        self.assertEqual(self.hours_for(30), Decimal(1))
        self.assertEqual(self.hours_for(45), Decimal("1.5"))
        self.assertEqual(self.hours_for(59), Decimal("1.5"))  # 1.97 is not rounded up
        self.assertEqual(self.hours_for(60), Decimal(2))

    def test_online_minutes_respect_the_per_item_cap(self):
        self.assertEqual(self.hours_for(8 * 60), Decimal(8))  # 16 by the minutes, capped at 8 per item

    def test_minutes_are_counted_exactly(self):
        # 10 minutes = 1 学时, whole steps down: 50 minutes are 5, not 4.999… rounded down to 4.
        ConversionRule.objects.filter(year=2026, unit=Unit.ONLINE_MINUTES).update(
            per=10, hours=1, rounding=Rounding.WHOLE_DOWN, per_item_cap=None
        )
        self.assertEqual(self.hours_for(50), Decimal(5))

    def test_hours_are_converted_exactly(self):
        # 3 学时 for every 3 hours (whole steps down): a 1-hour 党课 is 1, not 0.999… rounded down to 0.
        ConversionRule.objects.filter(year=2026, unit=Unit.HOUR).update(
            per=3, hours=3, rounding=Rounding.WHOLE_DOWN, per_item_cap=None
        )
        lesson = Activity.objects.create(title="党课", kind=ActivityKind.objects.get(name="党课"))
        self.assertEqual(self.hours_for(60, lesson), Decimal(1))
        self.assertEqual(self.hours_for(50, lesson), Decimal(0))
