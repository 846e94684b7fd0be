"""Dashboard's permission policy: every ``dashboard:`` URL, role by role, GET and an empty POST."""

from __future__ import annotations

from ganxun.core.tests.test_permissions import Rule

POLICY: dict[str, list[Rule]] = {}


def add_targets(world) -> None:
    """The rows this area's rules point at (``Rule.target`` names an attribute set here on the world)."""
