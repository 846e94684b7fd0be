"""The permission policy of the figures' record pages (``yearend:`` URLs of ``figure_urls.py``).

The records behind a figure are the whole unit's: administrators read those of the units their role reaches (without
``?unit=`` their own unit, the home unit for a system administrator without one), a 领导干部 those of their unit and
the units below it.  科室负责人 and cadres are refused (403): their own pages show their 科室's and their own records.
The page only reads (GET); a POST is 405."""

from __future__ import annotations

from ganxun.core.tests.test_permissions import FORBIDDEN, NOT_ALLOWED, OK, Rule, roles

POLICY: dict[str, list[Rule]] = {
    "yearend:figure_records": [
        Rule(get=roles(FORBIDDEN, training_admin=OK, system_admin=OK), post=roles(NOT_ALLOWED)),
    ],
}


def add_targets(world) -> None:
    """The rows the figure pages' rules point at: none (the page takes the user's own unit)."""
