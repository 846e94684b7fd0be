import datetime as dt
from decimal import Decimal

from django.test import TestCase

from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import Activity, ActivityKind, AttendanceMethod, AttendanceStatus, Session
from ganxun.training.services import attendance_set, session_default_hours


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
