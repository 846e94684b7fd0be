"""The 调训 URLs against their declared policy (policy_nominations.POLICY), role by role, GET and POST; and what
another bureau's administrator gets."""

from __future__ import annotations

import shutil
import tempfile

import pytest
from django.urls import reverse

from ganxun.core.tests.test_permissions import District, Route, World, all_routes, wrong_answers

from ..models import Nomination, NominationStatus, Programme, Quota
from .policy_nominations import POLICY, add_targets


class NominationsWorld(World):
    def __init__(self) -> None:
        super().__init__()
        add_targets(self)

    def url(self, route: Route, rule) -> str:
        if not route.params:
            return reverse(route.name)
        return reverse(route.name, kwargs={"pk": getattr(self, rule.target).pk})


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-nominations-matrix-")
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_every_nominations_url_is_declared():
    names = {r.name for r in all_routes() if r.name.startswith("nominations:")}
    assert names == set(POLICY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_nominations_matrix(name: str, media):
    route = next(r for r in all_routes() if r.name == name)
    world = NominationsWorld()
    wrong = []
    for rule in POLICY[name]:
        wrong += wrong_answers(world, world.url(route, rule), rule.get, rule.post, rule.target)
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_another_bureaus_classes_and_nominations_are_not_found():
    """Bureau B's class and nomination: bureau A's admin gets 404 and cannot review; the department's admin can."""
    import datetime as dt

    district = District()
    programme = Programme.objects.create(
        title="乙局专题班",
        organiser=district.org,
        start_date=dt.date(2026, 9, 1),
        end_date=dt.date(2026, 9, 1),
        hours=8,
    )
    quota = Quota.objects.create(programme=programme, unit=district.units["b"], places=2)
    cadre = district.cadres["b"]
    nomination = Nomination.objects.create(
        programme=programme, quota=quota, cadre=cadre, unit=cadre.unit, section=cadre.section
    )
    bureau_a = district.client(district.admins["a"])
    assert bureau_a.get(reverse("nominations:programme_detail", args=[programme.pk])).status_code == 404
    assert bureau_a.get(reverse("nominations:nomination_detail", args=[nomination.pk])).status_code == 404
    response = bureau_a.post(reverse("nominations:nomination_review", args=[nomination.pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.NOMINATED
    assert "乙局专题班" not in bureau_a.get(reverse("nominations:programme_list") + "?year=2026").content.decode()
    org = district.client(district.org_admin)
    assert org.get(reverse("nominations:nomination_detail", args=[nomination.pk])).status_code == 200
    response = org.post(reverse("nominations:nomination_review", args=[nomination.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.APPROVED
