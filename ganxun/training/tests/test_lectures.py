"""授课学时: a roster lecturer is credited once per session held, and the credit follows later corrections."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase

from ganxun.accounts.models import Role
from ganxun.attendance.services import attendance_set
from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from ..services import lecturer_add, lecturer_remove, session_update


class LectureCreditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="lect_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.teacher = CadreFactory(name="徐亮")
        cls.listeners = [CadreFactory() for _ in range(2)]
        cls.activity = ActivityFactory(title="月末讲坛：物业管理实务", kind__name="月末讲坛")
        # Two hours of lecturing; the 2026 rule counts an hour taught as 3 学时 (capped at 12).
        cls.session = SessionFactory(
            activity=cls.activity, date=dt.date(2026, 6, 30), start_time=dt.time(14), end_time=dt.time(16)
        )
        for cadre in cls.listeners:
            EnrolmentFactory(activity=cls.activity, cadre=cadre)
        cls.lecturer = lecturer_add(actor=cls.admin, activity=cls.activity, cadre=cls.teacher)

    def mark(self, cadre, status):
        attendance_set(
            actor=self.admin, session=self.session, cadre=cadre, status=status, method=AttendanceMethod.MANUAL
        )

    def credits(self):
        return LedgerEntry.objects.filter(cadre=self.teacher, source=Source.LECTURE, source_id=self.session.pk)

    def test_no_credit_before_anyone_attends(self):
        self.assertFalse(self.credits().exists())

    def test_credited_once_however_many_attend(self):
        for cadre in self.listeners:
            self.mark(cadre, AttendanceStatus.PRESENT)
        entry = self.credits().get()
        self.assertEqual(entry.status, EntryStatus.CONFIRMED)
        self.assertEqual(entry.hours, Decimal(6))
        self.assertEqual(entry.bucket, Bucket.CENTRALISED)
        self.assertEqual(entry.title, "授课：月末讲坛：物业管理实务（2026-06-30）")

    def test_withdrawn_when_nobody_turns_out_to_have_attended(self):
        self.mark(self.listeners[0], AttendanceStatus.PRESENT)
        self.mark(self.listeners[0], AttendanceStatus.ABSENT)
        entry = self.credits().get()
        self.assertEqual(entry.status, EntryStatus.REJECTED)
        self.assertIn("无人出席", entry.reason)

    def test_a_removed_lecturer_loses_the_credit(self):
        self.mark(self.listeners[0], AttendanceStatus.PRESENT)
        lecturer_remove(actor=self.admin, lecturer=self.lecturer)
        self.assertEqual(self.credits().get().status, EntryStatus.REJECTED)

    def test_a_longer_session_is_worth_more(self):
        self.mark(self.listeners[0], AttendanceStatus.PRESENT)
        session_update(actor=self.admin, session=self.session, end_time=dt.time(17))
        self.assertEqual(self.credits().get().hours, Decimal(9))

    def test_an_outside_lecturer_has_no_ledger(self):
        lecturer_add(actor=self.admin, activity=self.activity, outside_name="市房管局 王处长")
        self.mark(self.listeners[0], AttendanceStatus.PRESENT)
        self.assertEqual(LedgerEntry.objects.filter(source=Source.LECTURE).count(), 1)

    def test_the_lecturer_present_at_their_own_lecture_is_counted_once_as_teaching(self):
        EnrolmentFactory(activity=self.activity, cadre=self.teacher)
        self.mark(self.teacher, AttendanceStatus.PRESENT)
        attended = LedgerEntry.objects.filter(cadre=self.teacher, source=Source.SESSION, status=EntryStatus.CONFIRMED)
        self.assertFalse(attended.exists())
        self.assertEqual(self.credits().get().status, EntryStatus.CONFIRMED)
        # Once no longer the lecturer, the attendance counts and the credit goes.
        lecturer_remove(actor=self.admin, lecturer=self.lecturer)
        self.assertEqual(attended.get().hours, self.session.hours)
        self.assertEqual(self.credits().get().status, EntryStatus.REJECTED)
