"""The permission policy of the figures' record pages (``yearend:`` URLs of ``figure_urls.py``)."""

from __future__ import annotations

from ganxun.core.tests.test_permissions import Rule

POLICY: dict[str, list[Rule]] = {}


def add_targets(world) -> None:
    """The rows the figure pages' rules point at."""
