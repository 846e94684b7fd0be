"""Writes for activities and attendance; attendance is what puts session hours into the ledger."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours.models import EntryStatus, LedgerEntry, Source, Unit
from ganxun.hours.services import convert_hours, ledger_record, ledger_withdraw, refuse_own
from ganxun.hours.services.ledger import entry_current
from ganxun.training.models import Activity, AttendanceMethod, AttendanceStatus, Session
from ganxun.training.services.lectures import (
    lecture_credit_sync,
    teaches_instead_of_attending,
    with_sessions_and_lecturers,
)

from ..models import Attendance

# A class is not completed when more than 1/MISSED_SHARE_DENOMINATOR of its hours was missed (条例 第十五条).
# Compared as ``missed × 7 ≤ total`` in exact decimals, never against a rounded 1/7 (0.142857…).
MISSED_SHARE_DENOMINATOR = 7
LENGTH_UNITS = frozenset({Unit.HOUR, Unit.LECTURE_HOUR, Unit.ONLINE_MINUTES})
UNREAD: Any = object()  # attendance_set's ``current`` when the caller has not read the row


def session_default_hours(session: Session) -> Decimal:
    """The 学时 the year's conversion rule gives this session, by its kind's unit."""
    unit = session.activity.kind.unit
    if unit == Unit.ONLINE_MINUTES:
        quantity = session.length_minutes
    elif unit in LENGTH_UNITS:
        quantity = Fraction(session.length_minutes) / 60  # exact: 50 minutes are 5/6 of an hour, not 0.8333…
    else:
        quantity = Decimal(1)
    return convert_hours(year=session.date.year, unit=unit, quantity=quantity)


def activity_total_hours(activity: Activity) -> Decimal:
    return sum((s.hours for s in activity.sessions.all()), Decimal(0))


def completion(activity: Activity, attendances: list[Attendance]) -> tuple[bool, Decimal, Decimal]:
    """(completed, missed hours, total hours) of one cadre in a class, from their attendance rows.

    Hours of sessions marked absent or on leave count as missed; more than 1/7 of the total means the
    class was not completed (exactly 1/7 is still completed).  Sessions without a row yet are not counted as
    missed.  学时 are decimals of two places, so ``missed × 7`` is exact and the boundary cannot round away.
    """
    total = activity_total_hours(activity)
    missed = sum(
        (a.session.hours for a in attendances if a.status in (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE)),
        Decimal(0),
    )
    return (total == 0 or missed * MISSED_SHARE_DENOMINATOR <= total), missed, total


def sync_ledger(*, actor, activity: Activity, cadre, written: Attendance | None = None) -> None:
    """Bring the cadre's ledger entries for this activity in line with their attendance.

    ``written``: the row the caller has just saved; in an activity of one session it is all there is to read.
    """
    activity = with_sessions_and_lecturers(activity)
    sessions = {session.pk: session for session in activity.sessions.all()}
    if written is not None and list(sessions) == [written.session_id]:
        attendances = [written]
    else:
        attendances = list(Attendance.objects.filter(session__activity=activity, cadre=cadre))
    for attendance in attendances:
        if attendance.session_id in sessions:  # else a session added since: its own query
            attendance.session = sessions[attendance.session_id]
    # One read of the cadre's entries for the whole activity instead of one per session (a single one is read
    # by ledger_record or ledger_withdraw anyway).
    read_entries = len(attendances) > 1
    entries: dict[int, LedgerEntry] = {}
    if read_entries:
        entries = {
            entry.source_id: entry
            for entry in LedgerEntry.objects.select_for_update().filter(
                cadre=cadre, source=Source.SESSION, source_id__in=list(sessions)
            )
        }
    completed = True
    if activity.kind.is_class:
        completed, _missed, _total = completion(activity, attendances)
    teaching = bool(attendances) and teaches_instead_of_attending(activity, cadre)
    for attendance in attendances:
        session = attendance.session
        record = None
        if attendance.status == AttendanceStatus.PRESENT and teaching:
            reason = _("Counted as the lecture given, not as attendance.")
        elif attendance.status == AttendanceStatus.PRESENT and completed:
            reason = ""
            record = {
                "date": session.date,
                "hours": session.hours,
                "bucket": activity.kind.bucket,
                "title": f"{activity.title}（{session.date:%Y-%m-%d}）",
            }
        elif attendance.status == AttendanceStatus.PRESENT:
            reason = _("Absent or on leave for more than 1/7 of the class hours: the class is not completed.")
        else:
            reason = str(attendance.get_status_display())
        entry = entries.get(session.pk)
        if read_entries and record is not None and entry_current(entry, **record):
            continue  # what ledger_record would find: spare its locked read
        withdrawn = entry is None or (entry.status == EntryStatus.REJECTED and entry.reason == reason)
        if read_entries and record is None and withdrawn:
            continue  # what ledger_withdraw would find
        # The entry read (locked) above, or, when only one was at stake, read by the service itself.
        known = {"entry": entry} if read_entries else {}
        if record is not None:
            ledger_record(actor=actor, cadre=cadre, source=Source.SESSION, source_id=session.pk, **record, **known)
        else:
            ledger_withdraw(
                actor=actor, cadre=cadre, source=Source.SESSION, source_id=session.pk, reason=reason, **known
            )


@transaction.atomic
def attendance_set(
    *, actor, session: Session, cadre, status: str, method: str, reason: str = "", current: Any = UNREAD
) -> Attendance:
    """Record (or correct) one cadre's attendance of a session and recount their hours for the activity.

    A cadre checks themself in by QR; nobody marks or imports their own attendance by hand.
    ``current``: the cadre's row for the session (None: there is none) when the caller has read it already, so
    that it is not read again; a row that has appeared since meets the unique constraint (IntegrityError).
    """
    if method != AttendanceMethod.QR:
        refuse_own(actor, cadre.pk)
    if current is UNREAD:
        current = Attendance.objects.select_for_update().filter(session=session, cadre=cadre).first()
    attendance = _attendance_write(
        actor=actor, session=session, cadre=cadre, status=status, method=method, reason=reason, current=current
    )
    activity = with_sessions_and_lecturers(session.activity)
    sync_ledger(actor=actor, activity=activity, cadre=cadre, written=attendance)
    # The first present (or last present leaving) decides whether the lecture was given.
    lecture_credit_sync(
        actor=actor, session=session, activity=activity, held=True if status == AttendanceStatus.PRESENT else None
    )
    return attendance


def _attendance_write(
    *, actor, session: Session, cadre, status: str, method: str, reason: str, current: Attendance | None
) -> Attendance:
    """The attendance row itself and its audit event; the caller recounts the hours."""
    attendance = current
    before = None
    if attendance is None:
        attendance = Attendance(session=session, cadre=cadre)
    else:
        before = {"status": str(attendance.get_status_display()), "reason": attendance.reason}
        attendance.session, attendance.cadre = session, cadre  # the rows in hand: str() for the audit reads none
    attendance.status, attendance.reason, attendance.method = status, reason, method
    attendance.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    if status == AttendanceStatus.PRESENT and attendance.checked_in_at is None:
        attendance.checked_in_at = timezone.now()
    # The session, cadre and recorder are rows in hand and the cadre's row for the session has been read:
    # checking them again would cost four queries while every other check-in waits for the write lock (the
    # database's foreign keys and unique constraint still stand behind them).
    attendance.full_clean(exclude=["session", "cadre", "recorded_by"])
    attendance.save()
    after = {"status": str(attendance.get_status_display()), "reason": attendance.reason}
    if before != after:
        audit_record(
            actor=actor,
            action=Action.CREATE if before is None else Action.UPDATE,
            obj=attendance,
            before=before,
            after=after,
        )
    return attendance


@dataclasses.dataclass(frozen=True)
class AttendanceChange:
    """One row of a sheet or an imported file: this cadre's attendance of this session."""

    session: Session
    cadre: object
    status: str
    reason: str = ""


