"""Hand-built histories for the compliance tests: a cadre's periods of service written directly.

The chain is kept as the roster keeps it: each period ends (exclusive) where the next begins, the last one is
open, and the cadre's own columns repeat the latest period.  Writing periods is the roster's business; these
helpers only set up what a history would have left behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ganxun.roster.models import PERIOD_FIELDS, Cadre, CadrePeriod, Section


def history(cadre: Cadre, *changes: tuple[dt.date, dict[str, Any]]) -> Cadre:
    """Rewrite ``cadre``'s periods: the first change's date starts the first period (with the facts of the
    cadre's first period so far, updated by that change), each later change starts a new period from the facts
    before it.

    A change may name ``section`` (a Section: its unit goes with it) and any of the period fields.
    """
    first = CadrePeriod.objects.filter(cadre=cadre).order_by("valid_from").first()
    facts = {name: getattr(first or cadre, name) for name in PERIOD_FIELDS}
    rows = []
    for day, change in sorted(changes, key=lambda item: item[0]):
        change = dict(change)
        if (section := change.pop("section", None)) is not None:
            assert isinstance(section, Section)
            change["section_id"], change["unit_id"] = section.pk, section.unit_id
        facts = {**facts, **change}
        rows.append((day, dict(facts)))
    CadrePeriod.objects.filter(cadre=cadre).delete()
    for position, (day, period) in enumerate(rows):
        valid_to = rows[position + 1][0] if position + 1 < len(rows) else None
        CadrePeriod.objects.create(cadre=cadre, valid_from=day, valid_to=valid_to, **period)
    Cadre.objects.filter(pk=cadre.pk).update(**facts)
    cadre.refresh_from_db()
    return cadre


def restate(cadre: Cadre, **fields: Any) -> Cadre:
    """Change the cadre's record as if it had always been so (every period and the cadre's own columns)."""
    CadrePeriod.objects.filter(cadre=cadre).update(**fields)
    Cadre.objects.filter(pk=cadre.pk).update(**fields)
    cadre.refresh_from_db()
    return cadre
