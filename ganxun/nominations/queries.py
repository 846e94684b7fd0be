"""The counts of nominations for the year-end report: per class, per unit and per year, in a few GROUP BYs.

A class belongs to the year of its first day.  ``units`` limits the count to the nominations of those units (a
queryset of unit ids, ``admin_unit_ids``); ``None`` counts every unit.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Q, QuerySet, Sum

from .models import Nomination, NominationStatus, Programme, Quota, Result

FIGURES = {
    "nominated": Q(),
    "rejected": Q(status=NominationStatus.REJECTED),
    "pending": Q(status=NominationStatus.NOMINATED),
    "approved": Q(status__in=(NominationStatus.APPROVED, NominationStatus.CONFIRMED)),
    "confirmed": Q(status=NominationStatus.CONFIRMED),
    "completed": Q(result=Result.COMPLETED),
    "not_completed": Q(result=Result.NOT_COMPLETED),
}


def _figures() -> dict:
    return {name: Count("pk", filter=condition) for name, condition in FIGURES.items()}


@dataclasses.dataclass
class Counts:
    year: int
    by_class: list[dict]
    by_unit: list[dict]
    total: dict


def _scoped(queryset: QuerySet, units, field: str = "unit_id") -> QuerySet:
    return queryset if units is None else queryset.filter(**{f"{field}__in": units})


def nomination_counts(*, year: int, units=None) -> Counts:
    """Per class (with its places), per unit and the year's total: nominated, pending, approved, rejected,
    confirmed by the higher unit, completed and not completed."""
    nominations = _scoped(Nomination.objects.filter(programme__start_date__year=year), units)
    per_class = {
        row["programme_id"]: row for row in nominations.values("programme_id").annotate(**_figures()).order_by()
    }
    places = dict(
        _scoped(Quota.objects.filter(programme__start_date__year=year), units)
        .values("programme_id")
        .annotate(n=Sum("places"))
        .values_list("programme_id", "n")
        .order_by()
    )
    programmes = Programme.objects.filter(pk__in=set(per_class) | set(places)).order_by("start_date", "pk")
    empty = dict.fromkeys(FIGURES, 0)
    by_class = [
        {
            "programme": p,
            "places": places.get(p.pk, 0),
            **{k: v for k, v in per_class.get(p.pk, empty).items() if k in FIGURES},
        }
        for p in programmes
    ]
    by_unit = list(
        nominations.values("unit_id", "unit__name", "unit__path").annotate(**_figures()).order_by("unit__path")
    )
    total = nominations.aggregate(**_figures())
    total["places"] = sum(row["places"] for row in by_class)
    return Counts(year=year, by_class=by_class, by_unit=by_unit, total=total)


def nomination_counts_by_year(*, years: list[int], units=None) -> dict[int, dict]:
    """The year's totals for several years at once (one query)."""
    rows = (
        _scoped(Nomination.objects.filter(programme__start_date__year__in=years), units)
        .values("programme__start_date__year")
        .annotate(**_figures())
        .order_by()
    )
    found = {row.pop("programme__start_date__year"): row for row in rows}
    return {y: found.get(y, dict.fromkeys(FIGURES, 0)) for y in years}
