"""QR check-in: the rules a scan must pass, and the one write it makes.

A check-in is idempotent: one attendance row per cadre per session (a database constraint), a second
scan writes nothing and says when the first one was.  Every refusal comes with a message for the
cadre and happens before anything is written; the page then logs it for the admins
(``checkin_refusal_record``), in a transaction of its own.

Everything a check-in only reads is read before its transaction begins: on SQLite the transaction holds
the one write lock that every other phone in the room is waiting for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganxun.audit.models import Action, AuditEvent
from ganxun.audit.services import audit_record
from ganxun.training.models import AttendanceMethod, AttendanceStatus, Enrolment, Session

from ..checkin import TokenError, TokenProblem, check_token, read_token, unsign_token
from ..models import Attendance
from .attendance import attendance_set


class Refusal(StrEnum):
    FORGED = "forged"
    EXPIRED = "expired"
    OTHER_SESSION = "other_session"
    NO_CADRE = "no_cadre"
    TOO_EARLY = "too_early"
    CLOSED = "closed"
    NOT_ENROLLED = "not_enrolled"


# What the audit trail says of each refusal, for the admins (the cadre reads the longer message).
REFUSAL_LABELS = {
    Refusal.FORGED: gettext_lazy("invalid code (forged, garbled or of a deleted session)"),
    Refusal.EXPIRED: gettext_lazy("expired code"),
    Refusal.OTHER_SESSION: gettext_lazy("code of another session"),
    Refusal.NO_CADRE: gettext_lazy("account not linked to a cadre"),
    Refusal.TOO_EARLY: gettext_lazy("before check-in opened"),
    Refusal.CLOSED: gettext_lazy("after check-in closed"),
    Refusal.NOT_ENROLLED: gettext_lazy("not enrolled"),
}
# A refusal is logged at most once in this many seconds per person (account, or address when not logged in),
# reason and session: a phone retrying, or a script posting bad codes, cannot flood the trail or the lock.
REFUSAL_LOG_SECONDS = 60


class CheckinRefused(Exception):
    """Why a check-in cannot be made; ``message`` is for the cadre, ``session`` the one it was for, if known."""

    def __init__(self, reason: Refusal, message: str, session: Session | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.session = session


@dataclass(frozen=True)
class CheckinPlan:
    """What a check-in would do, found without writing: nothing (already in), check in, or enrol and check in."""

    cadre: object
    attendance: Attendance | None  # the cadre's row for the session, if there is one
    walk_in: bool

    @property
    def already(self) -> bool:
        return self.attendance is not None and self.attendance.status == AttendanceStatus.PRESENT


@dataclass(frozen=True)
class CheckinOutcome:
    attendance: Attendance
    already: bool  # checked in before: nothing was written
    walk_in: bool = False


def _minutes(key: str, default: int) -> dt.timedelta:
    return dt.timedelta(minutes=int(settings.GANXUN.get(key, default)))


def checkin_window(session: Session) -> tuple[dt.datetime, dt.datetime]:
    """When check-in opens and closes for a session (by default 30 minutes before the start to the end)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(session.date, session.start_time), zone)
    end = timezone.make_aware(dt.datetime.combine(session.date, session.end_time), zone)
    return start - _minutes("CHECKIN_OPENS_MINUTES_BEFORE", 30), end + _minutes("CHECKIN_CLOSES_MINUTES_AFTER", 0)


def _token_refusal(problem: TokenProblem, session: Session | None = None) -> CheckinRefused:
    messages = {
        TokenProblem.FORGED: _(
            "This check-in code is not valid. Please scan the QR code on the screen in the room again."
        ),
        TokenProblem.EXPIRED: _(
            "This check-in code has expired (the code on the screen changes every few seconds). "
            "Please scan the QR code on the screen again."
        ),
        TokenProblem.OTHER_SESSION: _(
            "This check-in code belongs to another session. Please scan the QR code shown for this session."
        ),
    }
    return CheckinRefused(Refusal(problem.value), messages[problem], session)


def _session(pk: int) -> Session | None:
    return Session.objects.select_related("activity", "activity__kind").filter(pk=pk).first()


