"""The hours pages' permission policy, to merge into ``ganxun/core/tests/test_permissions.py``'s POLICY.

Each URL name maps to a list of rules shaped like that file's ``Rule(get=..., post=..., target=...)``, with the
same outcome strings, for an empty POST.  The targets are objects the matrix's ``World`` must provide
(``HoursWorld`` in ``test_permissions_hours.py`` adds them; every other one is the matrix's own):

- ``own_report`` / ``elsewhere_report``: a pending self-report of ``own_cadre`` / of ``elsewhere``;
- ``own_evidence`` / ``elsewhere_evidence``: those entries, with an evidence file;
- ``own_returned_report``: a self-report of ``own_cadre`` returned to them for changes;
- ``conversion_rule``, ``requirement``, ``cap``: seeded rules of 2025; ``history_rule``: a default one of 2025;
  ``completion_rule``: 2025's, made;
- ``outside_class``: an outside class.

In the matrix's world the training administrator's account has no cadre (so it cannot report hours), and
the head of ``head_section`` is an account, so the section head reviews ``own_report`` before any admin.
"""

from __future__ import annotations

from ganxun.core.tests.test_permissions import (  # the matrix's own words for outcomes
    FORBIDDEN,
    INVALID,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    roles,
)

ADMINS = roles(FORBIDDEN, training_admin=OK, system_admin=OK)
BROWSERS = roles(OK, cadre=FORBIDDEN)  # admins and section heads
NOT_ALLOWED_FOR_ALL = roles(NOT_ALLOWED)


# The system-wide default rules (and the class completion rule, which is system-wide) are the system
# administrator's, who holds no unit; a training administrator holds the role in a unit and edits that unit's
# own rules: a default rule's page is out of their reach (404).
DEFAULT_RULE_EDITORS = roles(FORBIDDEN, training_admin=NOT_FOUND, system_admin=OK)


def admin_form(target: str = "") -> dict:
    """An admin's create/edit page: an empty POST is the form again with its errors (200)."""
    return {"target": target, "get": ADMINS, "post": ADMINS}


def default_rule_form(target: str = "") -> dict:
    """A page of the system-wide default rules: the system administrator's only."""
    return {"target": target, "get": DEFAULT_RULE_EDITORS, "post": DEFAULT_RULE_EDITORS}


