"""The plans URLs against their declared policy (policy_plans.POLICY), role by role, GET and POST; a leader's
approval; and what another bureau's administrator gets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ganxun.core.tests.test_permissions import District, Route, World, all_routes, wrong_answers

from .. import services
from ..models import PlanStatus, TrainingPlan
from .helpers import item_fields, leader
from .policy_plans import POLICY, add_targets


class PlansWorld(World):
    def __init__(self) -> None:
        super().__init__()
        add_targets(self)

    def url(self, route: Route, rule) -> str:
        if not route.params:
            return reverse(route.name)
        return reverse(route.name, kwargs={"pk": getattr(self, rule.target).pk})


def test_every_plans_url_is_declared():
    names = {r.name for r in all_routes() if r.name.startswith("plans:")}
    assert names == set(POLICY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_plans_matrix(name: str):
    route = next(r for r in all_routes() if r.name == name)
    world = PlansWorld()
    wrong = []
    for rule in POLICY[name]:
        wrong += wrong_answers(world, world.url(route, rule), rule.get, rule.post, rule.target)
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_units_leader_reads_and_approves_but_does_not_edit(client):
    world = PlansWorld()
    boss = leader()
    client.force_login(boss)
    plan = world.plans_submitted
    page = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert page.status_code == 200 and page.context["can_approve"] and not page.context["can_edit"]
    assert client.get(reverse("plans:item_create", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plans:plan_approve", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == boss


@pytest.mark.django_db
def test_another_bureaus_plan_is_not_found():
    district = District()
    plan = services.plan_create(actor=None, unit=district.units["b"], year=dt.date.today().year, title="乙局干教计划")
    item = services.item_create(actor=None, plan=plan, **item_fields(title="乙局的项目"))
    bureau_a = district.client(district.admins["a"])
    for name, pk in (
        ("plans:plan_detail", plan.pk),
        ("plans:plan_export_xlsx", plan.pk),
        ("plans:plan_export_docx", plan.pk),
        ("plans:item_update", item.pk),
    ):
        assert bureau_a.get(reverse(name, args=[pk])).status_code == 404, name
    response = bureau_a.post(
        reverse("plans:link_create", args=[plan.pk]), {"activity": district.activities["b"].pk, "item": item.pk}
    )
    assert response.status_code == 404
    assert bureau_a.post(reverse("plans:plan_submit", args=[plan.pk])).status_code == 404
    assert TrainingPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    assert "乙局" not in bureau_a.get(reverse("plans:plan_list")).content.decode()
    org = district.client(district.org_admin)
    assert org.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200
