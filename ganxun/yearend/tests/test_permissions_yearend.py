"""The yearend URLs against their declared policy (policy_yearend.POLICY), role by role, GET and an empty POST."""

from __future__ import annotations

import shutil
import tempfile

import pytest
from django.urls import reverse

from ganxun.core.tests.test_permissions import Route, World, all_routes, wrong_answers

from .policy_yearend import POLICY, add_targets


class YearendWorld(World):
    """The matrix's world with this area's rows; a path parameter takes its target's ``pk``."""

    def __init__(self) -> None:
        super().__init__()
        add_targets(self)

    def url(self, route: Route, rule) -> str:
        if not route.params:
            return reverse(route.name)
        return reverse(route.name, kwargs={route.params[0]: getattr(self, rule.target).pk})


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-yearend-matrix-")
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_every_yearend_url_is_declared():
    names = {r.name for r in all_routes() if r.name.startswith("yearend:")}
    assert names == set(POLICY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_yearend_matrix(name: str, media):
    route = next(r for r in all_routes() if r.name == name)
    world = YearendWorld()
    wrong = []
    for rule in POLICY[name]:
        wrong += wrong_answers(world, world.url(route, rule), rule.get, rule.post, rule.target)
    assert not wrong, "\n".join(wrong)
