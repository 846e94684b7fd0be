"""轮岗's permission policy: every ``rotation:`` URL, role by role, GET and an empty POST.

Everyone signed in reads the list (what they may see: a cadre their own, a 科室负责人 their 科室's cadres' and the
rotations their 科室 hosts, an administrator those of the units they reach).  Administrators plan, change, complete
and delete; the host 科室's head (or an administrator) evaluates.  ``add_targets`` adds the matrix cadre's
completed rotation through the other 科室, and a completed rotation of the other 科室's cadre hosted by the head's
科室.  An empty POST to a form is the form with its errors (400); deleting: the training administrator deletes, the
system administrator after finds nothing (404).
"""

from __future__ import annotations

import datetime as dt

from ganxun.core.tests.test_permissions import FORBIDDEN, INVALID, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Rule, roles


def admins(outcome: str) -> dict[str, str]:
    return roles(FORBIDDEN, training_admin=outcome, system_admin=outcome)


GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)

POLICY: dict[str, list[Rule]] = {
    "rotation:list": [Rule(get=roles(OK), post=GET_ONLY)],
    "rotation:export": [Rule(get=roles(OK), post=GET_ONLY)],
    "rotation:create": [Rule(get=admins(OK), post=admins(INVALID))],
    "rotation:detail": [
        Rule(get=roles(OK), post=GET_ONLY, target="rotation_own"),
        Rule(get=roles(OK, cadre=NOT_FOUND), post=GET_ONLY, target="rotation_hosted"),
    ],
    "rotation:update": [Rule(get=admins(OK), post=admins(INVALID), target="rotation_own")],
    "rotation:complete": [Rule(get=POST_ONLY, post=admins(INVALID), target="rotation_own")],
    "rotation:evaluate": [
        Rule(
            get=POST_ONLY,
            post=roles(INVALID, cadre=NOT_FOUND),
            target="rotation_hosted",
        ),
        # The cadre's own rotation is hosted by the other 科室: its head is not the matrix's section head.
        Rule(get=POST_ONLY, post=roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID), target="rotation_own"),
    ],
    "rotation:delete": [
        Rule(
            get=POST_ONLY,
            post=roles(FORBIDDEN, training_admin=REDIRECT, system_admin=NOT_FOUND),
            target="rotation_own",
        )
    ],
}


def add_targets(world) -> None:
    from ..models import Rotation

    today = dt.date.today()
    world.rotation_own = Rotation.objects.create(
        cadre=world.own_cadre,
        host_section=world.other_section,
        start_date=today - dt.timedelta(days=90),
        end_date=today - dt.timedelta(days=30),
        mentor=world.elsewhere,
        completed_on=today - dt.timedelta(days=30),
    )
    world.rotation_hosted = Rotation.objects.create(
        cadre=world.elsewhere,
        host_section=world.head_section,
        start_date=today - dt.timedelta(days=60),
        end_date=today - dt.timedelta(days=1),
        completed_on=today - dt.timedelta(days=1),
    )
