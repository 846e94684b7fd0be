"""培训菜单's part of 我的学习 (``ganxun.hours.hooks.learning_parts``): the cadre's menu, shown by the template
``menu/learning_part.html`` (``{% include "menu/learning_part.html" %}`` where 我的学习 wants it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .queries import cadre_menu


def menu_part(cadre, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    family, lines = cadre_menu(cadre, today)
    return {"training_menu": {"family": family, "lines": lines, "gaps": sum(line.is_gap for line in lines)}}
