"""The practice imports' permission policy (merged by ``policy_practice``): administrators only, each kind.

The upload page and its template are an administrator's (an import creates campaigns, teams and places, which
administrators keep); an empty POST to the upload is the form again with its errors (400); the confirmation is
POST only and, with no upload waiting, sends the administrator back to the upload page.  An unknown kind is a 404.
"""

from __future__ import annotations

from types import SimpleNamespace

from ganxun.core.tests.test_permissions import (
    FORBIDDEN,
    INVALID,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Rule,
    admins_only,
    roles,
)

from ..imports import KINDS

POST_ONLY = roles(NOT_ALLOWED)


def _rules(kind: str) -> dict[str, list[Rule]]:
    target = f"import_{kind}"
    return {
        "upload": [admins_only(target, post=INVALID)],
        "confirm": [
            Rule(target=target, get=POST_ONLY, post=roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT))
        ],
        "template": [Rule(target=target, get=roles(FORBIDDEN, training_admin=OK, system_admin=OK), post=POST_ONLY)],
    }


POLICY: dict[str, list[Rule]] = {
    f"practice:import_{page}": [rule for kind in KINDS for rule in _rules(kind)[page]]
    + [admins_only("import_unknown", get=NOT_FOUND, post=NOT_FOUND)] * (page == "upload")
    for page in ("upload", "confirm", "template")
}


def add_targets(world) -> None:
    """The kinds, as the matrix's world names its targets (a URL's one parameter is its target's ``pk``)."""
    for kind in KINDS:
        setattr(world, f"import_{kind}", SimpleNamespace(pk=kind))
    world.import_unknown = SimpleNamespace(pk="visits")