@transaction.atomic
def attendance_set_many(*, actor, activity: Activity, changes: list[AttendanceChange], method: str) -> None:
    """``attendance_set`` for many rows of one activity at once (a sheet, an imported file).

    Each row is written and audited as ``attendance_set`` writes it, but the hours are recounted once per cadre
    and the lecture credits once per session, after all the rows: a class of 8 sittings for 168 cadres costs
    168 recounts instead of 1,344, which keeps the write transaction (SQLite's one write lock) short.
    """
    if method != AttendanceMethod.QR:
        for change in changes:
            refuse_own(actor, change.cadre.pk)
    activity = with_sessions_and_lecturers(activity)
    for change in changes:
        change.session.activity = activity  # one activity in hand for every row's audit text
    sessions = {change.session.pk for change in changes}
    cadres = {change.cadre.pk: change.cadre for change in changes}
    current = {
        (row.session_id, row.cadre_id): row
        for row in Attendance.objects.select_for_update().filter(session_id__in=sessions, cadre_id__in=list(cadres))
    }
    for change in changes:
        _attendance_write(
            actor=actor,
            session=change.session,
            cadre=change.cadre,
            status=change.status,
            method=method,
            reason=change.reason,
            current=current.get((change.session.pk, change.cadre.pk)),
        )
    for cadre in cadres.values():
        sync_ledger(actor=actor, activity=activity, cadre=cadre)
    for session in activity.sessions.all():
        if session.pk in sessions:
            lecture_credit_sync(actor=actor, session=session, activity=activity)
