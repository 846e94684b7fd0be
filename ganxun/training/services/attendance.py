"""Writes for activities and attendance; attendance is what puts session hours into the ledger."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours.models import Source, Unit
from ganxun.hours.services import convert_hours, ledger_record, ledger_withdraw, refuse_own

from ..models import Activity, Attendance, AttendanceMethod, AttendanceStatus, Session
from .lectures import lecture_credit_sync, teaches_instead_of_attending

# A class is not completed when more than 1/MISSED_SHARE_DENOMINATOR of its hours was missed (条例 第十五条).
# Compared as ``missed × 7 ≤ total`` in exact decimals, never against a rounded 1/7 (0.142857…).
MISSED_SHARE_DENOMINATOR = 7
LENGTH_UNITS = frozenset({Unit.HOUR, Unit.LECTURE_HOUR, Unit.ONLINE_MINUTES})


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


def sync_ledger(*, actor, activity: Activity, cadre) -> None:
    """Bring the cadre's ledger entries for this activity in line with their attendance."""
    attendances = list(
        Attendance.objects.filter(session__activity=activity, cadre=cadre).select_related(
            "session", "session__activity"
        )
    )
    completed = True
    if activity.kind.is_class:
        completed, _missed, _total = completion(activity, attendances)
    teaching = bool(attendances) and teaches_instead_of_attending(activity, cadre)
    for attendance in attendances:
        session = attendance.session
        if attendance.status == AttendanceStatus.PRESENT and teaching:
            ledger_withdraw(
                actor=actor,
                cadre=cadre,
                source=Source.SESSION,
                source_id=session.pk,
                reason=_("Counted as the lecture given, not as attendance."),
            )
        elif attendance.status == AttendanceStatus.PRESENT and completed:
            ledger_record(
                actor=actor,
                cadre=cadre,
                date=session.date,
                hours=session.hours,
                bucket=activity.kind.bucket,
                source=Source.SESSION,
                source_id=session.pk,
                title=f"{activity.title}（{session.date:%Y-%m-%d}）",
            )
        elif attendance.status == AttendanceStatus.PRESENT:
            ledger_withdraw(
                actor=actor,
                cadre=cadre,
                source=Source.SESSION,
                source_id=session.pk,
                reason=_("Absent or on leave for more than 1/7 of the class hours: the class is not completed."),
            )
        else:
            ledger_withdraw(
                actor=actor,
                cadre=cadre,
                source=Source.SESSION,
                source_id=session.pk,
                reason=str(attendance.get_status_display()),
            )


@transaction.atomic
def attendance_set(*, actor, session: Session, cadre, status: str, method: str, reason: str = "") -> Attendance:
    """Record (or correct) one cadre's attendance of a session and recount their hours for the activity.

    A cadre checks themself in by QR; nobody marks or imports their own attendance by hand.
    """
    if method != AttendanceMethod.QR:
        refuse_own(actor, cadre.pk)
    attendance = Attendance.objects.select_for_update().filter(session=session, cadre=cadre).first()
    before = None
    if attendance is None:
        attendance = Attendance(session=session, cadre=cadre)
    else:
        before = {"status": str(attendance.get_status_display()), "reason": attendance.reason}
    attendance.status, attendance.reason, attendance.method = status, reason, method
    attendance.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    if status == AttendanceStatus.PRESENT and attendance.checked_in_at is None:
        attendance.checked_in_at = timezone.now()
    attendance.full_clean(validate_unique=before is None)
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
    sync_ledger(actor=actor, activity=session.activity, cadre=cadre)
    # The first present (or last present leaving) decides whether the lecture was given.
    lecture_credit_sync(actor=actor, session=session)
    return attendance
