"""The practice records follow the roster's history: when a cadre's periods of service change, the records from
that date on are attributed again to the 单位 and 科室 in force on their first day (as the ledger's entries are)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ganxun.hours.totals import attribution

from .models import CommunityReport, Secondment, Stint, TeamMembership, Visit

FIRST_DAY = {Stint: "start_date", CommunityReport: "date", TeamMembership: "joined_on", Visit: "start_date"}


def _first_day(record) -> dt.date:
    return record.joined_on if isinstance(record, TeamMembership) else record.start_date


def reattribute(cadre_ids: Iterable[int], since: dt.date | None = None) -> int:
    """Attribute the cadres' records (from ``since`` on) again; returns how many changed."""
    cadre_ids = list(cadre_ids)
    changed = 0
    for model in (Stint, CommunityReport, TeamMembership, Secondment, Visit):
        rows = model.objects.filter(cadre_id__in=cadre_ids)
        if since is not None and model in FIRST_DAY:
            rows = rows.filter(**{f"{FIRST_DAY[model]}__gte": since})
        for record in rows:
            unit_id, section_id = attribution(record.cadre_id, _first_day(record))
            if (unit_id, section_id) != (record.unit_id, record.section_id):
                model.objects.filter(pk=record.pk).update(unit_id=unit_id, section_id=section_id)
                changed += 1
    return changed


def periods_changed(sender, cadre_ids: Iterable[int] = (), since: dt.date | None = None, **kwargs) -> None:
    reattribute(cadre_ids, since)
