"""Reading evaluations: averages per session and per lecturer, and what a cadre still has to evaluate.

Averages are of the individual evaluations (1–5), rounded to two decimals; None when there are none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ganxun.training.models import Activity, AttendanceStatus, Lecturer, Session

from .models import Attendance, Evaluation

SCORES = ("content", "delivery", "usefulness")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def session_averages(sessions: Iterable[Session | int]) -> dict[int, dict[str, Any]]:
    """{session id: {content, delivery, usefulness, count}} for every session given, in one query.

    A session nobody has evaluated yet has count 0 and None for the averages.
    """
    ids = [s if isinstance(s, int) else s.pk for s in sessions]
    result: dict[int, dict[str, Any]] = {
        pk: {"content": None, "delivery": None, "usefulness": None, "count": 0} for pk in ids
    }
    if not ids:
        return result
    rows = (
        Evaluation.objects.filter(session_id__in=ids)
        .order_by()
        .values("session_id")
        .annotate(**{f"avg_{s}": Avg(s) for s in SCORES}, n=Count("pk"))
    )
    for row in rows:
        result[row["session_id"]] = {
            **{score: _rounded(row[f"avg_{score}"]) for score in SCORES},
            "count": row["n"],
        }
    return result


@dataclass(frozen=True)
class LecturerScores:
    """The averages of every evaluation of the sessions of a lecturer's activities."""

    name: str
    cadre_id: int | None
    activities: int
    sessions: int
    count: int
    content: float | None
    delivery: float | None
    usefulness: float | None

    @property
    def overall(self) -> float | None:
        scores = [s for s in (self.content, self.delivery, self.usefulness) if s is not None]
        return round(sum(scores) / len(scores), 2) if scores else None


def lecturer_averages(*, year: int | None = None, activities: QuerySet[Activity] | None = None) -> list[LecturerScores]:
    """Per lecturer (a roster cadre across all their activities, or an outside name), best first.

    ``year`` keeps the sessions held that year; ``activities`` limits to those activities.
    """
    lecturers = Lecturer.objects.all()
    in_scope = Q()
    if activities is not None:
        lecturers = lecturers.filter(activity__in=activities.values("pk"))
    if year is not None:
        lecturers = lecturers.filter(activity__in=Activity.objects.filter(sessions__date__year=year).values("pk"))
        in_scope = Q(activity__sessions__date__year=year)
    path = "activity__sessions__evaluations"
    rows = (
        lecturers.order_by()
        .values("cadre_id", "cadre__name", "outside_name")
        .annotate(
            **{f"avg_{s}": Avg(f"{path}__{s}", filter=in_scope) for s in SCORES},
            n=Count(f"{path}__pk", filter=in_scope),
            n_activities=Count("activity", distinct=True),
            n_sessions=Count(f"{path}__session", filter=in_scope, distinct=True),
        )
    )
    scores = [
        LecturerScores(
            name=row["cadre__name"] or row["outside_name"],
            cadre_id=row["cadre_id"],
            activities=row["n_activities"],
            sessions=row["n_sessions"],
            count=row["n"],
            **{s: _rounded(row[f"avg_{s}"]) for s in SCORES},
        )
        for row in rows
    ]
    return sorted(scores, key=lambda s: (s.overall is None, -(s.overall or 0), -s.count, s.name))


def evaluations_due(cadre, at: dt.datetime | None = None) -> QuerySet[Session]:
    """Sessions the cadre attended whose evaluation is open and that they have not evaluated yet."""
    at = at or timezone.now()
    attended = Attendance.objects.filter(session=OuterRef("pk"), cadre=cadre, status=AttendanceStatus.PRESENT)
    evaluated = Evaluation.objects.filter(session=OuterRef("pk"), cadre=cadre)
    return (
        Session.objects.filter(evaluation_closes_at__gt=at)
        .filter(Exists(attended))
        .exclude(Exists(evaluated))
        .select_related("activity")
        .order_by("evaluation_closes_at", "pk")
    )
