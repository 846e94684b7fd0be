"""The navigation bar: the theory classroom's parts in one menu, what each role may open, the page's own entry
marked active inside its menu."""

import pytest
from django.test import Client
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def menu(user, path: str):
    client = Client()
    client.force_login(user)
    items = client.get(path, follow=True).context["nav_items"]
    return next(item for item in items if item["label"] == "理论课堂")


def test_a_cadre_finds_online_learning_and_the_micro_classroom_but_not_the_study_archive():
    theory = menu(UserFactory(role=Role.CADRE), reverse("core:home"))
    assert [child["label"] for child in theory["children"]] == ["线上学习", "微课堂"]
    assert not theory["active"]


def test_an_administrator_finds_the_study_archive_too_and_the_open_page_is_marked():
    theory = menu(UserFactory(role=Role.TRAINING_ADMIN, cadre=None), reverse("microclass:course_list"))
    assert [child["label"] for child in theory["children"]] == ["线上学习", "微课堂", "学习档案"]
    assert theory["active"]
    assert [child["label"] for child in theory["children"] if child["active"]] == ["微课堂"]
