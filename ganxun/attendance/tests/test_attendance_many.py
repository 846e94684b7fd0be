"""Many rows of one activity at once (an imported file): the same rows, entries and audit trail as one by one,
with the hours recounted once per cadre rather than once per row, so that the write transaction stays short."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import TestCase

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from ..models import Attendance
from ..services import attendance, attendance_set
from ..services.attendance import AttendanceChange, attendance_set_many

DAY = dt.date(2026, 3, 2)


class AttendanceSetManyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)

    def class_of(self, sessions: int, cadres: int):
        activity = ActivityFactory(kind__name="全员培训班")
        sittings = [
            SessionFactory(
                activity=activity, date=DAY + dt.timedelta(days=n), start_time=dt.time(9), end_time=dt.time(11)
            )
            for n in range(sessions)
        ]
        people = [CadreFactory() for _ in range(cadres)]
        for cadre in people:
            EnrolmentFactory(activity=activity, cadre=cadre)
        return activity, sittings, people

    def outcome(self, activity):
        """Every row, entry and audited change of the activity, without ids and times."""
        rows = sorted(
            (a.session.date, a.cadre.name, a.status, a.reason)
            for a in Attendance.objects.filter(session__activity=activity).select_related("session", "cadre")
        )
        entries = sorted(
            (e.cadre.name, e.date, str(e.hours), e.status, e.reason)
            for e in LedgerEntry.objects.filter(source=Source.SESSION, cadre__enrolments__activity=activity)
        )
        events = sorted(
            (e.object_type, e.action, str(e.changes))
            for e in AuditEvent.objects.filter(object_type__in=("attendance", "ledgerentry"))
        )
        return rows, entries, events

    def plan(self, sittings, people):
        """Present throughout but one cadre away from two of eight sittings (more than 1/7: not completed)."""
        changes = []
        for cadre in people:
            for n, session in enumerate(sittings):
                away = cadre is people[0] and n < 2
                status = AttendanceStatus.LEAVE if away else AttendanceStatus.PRESENT
                changes.append(AttendanceChange(session, cadre, status, "公务" if away else ""))
        return changes

    def test_many_at_once_leaves_what_one_by_one_leaves(self):
        outcomes = []
        for at_once in (False, True):
            activity, sittings, people = self.class_of(8, 3)
            changes = self.plan(sittings, people)
            if at_once:
                attendance_set_many(
                    actor=self.admin, activity=activity, changes=changes, method=AttendanceMethod.IMPORT
                )
            else:
                for c in changes:
                    attendance_set(
                        actor=self.admin,
                        session=c.session,
                        cadre=c.cadre,
                        status=c.status,
                        reason=c.reason,
                        method=AttendanceMethod.IMPORT,
                    )
            rows, entries, _events = self.outcome(activity)
            names = {cadre.name: f"cadre{n}" for n, cadre in enumerate(people)}
            outcomes.append(
                (
                    [(r[0] - DAY, names[r[1]], *r[2:]) for r in rows],
                    [(names[e[0]], e[1] - DAY, *e[2:]) for e in entries],
                )
            )
            AuditEvent.objects.all().delete()
        self.assertEqual(outcomes[0], outcomes[1])
        entries = outcomes[1][1]
        # 4 of 16 学时 missed is more than 1/7: the class is not completed, so cadre0 is counted nothing.
        self.assertEqual(len(entries), 8 * 2)
        self.assertNotIn("cadre0", {e[0] for e in entries})
        self.assertTrue(all(e[3] == EntryStatus.CONFIRMED for e in entries))

    def test_the_hours_are_recounted_once_per_cadre(self):
        activity, sittings, people = self.class_of(8, 3)
        with mock.patch.object(attendance, "sync_ledger", wraps=attendance.sync_ledger) as sync:
            attendance_set_many(
                actor=self.admin, activity=activity, changes=self.plan(sittings, people), method=AttendanceMethod.IMPORT
            )
        self.assertEqual(sync.call_count, 3)
        self.assertEqual(LedgerEntry.objects.filter(status=EntryStatus.CONFIRMED).count(), 16)

    def test_an_administrators_own_row_stops_every_row(self):
        activity, sittings, people = self.class_of(2, 2)
        own = UserFactory(username="own_admin", role=Role.TRAINING_ADMIN, cadre=people[1])
        with self.assertRaisesMessage(ValidationError, "不能办理本人的学时"):
            attendance_set_many(
                actor=own, activity=activity, changes=self.plan(sittings, people), method=AttendanceMethod.IMPORT
            )
        self.assertFalse(Attendance.objects.exists())
