"""The charts' data endpoints (JSON, one per chart) and a cadre's own chart page; the home page's part is home.py."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .charts import Board, chart
from .scope import Scope, scope_for

# The charts each scope may read: a cadre only their own 学时; the plan and the units below are a unit's.
ALLOWED = {
    "cadre": {"hours"},
    "section": {"hours", "activities", "sections", "tiers", "online"},
    "unit": {"hours", "activities", "sections", "tiers", "online", "plan", "units"},
}


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _board(request: HttpRequest, key: str) -> Board:
    scope = scope_for(request.user)
    if scope is None or key not in ALLOWED[scope.kind]:
        raise PermissionDenied
    return Board(scope, _year(request), timezone.localdate())


def _endpoint(key: str):
    @require_GET
    def view(request: HttpRequest) -> JsonResponse:
        board = _board(request, key)
        found = chart(board, key)
        return JsonResponse({"year": board.year, "chart": found.as_dict() if found is not None else None})

    view.__name__ = f"{key}_data"
    view.__doc__ = f"The {key} chart's numbers as JSON (?year=)."
    return view


hours_data = _endpoint("hours")
activities_data = _endpoint("activities")
sections_data = _endpoint("sections")
tiers_data = _endpoint("tiers")
online_data = _endpoint("online")
plan_data = _endpoint("plan")
units_data = _endpoint("units")


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """A cadre's own 学时 of the year by month and category against the year's requirement."""
    user = request.user
    if user.cadre_id is None:
        raise PermissionDenied
    board = Board(Scope("cadre", user, cadre_id=user.cadre_id), _year(request), timezone.localdate())
    return render(request, "dashboard/mine.html", {"dashboard": [board.hours()], "year": board.year})
