"""A cadre's evaluation of a session they attended: once, while the evaluation is open."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ganxun.training.models import AttendanceStatus, Session

from ..models import Attendance, Evaluation


class EvaluationProblem(StrEnum):
    NO_CADRE = "no_cadre"
    NOT_OPEN = "not_open"  # this session takes no evaluation
    CLOSED = "closed"
    NOT_ATTENDED = "not_attended"
    ALREADY = "already"


class EvaluationRefused(Exception):
    """Why a cadre cannot evaluate a session; ``message`` is for them."""

    def __init__(self, problem: EvaluationProblem, message: str):
        super().__init__(message)
        self.problem = problem
        self.message = message


def _already(evaluation: Evaluation) -> EvaluationRefused:
    when = formats.date_format(timezone.localtime(evaluation.submitted_at), "Y-m-d H:i")
    return EvaluationRefused(
        EvaluationProblem.ALREADY,
        _("You evaluated this session at %(time)s; an evaluation can be submitted only once.") % {"time": when},
    )


def evaluation_check(*, user, session: Session, at: dt.datetime | None = None) -> None:
    """Refuse unless the user's cadre attended the session, has not evaluated it, and it is still open."""
    at = at or timezone.now()
    if not getattr(user, "cadre_id", None):
        raise EvaluationRefused(
            EvaluationProblem.NO_CADRE, _("Your account is not linked to a cadre, so it cannot evaluate sessions.")
        )
    if session.evaluation_closes_at is None:
        raise EvaluationRefused(EvaluationProblem.NOT_OPEN, _("This session has no evaluation."))
    existing = Evaluation.objects.filter(session=session, cadre_id=user.cadre_id).first()
    if existing is not None:
        raise _already(existing)
    if at >= session.evaluation_closes_at:
        when = formats.date_format(timezone.localtime(session.evaluation_closes_at), "Y-m-d H:i")
        raise EvaluationRefused(
            EvaluationProblem.CLOSED, _("The evaluation of this session closed at %(time)s.") % {"time": when}
        )
    attended = Attendance.objects.filter(
        session=session, cadre_id=user.cadre_id, status=AttendanceStatus.PRESENT
    ).exists()
    if not attended:
        raise EvaluationRefused(
            EvaluationProblem.NOT_ATTENDED, _("Only those who attended this session can evaluate it.")
        )


def evaluation_submit(
    *,
    user,
    session: Session,
    content: int,
    delivery: int,
    usefulness: int,
    comment: str = "",
    anonymous: bool = True,
    at: dt.datetime | None = None,
) -> Evaluation:
    """Record the cadre's scores (1–5) and comment; a second submission is refused, by the database if need be."""
    evaluation_check(user=user, session=session, at=at)
    evaluation = Evaluation(
        session=session,
        cadre_id=user.cadre_id,
        content=content,
        delivery=delivery,
        usefulness=usefulness,
        comment=comment.strip(),
        anonymous=anonymous,
    )
    evaluation.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        existing = Evaluation.objects.filter(session=session, cadre_id=user.cadre_id).first()
        if existing is None:
            raise
        raise _already(existing) from None
    return evaluation
