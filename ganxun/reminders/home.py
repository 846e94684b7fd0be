"""The reminders' part of the home page (``core.home.home_parts``): how many cadres of the user's scope have a
deadline overdue, due soon or hours behind schedule, the first few, and the user's own unread notices when they
are a cadre too.  Shown by ``reminders/_home.html``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ganxun.core.home import SHOWN
from ganxun.roster.models import Cadre

from .models import NoticeRead
from .queries import cadre_deadlines, days_ahead, notice_counts


def reminders_part(user, today: dt.date) -> dict[str, Any]:
    rows = cadre_deadlines(Cadre.objects.visible_to(user), today)
    listed = [(row, row.notices[0], len(row.notices)) for row in rows if row.notices]
    counts = notice_counts(row.notices for row in rows)
    mine = 0
    if user.cadre_id is not None:
        own = next((row for row in rows if row.cadre_id == user.cadre_id), None)
        if own is None:  # an administrator whose own record lies outside the units they oversee
            own = next(iter(cadre_deadlines(Cadre.objects.filter(pk=user.cadre_id), today)), None)
        if own is not None:
            read = set(NoticeRead.objects.filter(user=user, cadre_id=own.cadre_id).values_list("key", flat=True))
            mine = sum(1 for d in own.notices if d.notice_key not in read)
    return {
        "reminders": {
            "counts": counts,
            "cadres": len(listed),
            "first": listed[:SHOWN],
            "mine_unread": mine,
            "ahead": days_ahead(),
        }
    }
