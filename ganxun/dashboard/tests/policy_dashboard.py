"""Dashboard's permission policy: every ``dashboard:`` URL, role by role, GET and an empty POST.

The data endpoints answer every signed-in role with the numbers of their own scope only: a cadre their own 学时
(the other charts are a 403), a 科室负责人 their 科室's (the plan and the units below are a unit's: 403),
administrators their units'.  ``dashboard:mine`` is a cadre's own chart page (an account without a cadre: 403).
Every URL reads only: a POST is 405.  The scoping of the numbers themselves is tested in test_scope.py."""

from __future__ import annotations

from ganxun.core.tests.test_permissions import FORBIDDEN, LOGIN, NOT_ALLOWED, OK, Rule, roles

GET_ONLY = roles(NOT_ALLOWED, anonymous=LOGIN)
SECTION = roles(OK, anonymous=LOGIN, cadre=FORBIDDEN)
UNIT = roles(OK, anonymous=LOGIN, cadre=FORBIDDEN, section_head=FORBIDDEN)

POLICY: dict[str, list[Rule]] = {
    "dashboard:mine": [
        Rule(get=roles(FORBIDDEN, anonymous=LOGIN, cadre=OK, section_head=OK), post=GET_ONLY),
    ],
    "dashboard:hours": [Rule(get=roles(OK, anonymous=LOGIN), post=GET_ONLY)],
    "dashboard:activities": [Rule(get=SECTION, post=GET_ONLY)],
    "dashboard:sections": [Rule(get=SECTION, post=GET_ONLY)],
    "dashboard:tiers": [Rule(get=SECTION, post=GET_ONLY)],
    "dashboard:online": [Rule(get=SECTION, post=GET_ONLY)],
    "dashboard:plan": [Rule(get=UNIT, post=GET_ONLY)],
    "dashboard:units": [Rule(get=UNIT, post=GET_ONLY)],
}


def add_targets(world) -> None:
    """No URL of this area takes a primary key."""
