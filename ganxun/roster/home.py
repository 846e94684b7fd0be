"""The roster's part of the home page: the cadres in post, by derived group and 科室."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from .models import Cadre, DerivedGroup, Section, Status


def roster_glance(user, today: dt.date) -> dict[str, Any]:
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
