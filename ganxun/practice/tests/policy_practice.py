"""The practice classroom's part of the permission matrix: every ``practice:`` URL, merged from the policy module of
each area (``policy_pages`` here, and ``policy_imports``, ``policy_competitions``, ``policy_figures`` where their
helpers put them).  Each module has ``POLICY`` (rules shaped like ``core/tests/test_permissions.Rule``, or dicts
with ``target``, ``get``, ``post`` as in hours' policy) and may have ``add_targets(world)`` putting the objects its
rules point at on the world.  ``test_pages_permissions.py`` runs it.
"""

from __future__ import annotations

from importlib import import_module

AREAS = ("policy_pages", "policy_imports", "policy_competitions", "policy_figures")


def _modules():
    found = []
    for name in AREAS:
        try:
            found.append(import_module(f"ganxun.practice.tests.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"ganxun.practice.tests.{name}":
                raise
    return found


MODULES = _modules()
POLICY: dict[str, list] = {}
for _module in MODULES:
    overlap = set(POLICY) & set(_module.POLICY)
    assert not overlap, f"{_module.__name__} declares URLs another area declares: {sorted(overlap)}"
    POLICY.update(_module.POLICY)


def add_targets(world) -> None:
    """Every area's objects on the world (each area's own names)."""
    for module in MODULES:
        if hasattr(module, "add_targets"):
            module.add_targets(world)
