"""Writes for activities and attendance; attendance is what puts session hours into the ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours.models import (
    DEFAULT_MISSED_SHARE,
    EntryStatus,
    LedgerEntry,
    Source,
    Unit,
    missed_share,
)
from ganxun.hours.services import conversion_rules, convert_hours, ledger_record, ledger_withdraw, refuse_own
from ganxun.hours.services.ledger import entry_current
from ganxun.training.models import Activity, AttendanceMethod, AttendanceStatus, Session
from ganxun.training.services.lectures import lecture_credit_sync, taught_sessions, with_sessions_and_lecturers

from ..models import Attendance

# The default share of a class's hours that may be missed is 1/MISSED_SHARE_DENOMINATOR (条例 第十五条); the year's
# CompletionRule may set another (hours.models.missed_share).
MISSED_SHARE_DENOMINATOR = 7
LENGTH_UNITS = frozenset({Unit.HOUR, Unit.LECTURE_HOUR, Unit.ONLINE_MINUTES})
UNREAD: Any = object()  # attendance_set's ``current`` when the caller has not read the row


def length_hours_cap(session: Session) -> Decimal:
    """What the session's real length is worth at the year's hour rate (1 学时 an hour without an hour rule),
    down to the cent: the most a sitting converted by a fixed unit (day, half day, session) may give."""
    rule = conversion_rules(session.date.year, session.activity.unit).get(Unit.HOUR)
    rate = Fraction(rule.hours) / Fraction(rule.per) if rule is not None else Fraction(1)
    return Decimal(math.floor(Fraction(session.length_minutes) / 60 * rate * 100)) / 100


def session_default_hours(session: Session) -> Decimal:
    """The 学时 the year's conversion rule gives this session, by its kind's unit.

    A fixed unit (a day, a half day, a session) is capped by the session's real length at the year's hour rate:
    a one-hour sitting is never 4 学时 because its kind counts by the half day (docs/architecture.md).
    """
    unit = session.activity.kind.unit
    if unit == Unit.ONLINE_MINUTES:
        quantity = session.length_minutes
    elif unit in LENGTH_UNITS:
        quantity = Fraction(session.length_minutes) / 60  # exact: 50 minutes are 5/6 of an hour, not 0.8333…
    else:
        by_rule = convert_hours(year=session.date.year, unit=unit, quantity=Decimal(1), org_unit=session.activity.unit)
        return min(by_rule, length_hours_cap(session))
    return convert_hours(year=session.date.year, unit=unit, quantity=quantity, org_unit=session.activity.unit)


def activity_total_hours(activity: Activity) -> Decimal:
    return sum((s.hours for s in activity.sessions.all()), Decimal(0))


@dataclasses.dataclass(frozen=True)
class Completion:
    """One cadre in a class: whether completed, the hours missed of the total, the ended sittings without an
    attendance row (counted as missed: 未登记) and the share of the year's rule that was applied."""

    completed: bool
    missed: Decimal
    total: Decimal
    unrecorded: tuple[Session, ...]
    share: Fraction


def class_missed_share(activity: Activity) -> Fraction:
    """The missed share of the rule for the year of the class's first sitting (1/7 without a rule)."""
    sessions = list(activity.sessions.all())
    year = min((session.date for session in sessions), default=timezone.localdate()).year
    return missed_share(year)


def class_completion(
    activity: Activity,
    attendances: list[Attendance],
    taught: set[int] | frozenset[int] = frozenset(),
    *,
    share: Fraction | None = None,
    now: dt.datetime | None = None,
) -> Completion:
    """The 1/7 rule (条例 第十五条) for one cadre, from their attendance rows of the activity.

    Hours of sittings marked absent or on leave count as missed, and so do those of sittings that have ended
    without a row for the cadre (未登记); sittings not yet over, and those the cadre taught (``taught``), do not.
    More than the share of the total means the class was not completed; exactly the share is still completed.
    Compared exactly, ``missed × denominator ≤ total × numerator`` in integers of cents, never against a
    rounded 0.142857….  ``share``: the year's rule when the caller has read it (a sheet of many cadres).
    """
    now = now or timezone.now()
    sessions = list(activity.sessions.all())
    total = sum((session.hours for session in sessions), Decimal(0))
    rows = {attendance.session_id: attendance for attendance in attendances}
    missed = Decimal(0)
    unrecorded = []
    for session in sessions:
        if session.pk in taught:
            continue
        attendance = rows.get(session.pk)
        if attendance is None:
            if session.ends_at <= now:
                unrecorded.append(session)
                missed += session.hours
        elif attendance.status in (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE):
            missed += session.hours
    if share is None:  # read only when something was missed: a check-in of a full class reads no rule
        share = class_missed_share(activity) if missed else DEFAULT_MISSED_SHARE
    missed_cents, total_cents = int(missed * 100), int(total * 100)
    completed = total == 0 or missed_cents * share.denominator <= total_cents * share.numerator
    return Completion(completed, missed, total, tuple(unrecorded), share)


def completion(
    activity: Activity,
    attendances: list[Attendance],
    taught: set[int] | frozenset[int] = frozenset(),
    *,
    share: Fraction | None = None,
    now: dt.datetime | None = None,
) -> tuple[bool, Decimal, Decimal]:
    """(completed, missed hours, total hours): ``class_completion`` in short."""
    result = class_completion(activity, attendances, taught, share=share, now=now)
    return result.completed, result.missed, result.total


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
    # The sittings the cadre teaches: counted as the lecture given (lecture_credit_sync), never also as attended.
    taught = taught_sessions(activity, cadre.pk) if attendances else set()
    completed = True
    if activity.kind.is_class:
        result = class_completion(activity, attendances, taught)
        completed = result.completed
    for attendance in attendances:
        session = attendance.session
        record = None
        figures = {
            "date": session.date,
            "hours": session.hours,
            "bucket": activity.kind.bucket,
            "title": f"{activity.title}（{session.date:%Y-%m-%d}）",
        }
        not_completed = False
        if attendance.status == AttendanceStatus.PRESENT and session.pk in taught:
            reason = _("Counted as the lecture given, not as attendance.")
        elif attendance.status == AttendanceStatus.PRESENT and completed:
            reason = ""
            record = figures
        elif attendance.status == AttendanceStatus.PRESENT:
            # Attended, but the class is not completed: the sitting is on the ledger, rejected with the reason.
            not_completed = True
            reason = _(
                "Absent, on leave or not recorded for more than %(share)s of the class hours: the class is not "
                "completed."
            ) % {"share": f"{result.share.numerator}/{result.share.denominator}"}
        else:
            reason = str(attendance.get_status_display())
        entry = entries.get(session.pk)
        if read_entries and record is not None and entry_current(entry, **record):
            continue  # what ledger_record would find: spare its locked read
        withdrawn = entry is None or (entry.status == EntryStatus.REJECTED and entry.reason == reason)
        if not_completed and entry is not None and entry.status == EntryStatus.REJECTED and entry.reason == reason:
            continue  # already on the ledger as not completed
        if read_entries and record is None and not not_completed and withdrawn:
            continue  # what ledger_withdraw would find
        # The entry read (locked) above, or, when only one was at stake, read by the service itself.
        known = {"entry": entry} if read_entries else {}
        if not_completed:
            ledger_record(
                actor=actor,
                cadre=cadre,
                source=Source.SESSION,
                source_id=session.pk,
                status=EntryStatus.REJECTED,
                reason=reason,
                **figures,
                **known,
            )
        elif record is not None:
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
