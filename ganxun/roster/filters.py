"""The roster's list filters, shared by the list page and its Excel export."""

from __future__ import annotations

from collections.abc import Mapping

from .models import CadreQuerySet, DerivedGroup, PoliticalStatus, Status, Tier

# ?status=all shows everyone; no status at all means the cadres in post.
ALL_STATUSES = "all"


def _pk(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def filter_cadres(queryset: CadreQuerySet, params: Mapping[str, str]) -> CadreQuerySet:
    """Narrow a (visibility-scoped) cadre queryset by the list's query parameters.

    q, section, group, tag, tier, political_status, status.  Values that make no sense are
    ignored rather than failing, so that a hand-edited or stale link still shows a list.
    """
    text = (params.get("q") or "").strip()
    if text:
        queryset = queryset.search(text)
    if (section := _pk(params.get("section"))) is not None:
        queryset = queryset.filter(section_id=section)
    if (group := params.get("group")) in DerivedGroup.values:
        queryset = queryset.in_group(group)
    if (tag := _pk(params.get("tag"))) is not None:
        queryset = queryset.filter(tags__pk=tag)
    if (tier := params.get("tier")) in Tier.values:
        queryset = queryset.in_tier(tier)
    if (political_status := params.get("political_status")) in PoliticalStatus.values:
        queryset = queryset.filter(political_status=political_status)
    status = params.get("status") or Status.ACTIVE
    if status in Status.values:
        queryset = queryset.filter(status=status)
    elif status != ALL_STATUSES:
        queryset = queryset.filter(status=Status.ACTIVE)
    return queryset
