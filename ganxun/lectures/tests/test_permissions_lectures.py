"""The 讲坛 URLs against their declared policy (policy_lectures.POLICY), role by role, GET and POST; and what
another bureau's administrator gets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ganxun.core.tests.test_permissions import District, Route, World, all_routes, wrong_answers
from ganxun.lectures.models import LecturerKind, LecturerProfile, ScheduledLecture
from ganxun.lectures.services import series_for_unit

from .policy_lectures import POLICY, add_targets


class LecturesWorld(World):
    def __init__(self) -> None:
        super().__init__()
        add_targets(self)

    def url(self, route: Route, rule) -> str:
        if not route.params:
            return reverse(route.name)
        return reverse(route.name, kwargs={"pk": getattr(self, rule.target).pk})


def test_every_lectures_url_is_declared():
    names = {r.name for r in all_routes() if r.name.startswith("lectures:")}
    assert names == set(POLICY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_lectures_matrix(name: str):
    route = next(r for r in all_routes() if r.name == name)
    world = LecturesWorld()
    wrong = []
    for rule in POLICY[name]:
        wrong += wrong_answers(world, world.url(route, rule), rule.get, rule.post, rule.target)
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_another_bureaus_lecturers_and_lectures_are_not_found():
    district = District()
    unit_b = district.units["b"]
    lecturer = LecturerProfile.objects.create(unit=unit_b, cadre=district.cadres["b"], kind=LecturerKind.KEY_STAFF)
    lecture = ScheduledLecture.objects.create(
        series=series_for_unit(unit_b), year=2026, month=4, date=dt.date(2026, 4, 30), default_date=dt.date(2026, 4, 30)
    )
    bureau_a = district.client(district.admins["a"])
    assert bureau_a.get(reverse("lectures:lecturer_detail", args=[lecturer.pk])).status_code == 404
    assert bureau_a.get(reverse("lectures:lecturer_update", args=[lecturer.pk])).status_code == 404
    assert bureau_a.get(reverse("lectures:lecture_update", args=[lecture.pk])).status_code == 404
    assert district.cadres["b"].name.encode() not in bureau_a.get(reverse("lectures:lecturer_list")).content
    bureau_b = district.client(district.admins["b"])
    assert bureau_b.get(reverse("lectures:lecture_update", args=[lecture.pk])).status_code == 200