def checkin_session_for_token(token: str, *, at: float | None = None) -> Session:
    """The session a scanned token is for; refused when the token is forged, garbled or expired.

    The refusal of an expired code names its session (the signature vouches for it): the scan may have been
    made in time, and the log says which session was refused.
    """
    try:
        parsed = read_token(token, at)
    except TokenError as exc:
        session = _session(unsign_token(token).session_id) if exc.problem == TokenProblem.EXPIRED else None
        raise _token_refusal(exc.problem, session) from None
    session = _session(parsed.session_id)
    if session is None:  # signed by us, but the session has since been deleted
        raise _token_refusal(TokenProblem.FORGED)
    return session


def checkin_check_token(token: str, *, session: Session, at: float | None = None) -> None:
    """Refuse a token that is forged, expired, or of another session than the one being checked into."""
    try:
        check_token(token, session.pk, at)
    except TokenError as exc:
        raise _token_refusal(exc.problem, session) from None


def _local(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def checkin_plan(*, user, session: Session, at: dt.datetime | None = None) -> CheckinPlan:
    """What checking ``user`` into ``session`` at ``at`` would do, or why it cannot be done.  Reads only."""
    at = at or timezone.now()
    if not getattr(user, "cadre_id", None):
        raise CheckinRefused(
            Refusal.NO_CADRE,
            _(
                "Your account is not linked to a cadre in the roster, so it cannot check in. "
                "Please log in with your own cadre account."
            ),
            session,
        )
    cadre = user.cadre
    attendance = Attendance.objects.filter(session=session, cadre=cadre).first()
    plan_walk_in = False
    if attendance is not None and attendance.status == AttendanceStatus.PRESENT:
        return CheckinPlan(cadre, attendance, walk_in=False)
    opens, closes = checkin_window(session)
    if at < opens:
        raise CheckinRefused(
            Refusal.TOO_EARLY,
            _("Check-in has not opened yet: it opens at %(time)s.") % {"time": _local(opens)},
            session,
        )
    if at > closes:
        raise CheckinRefused(
            Refusal.CLOSED,
            _("Check-in for this session closed at %(time)s. Please ask the organiser to record your attendance.")
            % {"time": _local(closes)},
            session,
        )
    if not _enrolled(session, cadre):
        if not session.activity.allow_walk_in:
            raise CheckinRefused(
                Refusal.NOT_ENROLLED,
                _(
                    "You are not enrolled in “%(activity)s”, and this activity does not take walk-ins. "
                    "Please contact the organiser."
                )
                % {"activity": session.activity.title},
                session,
            )
        plan_walk_in = True
    return CheckinPlan(cadre, attendance, walk_in=plan_walk_in)


def _enrol_walk_in(*, actor, session: Session, cadre) -> Enrolment:
    """Enrol a cadre who came without being enrolled, where the activity allows it."""
    with translation.override(settings.LANGUAGE_CODE):
        via = _("Walk-in check-in")
    enrolment = Enrolment(activity=session.activity, cadre=cadre, section_id=cadre.section_id, via=via)
    enrolment.full_clean(validate_unique=False, validate_constraints=False)
    enrolment.save()
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=session.activity,
            before={"enrolment": None},
            after={"enrolment": cadre.name},
            summary=_("%(name)s enrolled by a walk-in check-in") % {"name": cadre.name},
        )
    return enrolment


def _enrolled(session: Session, cadre) -> bool:
    return Enrolment.objects.filter(activity_id=session.activity_id, cadre=cadre).exists()


def _locked_attendance(session: Session, cadre) -> Attendance | None:
    """The cadre's row for the session, locked (on databases that lock rows) until the transaction ends."""
    return Attendance.objects.select_for_update().filter(session=session, cadre=cadre).first()


def _present(session: Session, cadre) -> Attendance | None:
    return Attendance.objects.filter(session=session, cadre=cadre, status=AttendanceStatus.PRESENT).first()


def _checkin_write(*, user, session: Session, plan: CheckinPlan, read_first: bool) -> CheckinOutcome:
    """The write: straight into attendance_set's own transaction, or after reading the cadre's row under lock."""
    present = {"actor": user, "session": session, "cadre": plan.cadre, "status": AttendanceStatus.PRESENT}
    if not read_first:
        return CheckinOutcome(attendance_set(**present, method=AttendanceMethod.QR, current=None), already=False)
    with transaction.atomic():
        current = _locked_attendance(session, plan.cadre)
        if current is not None and current.status == AttendanceStatus.PRESENT:
            return CheckinOutcome(current, already=True)
        walk_in = plan.walk_in and not _enrolled(session, plan.cadre)
        if walk_in:
            _enrol_walk_in(actor=user, session=session, cadre=plan.cadre)
        attendance = attendance_set(**present, method=AttendanceMethod.QR, current=current)
    return CheckinOutcome(attendance, already=False, walk_in=walk_in)


