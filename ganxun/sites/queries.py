"""Reads of 现场教学: the activities held at sites with their date (first session), sessions, people attended and
学时, each figure a subquery so that no join multiplies another; per-year counts of a site."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ganxun.attendance.models import Attendance
from ganxun.training.models import AttendanceStatus, Session

from .models import Site, SiteActivity


def links_with_figures() -> QuerySet[SiteActivity]:
    """Every link with ``first_day`` (the activity's first session), ``sessions``, ``attended`` (distinct cadres
    present at any of its sessions) and ``hours`` (the sessions' 学时 summed)."""
    sessions = Session.objects.filter(activity_id=OuterRef("activity_id")).order_by()
    attended = (
        Attendance.objects.filter(session__activity_id=OuterRef("activity_id"), status=AttendanceStatus.PRESENT)
        .order_by()
        .values("session__activity_id")
        .annotate(n=Count("cadre_id", distinct=True))
        .values("n")
    )
    return SiteActivity.objects.annotate(
        first_day=Subquery(sessions.order_by("date").values("date")[:1]),
        sessions=Coalesce(
            Subquery(sessions.values("activity_id").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            Value(0),
        ),
        attended=Coalesce(Subquery(attended, output_field=IntegerField()), Value(0)),
        hours=Coalesce(
            Subquery(
                sessions.values("activity_id").annotate(h=Sum("hours")).values("h"),
                output_field=DecimalField(max_digits=8, decimal_places=1),
            ),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=8, decimal_places=1),
        ),
    )


def site_list(sites: QuerySet[Site], year: int | None) -> QuerySet[Site]:
    """Sites with ``activities`` (held in ``year`` if given, else ever) and ``last_day`` (the latest activity's
    date); with a year, only the sites that held an activity that year."""
    first_day = Session.objects.filter(activity_id=OuterRef("activity_id")).order_by("date").values("date")[:1]
    links = SiteActivity.objects.annotate(first_day=Subquery(first_day))
    if year:
        links = links.filter(first_day__year=year)
    of_site = links.filter(site_id=OuterRef("pk")).order_by().values("site_id")
    sites = sites.annotate(
        activities=Coalesce(Subquery(of_site.annotate(n=Count("pk")).values("n")), Value(0)),
        last_day=Subquery(of_site.annotate(d=Max("first_day")).values("d")),
    )
    return sites.filter(activities__gt=0) if year else sites


@dataclasses.dataclass
class Year:
    year: int | None  # None: activities with no session yet
    activities: int = 0
    sessions: int = 0
    attended: int = 0  # person-activities: a cadre present at two activities counts twice
    hours: Decimal = Decimal(0)


def per_year(links: list[SiteActivity]) -> list[Year]:
    """The site's figures per year of the activities' first sessions, latest year first."""
    years: dict[int | None, Year] = {}
    for link in links:
        key = link.first_day.year if link.first_day else None
        row = years.setdefault(key, Year(key))
        row.activities += 1
        row.sessions += link.sessions
        row.attended += link.attended
        row.hours += link.hours
    return sorted(years.values(), key=lambda y: -(y.year or 9999))
