"""The 学时 part of the home page: the reports waiting for this user's decision or review, and who is behind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from ganxun.core.home import SHOWN
from ganxun.roster.models import Cadre

from .models import LedgerEntry
from .queries import OFF_TRACK_STANDINGS, compliance, decision_queue, section_review_queue


def _reports(queue: QuerySet[LedgerEntry]) -> dict[str, Any]:
    """The first reports of a review queue and how many there are (two queries)."""
    return {"count": queue.count(), "first": list(queue[:SHOWN])}


def _off_track(cadres: QuerySet[Cadre], year: int) -> dict[str, Any]:
    """The cadres behind schedule or past a deadline unmet, this year (the compliance's constant queries)."""
    report = compliance(year=year, cadres=cadres)
    rows = [row for row in report.rows if row.standing in OFF_TRACK_STANDINGS]
    return {"count": len(rows), "first": rows[:SHOWN], "cadres": len(report.rows)}


def hours_waiting(user, today: dt.date) -> dict[str, Any]:
    """An administrator's decisions, or a section head's first reviews; the cadres behind in their scope."""
    if user.is_admin:
        return {
            "decisions": _reports(decision_queue(user)),
            "off_track": _off_track(Cadre.objects.visible_to(user).active(), today.year),
        }
    section = Cadre.objects.visible_to(user).active().filter(section_id=user.section_id_scope)
    return {
        "reviews": _reports(section_review_queue(user)),
        "off_track": _off_track(section, today.year),
    }
