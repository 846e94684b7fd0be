"""The year-end report's permission policy: every ``yearend:`` URL, role by role, GET and an empty POST (the
figures' record pages are declared in policy_yearend_figures)."""

from __future__ import annotations

from ganxun.core.tests.test_permissions import Rule

from .policy_yearend_figures import POLICY as FIGURE_POLICY
from .policy_yearend_figures import add_targets as figure_targets

POLICY: dict[str, list[Rule]] = {
    **FIGURE_POLICY,
}


def add_targets(world) -> None:
    """The rows this area's rules point at (``Rule.target`` names an attribute set here on the world)."""
    figure_targets(world)