POLICY: dict[str, list[dict]] = {
    # Everyone logged in; an account without a cadre is told it has no hours of its own.
    "hours:my_learning": [{"target": "", "get": roles(OK), "post": NOT_ALLOWED_FOR_ALL}],
    "hours:cadre_archive": [
        {"target": "own_cadre", "get": roles(OK), "post": NOT_ALLOWED_FOR_ALL},
        {"target": "peer", "get": roles(OK, cadre=NOT_FOUND), "post": NOT_ALLOWED_FOR_ALL},
        {"target": "elsewhere", "get": roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND), "post": NOT_ALLOWED_FOR_ALL},
    ],
    "hours:entry_evidence": [
        {"target": "own_evidence", "get": roles(OK), "post": NOT_ALLOWED_FOR_ALL},
        {
            "target": "elsewhere_evidence",
            "get": roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND),
            "post": NOT_ALLOWED_FOR_ALL,
        },
    ],
    # Only accounts linked to a cadre report hours; an empty POST is the form with its errors.
    "hours:self_report_create": [
        {
            "target": "",
            "get": roles(OK, training_admin=FORBIDDEN, system_admin=FORBIDDEN),
            "post": roles(OK, training_admin=FORBIDDEN, system_admin=FORBIDDEN),
        }
    ],
    "hours:self_report_queue": [{"target": "", "get": BROWSERS, "post": NOT_ALLOWED_FOR_ALL}],
    "hours:self_report_detail": [
        {"target": "own_report", "get": roles(OK), "post": NOT_ALLOWED_FOR_ALL},
        {
            "target": "elsewhere_report",
            "get": roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND),
            "post": NOT_ALLOWED_FOR_ALL,
        },
    ],
    # Only whoever holds the report acts: the head of its 科室 first (an empty POST lacks the decision: 400);
    # the administrators only after the section's approval.
    "hours:self_report_review": [
        {"target": "own_report", "get": NOT_ALLOWED_FOR_ALL, "post": roles(FORBIDDEN, section_head=INVALID)},
        {
            "target": "elsewhere_report",
            "get": NOT_ALLOWED_FOR_ALL,
            # Its 科室 has no head account: the report is the administrators' at once.
            "post": roles(INVALID, cadre=NOT_FOUND, section_head=NOT_FOUND),
        },
    ],
    # Many reports at once: an empty POST selects nothing and goes back to the queue with a message.
    "hours:self_report_batch": [
        {"target": "", "get": NOT_ALLOWED_FOR_ALL, "post": roles(REDIRECT, cadre=FORBIDDEN)},
    ],
    # Only the cadre corrects their own returned report (an empty POST is the form with its errors); on a report
    # that was not returned, nobody.
    "hours:self_report_edit": [
        {
            "target": "own_returned_report",
            "get": roles(FORBIDDEN, cadre=OK),
            "post": roles(FORBIDDEN, cadre=INVALID),
        },
        {"target": "own_report", "get": roles(FORBIDDEN), "post": roles(FORBIDDEN)},
        {
            "target": "elsewhere_report",
            "get": roles(FORBIDDEN, cadre=NOT_FOUND, section_head=NOT_FOUND),
            "post": roles(FORBIDDEN, cadre=NOT_FOUND, section_head=NOT_FOUND),
        },
    ],
    "hours:compliance": [{"target": "", "get": BROWSERS, "post": NOT_ALLOWED_FOR_ALL}],
    "hours:compliance_section": [
        {"target": "head_section", "get": BROWSERS, "post": NOT_ALLOWED_FOR_ALL},
        {
            "target": "other_section",
            "get": roles(OK, cadre=FORBIDDEN, section_head=NOT_FOUND),
            "post": NOT_ALLOWED_FOR_ALL,
        },
    ],
    "hours:compliance_cadres": [{"target": "", "get": BROWSERS, "post": NOT_ALLOWED_FOR_ALL}],
    "hours:compliance_export": [{"target": "", "get": BROWSERS, "post": NOT_ALLOWED_FOR_ALL}],
    "hours:rule_list": [{"target": "", "get": ADMINS, "post": NOT_ALLOWED_FOR_ALL}],
    # An empty POST: the errors come back as messages on the rules page.
    "hours:rules_copy": [
        {
            "target": "",
            "get": NOT_ALLOWED_FOR_ALL,
            "post": roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT),
        }
    ],
    # An empty POST: no year or unit given, the administrator's own (the default for one without a unit, which
    # inherits from nowhere): a message on the rules page.
    "hours:rules_inherit": [
        {
            "target": "",
            "get": NOT_ALLOWED_FOR_ALL,
            "post": roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT),
        }
    ],
    "hours:history_rule_create": [admin_form()],
    "hours:history_rule_update": [default_rule_form("history_rule")],
    "hours:conversion_create": [admin_form()],
    "hours:conversion_update": [default_rule_form("conversion_rule")],
    "hours:requirement_create": [admin_form()],
    "hours:requirement_update": [default_rule_form("requirement")],
    "hours:cap_create": [admin_form()],
    "hours:cap_update": [default_rule_form("cap")],
    "hours:completion_rule_create": [default_rule_form()],
    "hours:completion_rule_update": [default_rule_form("completion_rule")],
    "hours:outside_class_list": [{"target": "", "get": ADMINS, "post": NOT_ALLOWED_FOR_ALL}],
    "hours:outside_class_create": [admin_form()],
    "hours:outside_class_update": [admin_form("outside_class")],
    # GET the class; an empty POST names no participants (400).
    "hours:outside_class_detail": [
        {
            "target": "outside_class",
            "get": ADMINS,
            "post": roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID),
        }
    ],
    # POST only, naming the cadre; without one, 400.
    "hours:outside_class_participant_remove": [
        {
            "target": "outside_class",
            "get": NOT_ALLOWED_FOR_ALL,
            "post": roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID),
        }
    ],
}
