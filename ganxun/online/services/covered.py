"""The refusal of an online self-report that repeats what a platform's import counts (hours.hooks)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source
from ganxun.roster.imports.columns import fold

from ..models import OnlineImport, Platform


def self_report_covered(cadre, year: int, title: str, platform: str = "") -> str | None:
    """A message when the report names a platform (chosen, or written in its title) whose export of ``year`` has
    been imported: its hours come from the import, not from a self-report."""
    for candidate in Platform.objects.order_by("pk"):
        named = str(candidate.pk) == str(platform) or names_platform(candidate, title)
        if named and OnlineImport.objects.filter(platform=candidate, year=year).exists():
            return _(
                "The hours of %(platform)s in %(year)s come from the platform's export, imported by the "
                "administrators; they cannot also be reported by hand."
            ) % {"platform": candidate.name, "year": year}
    return None


def platform_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Platform.objects.filter(active=True).values_list("pk", "name")]


def names_platform(platform: Platform, title: str) -> bool:
    name = fold(platform.name)
    return bool(name) and name in fold(title or "")


def covered_reports(platform: Platform, year: int, cadre_ids: list[int]) -> list[int]:
    """The cadres' online self-reports of ``year`` (not rejected) that name the platform: what its imported export
    now counts, so they are withdrawn when the import is written (``self_reports_supersede``)."""
    if not cadre_ids:
        return []
    reports = (
        LedgerEntry.objects.filter(
            source=Source.SELF_REPORT,
            bucket=Bucket.ONLINE,
            cadre_id__in=cadre_ids,
            date__gte=dt.date(year, 1, 1),
            date__lte=dt.date(year, 12, 31),
        )
        .exclude(status=EntryStatus.REJECTED)
        .values_list("pk", "title")
    )
    return [pk for pk, title in reports if names_platform(platform, title)]


def supersede_message(platform: Platform, year: int) -> str:
    return _(
        "Counted from the imported export of %(platform)s for %(year)s, which holds the year's hours on that "
        "platform: this report would count them twice."
    ) % {"platform": platform.name, "year": year}


def supersede_reports(*, actor, platform: Platform, year: int, cadre_ids: list[int], actor_name: str = "") -> int:
    """Withdraw the cadres' self-reports that the platform's export of ``year`` now counts; how many."""
    from ganxun.hours.services import self_reports_supersede

    ids = covered_reports(platform, year, cadre_ids)
    if not ids:
        return 0
    return self_reports_supersede(
        actor=actor, actor_name=actor_name, entry_ids=ids, reason=supersede_message(platform, year)
    )
