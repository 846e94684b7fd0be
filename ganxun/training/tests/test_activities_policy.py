"""The training rows of the permission matrix hold today: every role × GET/POST on every activity URL."""

import shutil
import tempfile

import pytest
from django.test import override_settings

from ganxun.core.tests.test_permissions import ROLES, World, all_routes, matches, outcome
from ganxun.training.tests.policy_activities import POLICY, add_targets


def test_every_training_url_is_declared():
    names = {r.name for r in all_routes() if r.name.startswith("training:")}
    assert names == set(POLICY)


@pytest.fixture
def media_root():
    path = tempfile.mkdtemp()
    with override_settings(MEDIA_ROOT=path):
        yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_policy(name, media_root):
    route = next(r for r in all_routes() if r.name == name)
    world = World()
    add_targets(world)
    wrong = []
    for rule in POLICY[name]:
        url = world.url(route, rule)
        for role in ROLES:
            for method, expected in (("GET", rule.get[role]), ("POST", rule.post[role])):
                client = world.client(role)
                response = client.get(url) if method == "GET" else client.post(url, {})
                got = outcome(response)
                if not matches(expected, got):
                    wrong.append(f"{method} {url} [{rule.target or '-'}] as {role}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
