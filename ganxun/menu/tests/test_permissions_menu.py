"""The 培训菜单 URLs against their declared policy (policy_menu.POLICY), role by role, GET and POST; and what
another bureau's administrator gets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ganxun.core.tests.test_permissions import District, Route, World, all_routes, wrong_answers
from ganxun.menu.models import Need, PostFamily, PostName
from ganxun.roster.models import Cadre
from ganxun.training.tests.factories import TopicModuleFactory

from .policy_menu import POLICY, add_targets


class MenuWorld(World):
    def __init__(self) -> None:
        super().__init__()
        add_targets(self)

    def url(self, route: Route, rule) -> str:
        if not route.params:
            return reverse(route.name)
        return reverse(route.name, kwargs={"pk": getattr(self, rule.target).pk})


def test_every_menu_url_is_declared():
    names = {r.name for r in all_routes() if r.name.startswith("menu:")}
    assert names == set(POLICY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_menu_matrix(name: str):
    route = next(r for r in all_routes() if r.name == name)
    world = MenuWorld()
    wrong = []
    for rule in POLICY[name]:
        wrong += wrong_answers(world, world.url(route, rule), rule.get, rule.post, rule.target)
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_another_bureaus_cadres_are_neither_shown_nor_counted():
    district = District()
    family = PostFamily.objects.create(name="业务科员")
    PostName.objects.create(family=family, name="科员")
    Cadre.objects.filter(pk__in=[c.pk for c in district.cadres.values()]).update(post="科员")
    Need.objects.create(family=family, topic=TopicModuleFactory(name="住房保障"), every_years=2)
    bureau_a = district.client(district.admins["a"])
    assert bureau_a.get(reverse("menu:cadre_detail", args=[district.cadres["b"].pk])).status_code == 404
    page = bureau_a.get(reverse("menu:gap_cadres")).content.decode()
    assert district.cadres["a"].name in page
    assert district.cadres["b"].name not in page
    assert bureau_a.get(reverse("menu:gaps")).context["summary"].with_menu == 1
    org = district.client(district.org_admin)
    assert org.get(reverse("menu:gaps")).context["summary"].with_menu == 2
