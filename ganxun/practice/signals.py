"""The practice records follow the roster's history: when a cadre's periods of service change, the records from
that date on are attributed again to the 单位 and 科室 in force on their first day (as the ledger's entries are)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ganxun.hours.totals import attribution
from ganxun.roster.models import Cadre

from .models import CommunityReport, Secondment, Stint, TeamMembership, Visit
from .services.hours import practice_hours_sync, years_of

FIRST_DAY = {Stint: "start_date", CommunityReport: "date", TeamMembership: "joined_on", Visit: "start_date"}


def _first_day(record) -> dt.date:
    return record.joined_on if isinstance(record, TeamMembership) else record.start_date


def reattribute(cadre_ids: Iterable[int], since: dt.date | None = None) -> int:
    """Attribute the cadres' records (from ``since`` on) again; returns how many changed.  A record counting 学时
    whose 单位 changed is counted again by its new unit's rules."""
    cadre_ids = list(cadre_ids)
    changed = 0
    recount: dict[int, set[int]] = {}
    for model in (Stint, CommunityReport, TeamMembership, Secondment, Visit):
        rows = model.objects.filter(cadre_id__in=cadre_ids)
        if since is not None and model in FIRST_DAY:
            rows = rows.filter(**{f"{FIRST_DAY[model]}__gte": since})
        for record in rows:
            unit_id, section_id = attribution(record.cadre_id, _first_day(record))
            if (unit_id, section_id) != (record.unit_id, record.section_id):
                if unit_id != record.unit_id and model is not TeamMembership:
                    recount.setdefault(record.cadre_id, set()).update(years_of(record))
                model.objects.filter(pk=record.pk).update(unit_id=unit_id, section_id=section_id)
                changed += 1
    for cadre in Cadre.objects.filter(pk__in=recount):
        practice_hours_sync(actor=None, cadre=cadre, years=recount[cadre.pk])
    return changed


def periods_changed(sender, cadre_ids: Iterable[int] = (), since: dt.date | None = None, **kwargs) -> None:
    reattribute(cadre_ids, since)
