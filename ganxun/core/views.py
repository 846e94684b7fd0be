"""The home page: for each role, what waits for them today, with links; and the health check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .home import cadre_home_parts, home_parts


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What waits for this user: an administrator's or section head's work, with links; a cadre goes to 我的学习."""
    user = request.user
    today = timezone.localdate()
    if not (user.is_admin or user.is_section_head):
        if user.cadre_id:
            parts = cadre_home_parts.collect(user, today)  # a 领导干部's charts (dashboard)
            if not parts:
                return redirect("hours:my_learning")
            return render(request, "core/home.html", {"today": today, "year": today.year, **parts})
        return render(request, "core/home.html", {})
    context: dict[str, Any] = {"today": today, "year": today.year}
    context.update(home_parts.collect(user, today))  # each app's part: see core/home.py
    return render(request, "core/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
