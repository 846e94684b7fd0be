"""The sessions' part of 我的学习 (hours' page, through ``hours.hooks``): what is coming up, what to evaluate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ganxun.training.models import AttendanceStatus, Session

from .models import Attendance, Evaluation

UPCOMING_DAYS = 30
# The evaluation page of the attendance app, under the names it has had.
EVALUATION_URL_NAMES = ("attendance:session_evaluate", "attendance:evaluation_create")


def evaluation_url(session_pk: int) -> str | None:
    for name in EVALUATION_URL_NAMES:
        try:
            return reverse(name, args=[session_pk])
        except NoReverseMatch:
            continue
    return None


def sessions_of(cadre, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    upcoming = (
        Session.objects.filter(
            activity__enrolments__cadre=cadre, date__gte=today, date__lte=today + dt.timedelta(days=UPCOMING_DAYS)
        )
        .select_related("activity", "activity__kind")
        .order_by("date", "start_time", "pk")
    )
    upcoming = list(upcoming)
    # The cadre's own attendance of those sessions: a check-in already made is said, not asked for again.
    attendance = {
        a.session_id: a
        for a in Attendance.objects.filter(cadre=cadre, session__in=[s.pk for s in upcoming if s.date == today])
    }
    clock = timezone.localtime(now)

    def ended(session: Session) -> bool:
        return session.date < clock.date() or (session.date == clock.date() and session.end_time <= clock.time())

    evaluated = Evaluation.objects.filter(session=OuterRef("pk"), cadre=cadre)
    to_evaluate = (
        Session.objects.filter(
            attendances__cadre=cadre,
            attendances__status=AttendanceStatus.PRESENT,
            evaluation_closes_at__gt=now,
        )
        .exclude(Exists(evaluated))
        .select_related("activity")
        .order_by("evaluation_closes_at", "pk")
    )
    return {
        "upcoming": [(session, attendance.get(session.pk), ended(session)) for session in upcoming],
        "to_evaluate": [(session, evaluation_url(session.pk)) for session in to_evaluate],
    }


def session_activities(ids) -> dict[int, tuple[int, str]]:
    """{session id: (activity id, activity title)} (one query)."""
    rows = Session.objects.filter(pk__in=ids).values_list("pk", "activity_id", "activity__title")
    return {pk: (activity_id, title) for pk, activity_id, title in rows}
