"""The training plan's permission policy: every ``plans:`` URL, role by role, GET and an empty POST.

The plans are the administrators' (and a 领导干部's of the unit, who approves; the matrix's world has no leader
account, so its cadre and 科室负责人 are refused (403) everywhere before anything is looked up, and no role there may
approve: 403).  ``add_targets`` adds a draft plan of the home unit with two items (one carried out by an activity,
one free), an activity outside it, and a submitted plan of the year after.  An empty POST to a form page is the
form with its errors (400); an empty POST to an action sends the administrator back to the plan with a message;
deleting: the training administrator deletes (a redirect), the system administrator after finds nothing (404).
"""

from __future__ import annotations

from ganxun.core.tests.test_permissions import FORBIDDEN, INVALID, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Rule, roles


def admins(outcome: str) -> dict[str, str]:
    return roles(FORBIDDEN, training_admin=outcome, system_admin=outcome)


GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)
DELETED_ONCE = roles(FORBIDDEN, training_admin=REDIRECT, system_admin=NOT_FOUND)

POLICY: dict[str, list[Rule]] = {
    "plans:plan_list": [Rule(get=admins(OK), post=GET_ONLY)],
    "plans:plan_create": [Rule(get=admins(OK), post=admins(INVALID))],
    "plans:plan_detail": [Rule(target="plans_plan", get=admins(OK), post=GET_ONLY)],
    "plans:plan_update": [Rule(target="plans_plan", get=admins(OK), post=admins(INVALID))],
    "plans:plan_copy": [Rule(target="plans_plan", get=POST_ONLY, post=admins(REDIRECT))],
    "plans:plan_submit": [Rule(target="plans_plan", get=POST_ONLY, post=admins(REDIRECT))],
    "plans:plan_approve": [Rule(target="plans_submitted", get=POST_ONLY, post=admins(FORBIDDEN))],
    "plans:plan_return": [Rule(target="plans_submitted", get=POST_ONLY, post=admins(REDIRECT))],
    "plans:item_create": [Rule(target="plans_plan", get=admins(OK), post=admins(INVALID))],
    "plans:item_update": [Rule(target="plans_item", get=admins(OK), post=admins(INVALID))],
    "plans:item_delete": [Rule(target="plans_free_item", get=POST_ONLY, post=DELETED_ONCE)],
    "plans:link_create": [Rule(target="plans_plan", get=POST_ONLY, post=admins(REDIRECT))],
    "plans:link_delete": [Rule(target="plans_link", get=POST_ONLY, post=DELETED_ONCE)],
    "plans:plan_export_xlsx": [Rule(target="plans_plan", get=admins(OK), post=GET_ONLY)],
    "plans:plan_export_docx": [Rule(target="plans_plan", get=admins(OK), post=GET_ONLY)],
}


def add_targets(world) -> None:
    """This year's draft plan with two items, one linked to an activity; an activity outside it; next year's plan
    submitted for approval."""
    import datetime as dt
    from decimal import Decimal

    from ganxun.roster.models import Unit, home_unit_id
    from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, SessionFactory

    from .. import services

    this = dt.date.today().year
    unit = Unit.objects.get(pk=home_unit_id())
    kind = ActivityKindFactory(name="全员培训班")
    fields = {"kind": kind, "everyone": True, "months": [3], "sessions": 2, "hours": Decimal(8)}
    world.plans_plan = services.plan_create(actor=None, unit=unit, year=this)
    world.plans_item = services.item_create(actor=None, plan=world.plans_plan, title="全员培训", **fields)
    world.plans_free_item = services.item_create(actor=None, plan=world.plans_plan, title="专题培训", **fields)
    linked = ActivityFactory(title="春季全员培训", kind=kind, unit=unit)
    SessionFactory(activity=linked, date=dt.date(this, 3, 10))
    world.plans_link = services.link_create(actor=None, item=world.plans_item, activity=linked)
    SessionFactory(activity=ActivityFactory(title="计划外培训", kind=kind, unit=unit), date=dt.date(this, 4, 10))
    world.plans_submitted = services.plan_create(actor=None, unit=unit, year=this + 1)
    services.item_create(actor=None, plan=world.plans_submitted, title="全员培训", **fields)
    services.plan_submit(actor=None, plan=world.plans_submitted)
