"""The dashboard's part of the home page (``core.home.home_parts`` and, for a 领导干部, ``cadre_home_parts``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .charts import Board
from .scope import scope_for


def dashboard_part(user, today: dt.date) -> dict[str, Any]:
    """The charts of the user's scope for this year (a fixed number of queries whatever the rows)."""
    scope = scope_for(user)
    if scope is None or scope.kind == "cadre":
        return {}
    return {"dashboard": Board(scope, today.year, today).charts()}
