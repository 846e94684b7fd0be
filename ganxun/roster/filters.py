"""The roster's list filters, shared by the list page and its Excel export."""

from __future__ import annotations

from collections.abc import Mapping

from ganxun.core.params import query_id, query_text

from .models import CadreQuerySet, DerivedGroup, PoliticalStatus, Status, Tier

# ?status=all shows everyone; no status at all means the cadres in post.
ALL_STATUSES = "all"
# How many characters at the end of an ID number idcard.mask_id_number leaves visible.
MASK_VISIBLE_TAIL = 4


def _within_the_mask(text: str) -> str:
    """An ID-number search cut to the digits the masked number shows (its last four).

    Someone who sees ID numbers masked could otherwise confirm a guessed birth date or sequence
    number by searching for a longer ending and seeing whether the cadre is found.
    """
    looks_like_id_digits = text.isascii() and len(text) > MASK_VISIBLE_TAIL and text[:-1].isdigit()
    return text[-MASK_VISIBLE_TAIL:] if looks_like_id_digits else text


def filter_cadres(queryset: CadreQuerySet, params: Mapping[str, str], *, user) -> CadreQuerySet:
    """Narrow a (visibility-scoped) cadre queryset by the list's query parameters.

    q, section, group, tag, tier, political_status, status.  Values that make no sense are
    ignored rather than failing, so that a hand-edited or stale link still shows a list.
    """
    text = query_text(params, "q")
    if text:
        queryset = queryset.search(text if user.is_admin else _within_the_mask(text))
    if (section := query_id(params, "section")) is not None:
        queryset = queryset.filter(section_id=section)
    if (group := params.get("group")) in DerivedGroup.values:
        queryset = queryset.in_group(group)
    if (tag := query_id(params, "tag")) is not None:
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
