"""What the plans tests share: a unit's administrator, its leader, and a plan with items."""

from __future__ import annotations

from decimal import Decimal

from ganxun.accounts.models import Role
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.training.tests.factories import ActivityKindFactory

from ..models import TrainingPlan
from ..services import item_create, plan_create


def home() -> Unit:
    return Unit.objects.get(pk=home_unit_id())


def admin(username: str = "p_admin"):
    return UserFactory(username=username, role=Role.TRAINING_ADMIN, cadre=None)


def leader(username: str = "p_leader"):
    cadre = CadreFactory(section=SectionFactory(name="局领导"), name="王局长", leadership_level="division_chief")
    return UserFactory(username=username, role=Role.CADRE, cadre=cadre)


def item_fields(**given):
    fields = {
        "kind": ActivityKindFactory(name="全员培训班"),
        "title": "全员业务培训",
        "everyone": True,
        "months": [3],
        "sessions": 2,
        "hours": Decimal(8),
    }
    fields.update(given)
    return fields


def make_plan(year: int = 2026, actor=None, items: int = 1) -> TrainingPlan:
    plan = plan_create(actor=actor, unit=home(), year=year)
    for n in range(items):
        item_create(actor=actor, plan=plan, **item_fields(title=f"培训项目{n + 1}"))
    return plan
