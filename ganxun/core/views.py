"""The home page: for each role, what waits for them today, with links; and the health check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganxun.hours.models import LedgerEntry
from ganxun.hours.queries import OFF_TRACK_STANDINGS, compliance, decision_queue, section_review_queue
from ganxun.roster.models import Cadre, DerivedGroup, Section, Status
from ganxun.training.models import Activity, Attendance, AttendanceStatus, Enrolment, Session

# How much of each list the home page shows; the rest is one click away on the list's own page.
SHOWN = 5
# Evaluations closing within this many days are worth a reminder.
CLOSING_DAYS = 3
# Sessions held this many days back and still without any attendance are listed as waiting for it.
UNRECORDED_DAYS = 14


def _reports(queue: QuerySet[LedgerEntry]) -> dict[str, Any]:
    """The first reports of a review queue and how many there are (two queries)."""
    return {"count": queue.count(), "first": list(queue[:SHOWN])}


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


def _off_track(cadres: QuerySet[Cadre], year: int) -> dict[str, Any]:
    """The cadres behind schedule or past a deadline unmet, this year (the compliance's constant queries)."""
    report = compliance(year=year, cadres=cadres)
    rows = [row for row in report.rows if row.standing in OFF_TRACK_STANDINGS]
    return {"count": len(rows), "first": rows[:SHOWN], "cadres": len(report.rows)}


def _roster_glance(user) -> dict[str, Any]:
    cadres = Cadre.objects.visible_to(user).active()
    totals = cadres.aggregate(
        total=Count("pk"),
        party=Count("pk", filter=Q(political_status__in=["cpc_member", "cpc_probationary"])),
    )
    groups = [
        (DerivedGroup(g).label, g, cadres.in_group(g).count())
        for g in (DerivedGroup.LEADER, DerivedGroup.NEW_RECRUIT, DerivedGroup.YOUNG, DerivedGroup.PARTY_MEMBER)
    ]
    sections = (
        Section.objects.visible_to(user)
        .filter(is_active=True)
        .annotate(n=Count("cadres", filter=Q(cadres__status=Status.ACTIVE)))
        .order_by("sort_order", "name")
    )
    return {"totals": totals, "groups": groups, "sections": sections}


def _admin_waiting(user, today: dt.date) -> dict[str, Any]:
    """A training administrator's day: decisions, sessions, evaluations closing, attendance to record, people behind."""
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
        "decisions": _reports(decision_queue(user)),
        "closing": list(closing[:SHOWN]),
        "unrecorded": {"count": unrecorded.count(), "first": list(unrecorded[:SHOWN])},
        "off_track": _off_track(Cadre.objects.visible_to(user).active(), today.year),
    }


def _head_waiting(user, today: dt.date) -> dict[str, Any]:
    """A section head's day: first reviews, the 科室's cadres behind."""
    section = Cadre.objects.visible_to(user).active().filter(section_id=user.section_id_scope)
    return {
        "reviews": _reports(section_review_queue(user)),
        "off_track": _off_track(section, today.year),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What waits for this user: an administrator's or section head's work, with links; a cadre goes to 我的学习."""
    user = request.user
    if not (user.is_admin or user.is_section_head):
        if user.cadre_id:
            return redirect("hours:my_learning")
        return render(request, "core/home.html", {})
    today = timezone.localdate()
    context: dict[str, Any] = {
        "today": today,
        "year": today.year,
        "sessions_today": _sessions_today(user, today, None if user.is_admin else user.section_id_scope),
        "closing_days": CLOSING_DAYS,
        "unrecorded_days": UNRECORDED_DAYS,
    }
    if user.is_admin:
        context.update(_admin_waiting(user, today))
    else:
        context.update(_head_waiting(user, today))
    context.update(_roster_glance(user))
    return render(request, "core/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
