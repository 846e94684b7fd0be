"""The 线上学习 URLs against their declared policy (policy_online.POLICY), role by role, GET and POST; and what
another bureau's administrator gets."""

from __future__ import annotations

import shutil
import tempfile

import pytest
from django.urls import reverse

from ganxun.core.tests.test_permissions import District, Route, World, all_routes, wrong_answers
from ganxun.online.models import FigureStatus, OnlineFigure, OnlineImport, Platform

from .policy_online import POLICY, add_targets


class OnlineWorld(World):
    def __init__(self) -> None:
        super().__init__()
        add_targets(self)

    def url(self, route: Route, rule) -> str:
        if not route.params:
            return reverse(route.name)
        return reverse(route.name, kwargs={"pk": getattr(self, rule.target).pk})


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-online-matrix-")
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_every_online_url_is_declared():
    names = {r.name for r in all_routes() if r.name.startswith("online:")}
    assert names == set(POLICY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_online_matrix(name: str, media):
    route = next(r for r in all_routes() if r.name == name)
    world = OnlineWorld()
    wrong = []
    for rule in POLICY[name]:
        wrong += wrong_answers(world, world.url(route, rule), rule.get, rule.post, rule.target)
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_another_bureaus_imports_and_figures_are_not_found(media):
    district = District()
    platform = Platform.objects.get(name="干部在线学习")
    record = OnlineImport.objects.create(
        platform=platform,
        year=2026,
        period_start="2026-01-01",
        period_end="2026-06-30",
        file_name="b.xlsx",
        org_unit=district.units["b"],
    )
    figure = OnlineFigure.objects.create(
        online_import=record,
        platform=platform,
        year=2026,
        cadre=district.cadres["b"],
        row=3,
        amount=900,
        status=FigureStatus.FLAGGED,
    )
    bureau_a = district.client(district.admins["a"])
    assert bureau_a.get(reverse("online:import_detail", args=[record.pk])).status_code == 404
    assert bureau_a.get(reverse("online:cadre_history", args=[district.cadres["b"].pk])).status_code == 404
    response = bureau_a.post(reverse("online:figure_decide", args=[figure.pk]), {"decision": "confirm"})
    assert response.status_code == 404
    figure.refresh_from_db()
    assert figure.status == FigureStatus.FLAGGED
    assert b"b.xlsx" not in bureau_a.get(reverse("online:import_list")).content
    org = district.client(district.org_admin)
    assert org.get(reverse("online:import_detail", args=[record.pk])).status_code == 200
