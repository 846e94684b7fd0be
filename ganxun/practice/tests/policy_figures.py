"""The figures pages' permission policy (practice-figures), merged into the practice policy by
``policy_practice``: the administrators and a 科室负责人 (their 科室's figures) read them; a cadre may not; nothing
is posted.  ``figure_slug`` is a drill-down page (``/practice/figures/committees/``)."""

from __future__ import annotations

from types import SimpleNamespace

from ganxun.core.tests.test_permissions import FORBIDDEN, NOT_ALLOWED, OK, roles

READERS = roles(OK, cadre=FORBIDDEN)

POLICY: dict[str, list[dict]] = {
    "practice:figures": [{"target": "", "get": READERS, "post": roles(NOT_ALLOWED)}],
    "practice:figure_records": [{"target": "figure_slug", "get": READERS, "post": roles(NOT_ALLOWED)}],
}


def add_targets(world) -> None:
    """The drill-down's path parameter is a figure's slug, not a record: reverse(..., args=[target.pk])."""
    world.figure_slug = SimpleNamespace(pk="committees")
