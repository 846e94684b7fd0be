"""效能接待's permission policy: every ``reception:`` URL, role by role, GET and an empty POST.

Everyone signed in reads their unit's rota and the cases they may see (a cadre those they handled, a 科室负责人 their
科室's); administrators set the rule and generate; a turn's duty cadres are changed by an administrator or the
head of the 科室 on duty; a cadre records the cases they handled.  ``add_targets`` adds the home unit's rule, a turn
of the head's 科室 and a case the matrix's cadre handled.  An empty POST to a form is the form with its errors
(400); generating with nothing sends the administrator back to the rota; deleting: the training administrator
deletes, the system administrator after finds nothing (404)."""

from __future__ import annotations

import datetime as dt

from ganxun.core.tests.test_permissions import FORBIDDEN, INVALID, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Rule, roles


def admins(outcome: str) -> dict[str, str]:
    return roles(FORBIDDEN, training_admin=outcome, system_admin=outcome)


GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)

POLICY: dict[str, list[Rule]] = {
    "reception:rota": [Rule(get=roles(OK), post=GET_ONLY)],
    "reception:rule": [Rule(get=admins(OK), post=admins(INVALID))],
    "reception:generate": [Rule(get=POST_ONLY, post=admins(REDIRECT))],
    "reception:slot_update": [
        Rule(
            get=roles(FORBIDDEN, section_head=OK, training_admin=OK, system_admin=OK),
            post=roles(FORBIDDEN, section_head=INVALID, training_admin=INVALID, system_admin=INVALID),
            target="reception_slot",
        ),
    ],
    "reception:case_list": [Rule(get=roles(OK), post=GET_ONLY)],
    "reception:case_export": [Rule(get=roles(OK), post=GET_ONLY)],
    "reception:case_create": [Rule(get=roles(OK), post=roles(INVALID))],
    "reception:case_update": [
        Rule(
            get=roles(OK, section_head=FORBIDDEN), post=roles(INVALID, section_head=FORBIDDEN), target="reception_case"
        )
    ],
    "reception:case_delete": [
        Rule(
            get=POST_ONLY,
            post=roles(FORBIDDEN, training_admin=REDIRECT, system_admin=NOT_FOUND),
            target="reception_case",
        )
    ],
}


def add_targets(world) -> None:
    from ..models import DutySlot, PetitionCase, RotaRule, RotaSection

    today = dt.date.today()
    rule = RotaRule.objects.create(unit=world.home_unit, granularity="week", per_turn=1)
    RotaSection.objects.create(rule=rule, section=world.head_section, position=0)
    world.reception_slot = DutySlot.objects.create(
        unit=world.home_unit, first_day=today, last_day=today, section=world.head_section
    )
    world.reception_slot.cadres.add(world.own_cadre)
    world.reception_case = PetitionCase.objects.create(
        unit=world.home_unit,
        received_on=today,
        matter="加装电梯进度咨询",
        category="renewal",
        handled_by=world.own_cadre,
        section=world.head_section,
        result="answered",
        visitor="王先生",
        visitor_phone="13912345678",
    )
