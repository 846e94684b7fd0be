"""Reads for the training pages that span several models: list filters, the calendar, registers and counts."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ganxun.core.params import query_id, query_text
from ganxun.roster.models import Cadre

from . import hooks
from .models import Activity, ActivityQuerySet, AttendanceStatus, Classroom, Enrolment, Session, attendance_rows

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(value: str | None) -> tuple[int, int] | None:
    """'2026-03' -> (2026, 3); anything else -> None."""
    match = _MONTH.match((value or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return year, month


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First day of the month and first day of the next."""
    first = dt.date(year, month, 1)
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return first, following


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def filter_activities(queryset: ActivityQuerySet, params: Mapping[str, str]) -> ActivityQuerySet:
    """Narrow a visibility-scoped activity queryset by the list's parameters.

    classroom, kind, topic, month (YYYY-MM: a session in that month), organiser, q (title, place, description).
    Values that make no sense are ignored, so a stale link still shows a list.
    """
    if (classroom := params.get("classroom")) in Classroom.values:
        queryset = queryset.filter(kind__classroom=classroom)
    if (kind := query_id(params, "kind")) is not None:
        queryset = queryset.filter(kind_id=kind)
    if (topic := query_id(params, "topic")) is not None:
        queryset = queryset.filter(topic_id=topic)
    if (organiser := query_id(params, "organiser")) is not None:
        queryset = queryset.filter(organiser_id=organiser)
    if (month := parse_month(params.get("month"))) is not None:
        first, following = month_bounds(*month)
        in_month = Session.objects.filter(date__gte=first, date__lt=following).values("activity_id")
        queryset = queryset.filter(pk__in=in_month)
    text = query_text(params, "q")
    if text:
        queryset = queryset.filter(Q(title__icontains=text) | Q(place__icontains=text) | Q(description__icontains=text))
    return queryset


def with_figures(queryset: ActivityQuerySet) -> ActivityQuerySet:
    """Each activity with its first and last day, number of sessions, total 学时 and number enrolled."""
    enrolled = (
        Enrolment.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        first_date=Min("sessions__date"),
        last_date=Max("sessions__date"),
        session_count=Count("sessions"),
        total_hours=Sum("sessions__hours"),
        enrolled_count=Coalesce(Subquery(enrolled, output_field=IntegerField()), Value(0)),
    )


@dataclasses.dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    is_today: bool
    sessions: list[Session]

    @property
    def weekday(self) -> int:
        return self.date.weekday()


def month_calendar(sessions: Iterable[Session], year: int, month: int, today: dt.date) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with its sessions in time order."""
    by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_day[session.date].append(session)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[CalendarDay(day, day.month == month, day == today, by_day.get(day, [])) for day in week] for week in weeks]


def attendance_counts(session_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{session id: {present: n, absent: n, leave: n}} in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(AttendanceStatus.values, 0))
    rows = (
        attendance_rows()
        .filter(session_id__in=list(session_ids))
        .order_by()
        .values("session_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["session_id"]][row["status"]] = row["n"]
    return counts


def enrolment_by_section(activity: Activity) -> list[dict[str, Any]]:
    """How many are enrolled from each 科室 (the section they were in when enrolled)."""
    return list(
        Enrolment.objects.filter(activity=activity)
        .order_by()
        .values("section_id", "section__name", "section__sort_order")
        .annotate(n=Count("pk"))
        .order_by("section__sort_order", "section__name")
    )


def evaluation_averages(sessions: list[Session]) -> dict[int, Any] | None:
    """Averages per session from the attendance app's evaluations (``hooks.evaluation_averages``), or None
    without it: ``{session id: {"content", "delivery", "usefulness", "count"}}``.
    """
    return hooks.evaluation_averages(sessions)


@dataclasses.dataclass
class Register:
    """应到 / 实到 / 缺席 / 请假 of a session, computed from enrolments and attendance.

    缺席 and 请假 are counted apart: leave is excused and has a reason; the register shows both.
    """

    expected: int  # 应到: enrolled
    present: int  # 实到
    absent: int  # 缺席: absent without leave
    leave: int  # 请假: on leave
    absences: list[Any]  # attendance.Attendance: the absences and leaves the user may see, with their reasons
    unrecorded: int  # enrolled without an attendance row yet


def session_register(session: Session, user) -> Register:
    """The register of one session; the names listed are those the user may see."""
    expected = Enrolment.objects.filter(activity_id=session.activity_id).count()
    counts = attendance_counts([session.pk])[session.pk]
    visible = Cadre.objects.visible_to(user).values("pk")
    absences = list(
        session.attendances.filter(status__in=[AttendanceStatus.ABSENT, AttendanceStatus.LEAVE])
        .filter(cadre__in=visible)
        .select_related("cadre", "cadre__section")
        .order_by("cadre__section__sort_order", "cadre__name")
    )
    recorded_enrolled = session.attendances.filter(cadre__enrolments__activity_id=session.activity_id).count()
    return Register(
        expected=expected,
        present=counts[AttendanceStatus.PRESENT],
        absent=counts[AttendanceStatus.ABSENT],
        leave=counts[AttendanceStatus.LEAVE],
        absences=absences,
        unrecorded=max(expected - recorded_enrolled, 0),
    )
