"""The nominations part of a plan's execution (``plans.hooks.nomination_execution``): for each 调训 item, the
classes linked to it and the plan's unit's nominations in them the higher unit confirmed and those completed.
Two queries whatever the plan holds (none more when no class is linked)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q

from ganxun.plans.hooks import NominationsDone
from ganxun.roster.models import Unit

from .models import Nomination, NominationStatus, PlanItemLink, Result


def nomination_execution(plan, items, today) -> dict[int, NominationsDone]:
    links = list(
        PlanItemLink.objects.filter(item_id__in=[i.pk for i in items], unit_id=plan.unit_id)
        .select_related("programme")
        .order_by("programme__start_date", "programme_id")
    )
    if not links:
        return {}
    counts = {
        row["programme_id"]: row
        for row in Nomination.objects.filter(
            programme_id__in={link.programme_id for link in links},
            unit_id__in=Unit.objects.subtree(plan.unit).values("pk"),
        )
        .values("programme_id")
        .annotate(
            confirmed=Count("pk", filter=Q(status=NominationStatus.CONFIRMED)),
            completed=Count("pk", filter=Q(status=NominationStatus.CONFIRMED, result=Result.COMPLETED)),
        )
        .order_by()
    }
    found: dict[int, NominationsDone] = defaultdict(lambda: NominationsDone(classes=[]))
    for link in links:
        programme = link.programme
        done = found[link.item_id]
        done.classes.append((programme.title, programme.get_absolute_url()))
        if programme.start_date <= today:
            done.held += 1
            done.hours += programme.hours or Decimal(0)
        row = counts.get(programme.pk, {})
        done.confirmed += row.get("confirmed", 0)
        done.completed += row.get("completed", 0)
    return dict(found)
