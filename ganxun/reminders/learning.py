"""The reminders' part of 我的学习 (``hours.hooks.learning_parts``): the cadre's notices not yet read, shown by
``reminders/_learning.html`` with a link to their list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ganxun.roster.models import Cadre

from .models import NoticeRead
from .queries import cadre_deadlines


def learning_part(cadre: Cadre, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    rows = cadre_deadlines(Cadre.objects.filter(pk=cadre.pk), today)
    if not rows:
        return {"reminders_mine": None}
    # Read by the cadre's own account(s): 我的学习 is the cadre's page.
    read = set(NoticeRead.objects.filter(cadre=cadre, user__cadre=cadre).values_list("key", flat=True))
    unread = [d for d in rows[0].notices if d.notice_key not in read]
    return {"reminders_mine": {"unread": unread, "overdue": sum(d.status == "overdue" for d in unread)}}
