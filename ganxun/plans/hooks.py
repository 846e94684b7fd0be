"""Hooks of the plans (see ``core/hooks.py``): what the apps above add to a plan's execution without being imported.

- ``nomination_execution``: ``fn(plan, items, today) -> {item id: NominationsDone}`` for the items carried out by the
  classes a higher unit announces (调训): the plan's unit's nominations confirmed and completed in the classes
  linked to each item.  ``nominations`` fills it in its ``AppConfig.ready``; one query whatever the plan holds.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from ganxun.core.hooks import Hook


@dataclasses.dataclass
class NominationsDone:
    """What a 调训 item's classes did for the plan's unit: each class (title, url), those begun by today with
    their 学时, the unit's nominations the higher unit confirmed (those completed included) and those completed."""

    classes: list[tuple[str, str]]
    held: int = 0
    hours: Decimal = Decimal(0)
    confirmed: int = 0
    completed: int = 0


nomination_execution = Hook("nomination_execution", default=lambda plan, items, today: {})
