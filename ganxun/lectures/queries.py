"""Reads spanning training and attendance: a lecturer's lectures and evaluations by year, a year's lectures by
topic module."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Min, Q, QuerySet

from ganxun.attendance.models import Evaluation
from ganxun.training.models import Activity, Lecturer, Session, TopicModule

from .models import LecturerProfile, ScheduledLecture


def lecturer_rows(profile: LecturerProfile) -> QuerySet[Lecturer]:
    """training's lecturer rows of this pool member: their cadre's, or an outside lecturer's by name."""
    if profile.cadre_id:
        rows = Lecturer.objects.filter(cadre_id=profile.cadre_id)
    else:
        rows = Lecturer.objects.filter(cadre__isnull=True, outside_name=profile.outside_name)
    return rows.filter(activity__unit_id=profile.unit_id)


def taught_sessions(profile: LecturerProfile) -> QuerySet[Session]:
    """The sittings they taught: those recorded per sitting, else every sitting of an activity they lectured in."""
    rows = lecturer_rows(profile)
    recorded = Q(lecturer_links__lecturer__in=rows)
    unrecorded = Q(activity__lecturers__in=rows.filter(session_links__isnull=True))
    return Session.objects.filter(pk__in=Session.objects.filter(recorded | unrecorded).values("pk"))


@dataclass
class Given:
    activity: Activity
    first: object
    sessions: int


@dataclass
class YearOfLectures:
    year: int
    given: list[Given] = field(default_factory=list)
    evaluations: int = 0
    content: Decimal | None = None
    delivery: Decimal | None = None
    usefulness: Decimal | None = None


def _mean(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def lectures_by_year(profile: LecturerProfile) -> list[YearOfLectures]:
    """Newest year first: the activities they taught (with the first sitting and how many) and the mean scores of
    the evaluations of their sittings."""
    sessions = taught_sessions(profile)
    per_activity = (
        sessions.values("activity_id", "date__year").annotate(first=Min("date"), count=Count("pk")).order_by("first")
    )
    activities = Activity.objects.in_bulk({row["activity_id"] for row in per_activity})
    years: dict[int, YearOfLectures] = {}
    for row in per_activity:
        year = years.setdefault(row["date__year"], YearOfLectures(row["date__year"]))
        year.given.append(Given(activities[row["activity_id"]], row["first"], row["count"]))
    scores = (
        Evaluation.objects.filter(session__in=sessions)
        .values("session__date__year")
        .annotate(n=Count("pk"), c=Avg("content"), d=Avg("delivery"), u=Avg("usefulness"))
    )
    for row in scores:
        year = years.setdefault(row["session__date__year"], YearOfLectures(row["session__date__year"]))
        year.evaluations = row["n"]
        year.content, year.delivery, year.usefulness = _mean(row["c"]), _mean(row["d"]), _mean(row["u"])
    return [years[y] for y in sorted(years, reverse=True)]


@dataclass
class TopicYear:
    topic: TopicModule
    scheduled: list[ScheduledLecture] = field(default_factory=list)
    held: list[Activity] = field(default_factory=list)


def topics_of_year(
    *, year: int, scheduled: QuerySet[ScheduledLecture], activities: QuerySet[Activity]
) -> list[TopicYear]:
    """Every topic module (in use, or with lectures that year) with the year's scheduled lectures and the
    activities of that module held in the year (a sitting in it)."""
    held = (
        activities.filter(topic__isnull=False, sessions__date__year=year)
        .distinct()
        .select_related("topic")
        .order_by("pk")
    )
    by_topic: dict[int, TopicYear] = {}
    for topic in TopicModule.objects.order_by("sort_order", "name"):
        by_topic[topic.pk] = TopicYear(topic)
    for lecture in scheduled.filter(year=year, topic__isnull=False).prefetch_related("lecturers__cadre"):
        by_topic[lecture.topic_id].scheduled.append(lecture)
    for activity in held:
        by_topic[activity.topic_id].held.append(activity)
    grouped = defaultdict(list)
    for entry in by_topic.values():
        if entry.topic.is_active or entry.scheduled or entry.held:
            grouped[0].append(entry)
    return grouped[0]