def checkin_record(*, user, session: Session, at: dt.datetime | None = None) -> CheckinOutcome:
    """Check the user's cadre in to the session: present, by QR, with the ledger entry attendance_set writes.

    The rules are checked on what ``checkin_plan`` read before any transaction.  The usual scan (enrolled, no
    row yet) then inserts at once: on SQLite every statement inside the transaction is time the rest of the
    room waits for the write lock.  Two check-ins of the same cadre at the same moment both succeed: the loser
    meets the unique constraint and reports the winner's row as "already checked in".  A row written meanwhile
    by someone else (the sheet, an import), a walk-in or a row already there take the careful way: the cadre's
    row is read again under the lock first.
    """
    plan = checkin_plan(user=user, session=session, at=at)
    if plan.already:
        assert plan.attendance is not None
        return CheckinOutcome(plan.attendance, already=True)
    if plan.attendance is None and not plan.walk_in:
        try:
            return _checkin_write(user=user, session=session, plan=plan, read_first=False)
        except (IntegrityError, ValidationError):
            winner = _present(session, plan.cadre)
            if winner is not None:
                return CheckinOutcome(winner, already=True)
    try:
        return _checkin_write(user=user, session=session, plan=plan, read_first=True)
    except (IntegrityError, ValidationError):
        # A concurrent check-in of the same cadre won the unique constraint (attendance or enrolment).
        winner = _present(session, plan.cadre)
        if winner is None:
            raise
        return CheckinOutcome(winner, already=True)


def _refusal_summary(reason: Refusal, user) -> str:
    """The event's note, in the system's language: the reason, and the cadre's name when there is one."""
    cadre = getattr(user, "cadre", None) if getattr(user, "cadre_id", None) else None
    with translation.override(settings.LANGUAGE_CODE):
        if cadre is not None:
            return _("Check-in of %(name)s refused: %(reason)s") % {
                "name": cadre.name,
                "reason": REFUSAL_LABELS[reason],
            }
        return _("Check-in refused: %(reason)s") % {"reason": REFUSAL_LABELS[reason]}


def _logged_lately(*, actor, session: Session | None, summary: str, ip_address: str | None) -> bool:
    events = AuditEvent.objects.filter(
        action=Action.CHECKIN_REFUSED,
        at__gte=timezone.now() - dt.timedelta(seconds=REFUSAL_LOG_SECONDS),
        object_type="session" if session is not None else "",
        object_id=str(session.pk) if session is not None else "",
        summary=summary,
    )
    events = events.filter(actor=actor) if actor is not None else events.filter(actor=None, ip_address=ip_address)
    return events.exists()


def checkin_refusal_record(
    *, user, reason: Refusal, session: Session | None, ip_address: str | None
) -> AuditEvent | None:
    """Log a refused check-in for the admins: who (the account, or none), why, when, which session, from where.

    Nothing else is written.  The same person, reason and session are logged once per REFUSAL_LOG_SECONDS; the
    check is made before the write transaction so that a flood of bad requests costs one read each, not a
    turn at the write lock, and again inside it: on SQLite, where writers queue, two requests at once cannot
    both write (on PostgreSQL two in the same instant may, which a flood guard can bear).
    """
    actor = user if getattr(user, "is_authenticated", False) else None
    summary = _refusal_summary(reason, actor)
    lately = {"actor": actor, "session": session, "summary": summary, "ip_address": ip_address}
    if _logged_lately(**lately):
        return None
    with transaction.atomic():
        if _logged_lately(**lately):
            return None
        with translation.override(settings.LANGUAGE_CODE):
            anonymous = _("not logged in")
        return audit_record(
            actor=actor,
            action=Action.CHECKIN_REFUSED,
            obj=session,
            summary=summary,
            ip_address=ip_address,
            actor_name="" if actor is not None else anonymous,
        )


def checkin_refusals(session: Session) -> int:
    """How many refused check-ins were logged for a session."""
    return AuditEvent.objects.filter(
        action=Action.CHECKIN_REFUSED, object_type="session", object_id=str(session.pk)
    ).count()
