"""The rotation part of a cadre's training archive (``hours.hooks.archive_parts``): per year, the cadre's rotations
with a day in it, with the host 科室, mentor, completion and the host's rating."""

from __future__ import annotations

import datetime as dt

from .models import Rotation

TEMPLATE = "rotation/archive_section.html"


def archive_part(cadre, years: list[int], user) -> dict[int, dict]:
    if not years:
        return {}
    rotations = list(
        Rotation.objects.visible_to(user)
        .filter(cadre=cadre)
        .overlapping(dt.date(min(years), 1, 1), dt.date(max(years), 12, 31))
        .select_related("host_section", "mentor")
        .order_by("start_date", "pk")
    )
    sections = {}
    for year in years:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        shown = [r for r in rotations if r.start_date <= last and r.end_date >= first]
        if shown:
            sections[year] = {"template": TEMPLATE, "year": year, "rotations": shown}
    return sections
