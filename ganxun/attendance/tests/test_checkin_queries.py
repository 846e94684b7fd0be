"""What a check-in costs: the confirming POST's queries do not grow with the people enrolled or the sessions of
the activity, and the ledger sync it runs rewrites nothing that has not changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.attendance.tests.test_checkin import DAY, clock_at, moment
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.services import lecturer_add
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from .. import checkin as tokens
from ..services import attendance_set, sync_ledger

# The confirming POST, everything included: the login session (read, user, save), the token's session, the plan
# (cadre, attendance, enrolment), then in the write transaction the attendance and its audit event, the
# activity's sessions and lecturers, the ledger entry (read, the hours check, insert, audit event), the lecture
# credits, and the savepoints around them.  The number matters less than that it stays put.
POST_BUDGET = 24


def present(session, cadre, actor):
    attendance_set(actor=actor, session=session, cadre=cadre, status=AttendanceStatus.PRESENT, method="manual")


class CheckinQueryBudgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)

    def world(self, *, kind: str, sessions: int, enrolled: int, present_already: int = 0):
        """An activity of ``sessions`` sittings on DAY; ``enrolled`` cadres, the first one with an account and
        present at every sitting but the last, ``present_already`` others present at the last."""
        activity = ActivityFactory(kind__name=kind)
        sittings = [
            SessionFactory(activity=activity, date=DAY, start_time=dt.time(9), end_time=dt.time(11))
            for _ in range(sessions)
        ]
        cadres = [CadreFactory() for _ in range(enrolled)]
        for cadre in cadres:
            EnrolmentFactory(activity=activity, cadre=cadre)
        for sitting in sittings[:-1]:
            present(sitting, cadres[0], self.admin)
        for cadre in cadres[1 : 1 + present_already]:
            present(sittings[-1], cadre, self.admin)
        user = UserFactory(role=Role.CADRE, cadre=cadres[0])
        return sittings[-1], user

    def check_in(self, session, user) -> int:
        """The confirming POST's query count; it must check in."""
        self.client.force_login(user)
        with clock_at(moment(9, 5)):
            url = reverse("attendance:checkin", args=[tokens.make_token(session.pk)])
            with CaptureQueriesContext(connection) as queries:
                response = self.client.post(url, {"session": session.pk})
        self.assertContains(response, 'data-checkin-state="new"')
        return len(queries)

    def test_a_lecture_costs_the_same_with_three_or_forty_enrolled(self):
        small = self.check_in(*self.world(kind="月末讲坛", sessions=1, enrolled=3))
        large = self.check_in(*self.world(kind="月末讲坛", sessions=1, enrolled=40, present_already=25))
        self.assertEqual(large, small)
        self.assertLessEqual(small, POST_BUDGET)

    def test_a_class_costs_the_same_with_two_or_eight_sessions(self):
        two = self.check_in(*self.world(kind="全员培训班", sessions=2, enrolled=3))
        eight = self.check_in(*self.world(kind="全员培训班", sessions=8, enrolled=3, present_already=2))
        self.assertEqual(eight, two)
        # Plus the cadre's rows and entries of the other sittings, less the lecture credits (none in a class).
        self.assertLessEqual(two, POST_BUDGET + 1)


class LedgerSyncTests(TestCase):
    """sync_ledger reads the cadre's entries once and rewrites only those whose figures changed."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        cls.cadre = CadreFactory()

    def class_attended(self, sessions: int):
        activity = ActivityFactory(kind__name="全员培训班")
        sittings = [
            SessionFactory(
                activity=activity, date=DAY + dt.timedelta(days=n), start_time=dt.time(9), end_time=dt.time(11)
            )
            for n in range(sessions)
        ]
        for sitting in sittings:
            present(sitting, self.cadre, self.admin)
        return activity, sittings

    def resync_queries(self, activity) -> int:
        with CaptureQueriesContext(connection) as queries:
            sync_ledger(actor=self.admin, activity=activity, cadre=self.cadre)
        return len(queries)

    def test_an_unchanged_class_costs_the_same_reads_however_many_sessions_and_writes_nothing(self):
        small, _ = self.class_attended(2)
        large, _ = self.class_attended(7)
        events = AuditEvent.objects.count()
        self.assertEqual(self.resync_queries(large), self.resync_queries(small))
        # The sessions, the lecturers, the cadre's attendance and the cadre's entries: nothing is written.
        self.assertEqual(self.resync_queries(large), 4)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_only_the_changed_session_is_rewritten(self):
        activity, sittings = self.class_attended(4)
        type(sittings[2]).objects.filter(pk=sittings[2].pk).update(hours=Decimal("2.50"))
        before = {e.source_id: e.hours for e in LedgerEntry.objects.filter(cadre=self.cadre, source=Source.SESSION)}
        events = AuditEvent.objects.count()
        sync_ledger(actor=self.admin, activity=activity, cadre=self.cadre)
        after = {e.source_id: e.hours for e in LedgerEntry.objects.filter(cadre=self.cadre, source=Source.SESSION)}
        self.assertEqual(after, {**before, sittings[2].pk: Decimal("2.50")})
        self.assertEqual(AuditEvent.objects.count(), events + 1)

    def test_missing_too_much_withdraws_the_whole_class_and_a_correction_brings_it_back(self):
        _activity, sittings = self.class_attended(7)
        for sitting in sittings[:2]:  # 4 of 14 学时 missed
            attendance_set(
                actor=self.admin, session=sitting, cadre=self.cadre, status=AttendanceStatus.LEAVE, method="manual"
            )
        self.assertEqual(self.statuses(), [EntryStatus.REJECTED] * 7)
        present(sittings[1], self.cadre, self.admin)
        present(sittings[0], self.cadre, self.admin)
        self.assertEqual(self.statuses(), [EntryStatus.CONFIRMED] * 7)

    def statuses(self) -> list[str]:
        return list(LedgerEntry.objects.filter(cadre=self.cadre).values_list("status", flat=True))


class LectureCreditTests(TestCase):
    """The lecture credit follows the first check-in of a one-session lecture, read without extra queries."""

    def test_a_roster_lecturer_is_credited_when_the_first_cadre_checks_in(self):
        admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        activity = ActivityFactory(kind__name="月末讲坛")
        session = SessionFactory(activity=activity, date=DAY, start_time=dt.time(9), end_time=dt.time(11))
        lecturer = CadreFactory(name="陈讲师")
        lecturer_add(actor=admin, activity=activity, cadre=lecturer)
        self.assertFalse(LedgerEntry.objects.filter(source=Source.LECTURE).exists())
        listener = CadreFactory()
        EnrolmentFactory(activity=activity, cadre=listener)
        present(session, listener, admin)
        credit = LedgerEntry.objects.get(source=Source.LECTURE, source_id=session.pk)
        self.assertEqual((credit.cadre, credit.status), (lecturer, EntryStatus.CONFIRMED))
        # The lecturer's own attendance counts as teaching, not as attending.
        present(session, lecturer, admin)
        self.assertFalse(LedgerEntry.objects.filter(cadre=lecturer, source=Source.SESSION).exists())
        # Nobody present any more: the credit is withdrawn, the row kept.
        for cadre in (listener, lecturer):
            attendance_set(
                actor=admin,
                session=session,
                cadre=cadre,
                status=AttendanceStatus.ABSENT,
                method=AttendanceMethod.MANUAL,
            )
        credit.refresh_from_db()
        self.assertEqual(credit.status, EntryStatus.REJECTED)
