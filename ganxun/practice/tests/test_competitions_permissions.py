"""The merit competition pages against their declared policy (policy_competitions.POLICY), every role, GET and an
empty POST; and a bureau's competition is a 404 for another bureau's administrator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.core.tests.test_permissions import World, all_routes, wrong_answers
from ganxun.roster.tests.factories import UnitFactory, UserFactory

from .policy_competitions import POLICY, add_targets

COMPETITION_VIEWS = ("competition", "criterion", "award_")


def test_every_competition_url_has_a_policy():
    names = {
        r.name
        for r in all_routes()
        if r.name.startswith("practice:") and r.name.split(":")[1].startswith(COMPETITION_VIEWS)
    }
    assert names == set(POLICY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_competition_matrix(name: str):
    world = World()
    add_targets(world)
    wrong = []
    for rule in POLICY[name]:
        url = reverse(name, args=[getattr(world, rule.target).pk]) if rule.target else reverse(name)
        wrong += wrong_answers(world, url, rule.get, rule.post, rule.target)
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_another_bureaus_administrator_finds_nothing():
    world = World()
    add_targets(world)
    other = UserFactory(
        username="other_admin", role=Role.TRAINING_ADMIN, cadre=None, unit=UnitFactory(name="他局", code="THEIRS")
    )
    world.users["training_admin"] = other
    client = world.client("training_admin")
    for name, rules in POLICY.items():
        for rule in rules:
            if rule.target:
                url = reverse(name, args=[getattr(world, rule.target).pk])
                response = (
                    client.get(url) if rule.get["training_admin"] != "405 method not allowed" else client.post(url)
                )
                assert response.status_code == 404, f"{name} [{rule.target}]: {response.status_code}"
