"""Reminders's permission policy: every ``reminders:`` URL, role by role, GET and an empty POST."""

from __future__ import annotations

from ganxun.core.tests.test_permissions import (
    FORBIDDEN,
    GET_ONLY_POST,
    INVALID,
    NOT_FOUND,
    OK,
    POST_ONLY_GET,
    Rule,
    roles,
)

# Section heads (their 科室) and administrators (their units); a cadre is refused.
OVERSEERS = roles(OK, cadre=FORBIDDEN)

POLICY: dict[str, list[Rule]] = {
    # Everyone signed in: their own deadlines (an account without a cadre is told it has none).
    "reminders:mine": [Rule(get=roles(OK), post=GET_ONLY_POST)],
    # POST only; an empty POST names no notice (400); an account without a cadre has no notices (404).
    "reminders:mark_read": [
        Rule(get=POST_ONLY_GET, post=roles(INVALID, training_admin=NOT_FOUND, system_admin=NOT_FOUND))
    ],
    "reminders:behind": [Rule(get=OVERSEERS, post=GET_ONLY_POST)],
    "reminders:digest": [Rule(get=OVERSEERS, post=GET_ONLY_POST)],
    "reminders:call_list": [Rule(get=OVERSEERS, post=GET_ONLY_POST)],
}


def add_targets(world) -> None:
    """The rows this area's rules point at (``Rule.target`` names an attribute set here on the world): none, every
    URL reads the user's own scope."""
