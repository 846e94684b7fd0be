"""Statistics tables's permission policy: every ``orgstats:`` URL, role by role, GET and an empty POST.

Administrators (and 领导干部, who are cadres with a leadership post; the matrix has none) read the tables and the
考核 list of the units they reach; a 科室负责人 reads the 考核 list of their own 科室 only; cadres are refused.  The
pages only read: a POST is 405 for everyone signed in.  No path parameters, so no targets.
"""

from __future__ import annotations

from ganxun.core.tests.test_permissions import FORBIDDEN, NOT_ALLOWED, OK, Rule, roles

ADMINS = roles(FORBIDDEN, training_admin=OK, system_admin=OK)
ADMINS_AND_HEADS = roles(FORBIDDEN, section_head=OK, training_admin=OK, system_admin=OK)
GET_ONLY = roles(NOT_ALLOWED)

POLICY: dict[str, list[Rule]] = {
    "orgstats:tables": [Rule(get=ADMINS, post=GET_ONLY)],
    "orgstats:tables_export": [Rule(get=ADMINS, post=GET_ONLY)],
    "orgstats:assessment": [Rule(get=ADMINS_AND_HEADS, post=GET_ONLY)],
    "orgstats:assessment_export": [Rule(get=ADMINS_AND_HEADS, post=GET_ONLY)],
}


def add_targets(world) -> None:
    """The rows this area's rules point at (``Rule.target`` names an attribute set here on the world): none."""
