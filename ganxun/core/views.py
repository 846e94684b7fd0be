from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ganxun.roster.models import Cadre, DerivedGroup, Section, Status


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Admins and section heads see the roster at a glance; a cadre goes to 我的学习."""
    user = request.user
    if not (user.is_admin or user.is_section_head):
        if user.cadre_id:
            return redirect("hours:my_learning")
        return render(request, "core/home.html", {})
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
    return render(request, "core/home.html", {"totals": totals, "groups": groups, "sections": sections})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
