"""The training rows of the permission matrix hold today: every role × GET/POST on every activity URL."""

import shutil
import tempfile

import pytest
from django.test import override_settings

from ganxun.core.tests.test_permissions import World, all_routes, wrong_answers
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
        wrong += wrong_answers(world, world.url(route, rule), rule.get, rule.post, rule.target)
    assert not wrong, "\n".join(wrong)
