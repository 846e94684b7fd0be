"""The refusal of an online self-report that repeats what a platform's import counts (hours.hooks)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ganxun.roster.imports.columns import fold

from ..models import OnlineImport, Platform


def self_report_covered(cadre, year: int, title: str, platform: str = "") -> str | None:
    """A message when the report names a platform (chosen, or written in its title) whose export of ``year`` has
    been imported: its hours come from the import, not from a self-report."""
    folded = fold(title or "")
    for candidate in Platform.objects.order_by("pk"):
        named = str(candidate.pk) == str(platform) or (fold(candidate.name) and fold(candidate.name) in folded)
        if named and OnlineImport.objects.filter(platform=candidate, year=year).exists():
            return _(
                "The hours of %(platform)s in %(year)s come from the platform's export, imported by the "
                "administrators; they cannot also be reported by hand."
            ) % {"platform": candidate.name, "year": year}
    return None


def platform_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Platform.objects.filter(active=True).values_list("pk", "name")]
