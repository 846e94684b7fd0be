"""The sessions' part of the home page: today's sessions with who came, evaluations closing, attendance to record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from ganxun.core.home import SHOWN
from ganxun.training.models import Activity, AttendanceStatus, Enrolment, Session

from .models import Attendance

# Evaluations closing within this many days are worth a reminder.
CLOSING_DAYS = 3
# Sessions held this many days back and still without any attendance are listed as waiting for it.
UNRECORDED_DAYS = 14


def _sessions_today(user, today: dt.date, section_id: int | None = None) -> list[Session]:
    """Today's sessions the user may see, with who is enrolled and checked in (of ``section_id`` if given).

    One query: the counts are annotated, not fetched per session.
    """
    visible = Activity.objects.visible_to(user).values("pk")
    enrolled = Q(activity__enrolments__cadre__section_id=section_id) if section_id else Q()
    present = Q(attendances__status=AttendanceStatus.PRESENT)
    if section_id:
        present &= Q(attendances__cadre__section_id=section_id)
    return list(
        Session.objects.filter(date=today, activity__in=visible)
        .select_related("activity", "activity__kind")
        .annotate(
            enrolled=Count("activity__enrolments", filter=enrolled, distinct=True),
            present=Count("attendances", filter=present, distinct=True),
        )
        .order_by("start_time", "pk")
    )


def _admin_waiting(user, today: dt.date) -> dict[str, Any]:
    """A training administrator's sessions: evaluations closing, attendance to record."""
    now = timezone.now()
    visible = Activity.objects.visible_to(user).values("pk")
    closing = (
        Session.objects.filter(
            activity__in=visible,
            evaluation_closes_at__gt=now,
            evaluation_closes_at__lte=now + dt.timedelta(days=CLOSING_DAYS),
        )
        .select_related("activity")
        .annotate(
            evaluated=Count("evaluations", distinct=True),
            present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT), distinct=True),
        )
        .order_by("evaluation_closes_at", "pk")
    )
    recorded = Attendance.objects.filter(session=OuterRef("pk"))
    enrolled = Enrolment.objects.filter(activity=OuterRef("activity"))
    unrecorded = (
        Session.objects.filter(
            activity__in=visible, date__lt=today, date__gte=today - dt.timedelta(days=UNRECORDED_DAYS)
        )
        .filter(Exists(enrolled))
        .exclude(Exists(recorded))
        .select_related("activity")
        .order_by("-date", "-start_time", "-pk")
    )
    return {
        "closing": list(closing[:SHOWN]),
        "unrecorded": {"count": unrecorded.count(), "first": list(unrecorded[:SHOWN])},
    }


def sessions_waiting(user, today: dt.date) -> dict[str, Any]:
    context: dict[str, Any] = {
        "sessions_today": _sessions_today(user, today, None if user.is_admin else user.section_id_scope),
        "closing_days": CLOSING_DAYS,
        "unrecorded_days": UNRECORDED_DAYS,
    }
    if user.is_admin:
        context.update(_admin_waiting(user, today))
    return context
