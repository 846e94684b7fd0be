"""The 微课堂 URLs against their declared policy (policy_microclass.POLICY), role by role, GET and POST; and what
another bureau's administrator gets: 404 for a course of theirs, nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ganxun.core.tests.test_permissions import District, Route, World, all_routes, wrong_answers

from ..models import Assignment, Course
from .factories import CourseFactory, LessonFactory
from .policy_microclass import POLICY, add_targets


class MicroclassWorld(World):
    def __init__(self) -> None:
        super().__init__()
        add_targets(self)

    def url(self, route: Route, rule) -> str:
        target = rule["target"] if isinstance(rule, dict) else rule.target
        if not route.params:
            return reverse(route.name)
        return reverse(route.name, kwargs={route.params[0]: getattr(self, target).pk})


def test_every_microclass_url_is_declared():
    names = {r.name for r in all_routes() if r.name.startswith("microclass:")}
    assert names - set(POLICY) == set(), "微课堂 URLs without a policy"
    assert set(POLICY) - names == set(), "policies of URLs that are gone"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_microclass_matrix(name: str):
    route = next(r for r in all_routes() if r.name == name)
    world = MicroclassWorld()
    wrong = []
    for rule in POLICY[name]:
        wrong += wrong_answers(world, world.url(route, rule), rule["get"], rule["post"], rule["target"])
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_another_bureaus_courses_are_not_found_and_not_written():
    district = District()
    course_b = CourseFactory(unit=district.units["b"], title="乙局的微课")
    lesson_b = LessonFactory(course=course_b)
    bureau_a = district.client(district.admins["a"])
    for name, pk in (
        ("microclass:course_detail", course_b.pk),
        ("microclass:course_update", course_b.pk),
        ("microclass:course_assign", course_b.pk),
        ("microclass:course_progress", course_b.pk),
        ("microclass:course_progress_export", course_b.pk),
        ("microclass:lesson_create", course_b.pk),
        ("microclass:lesson_update", lesson_b.pk),
        ("microclass:lesson_detail", lesson_b.pk),
        ("microclass:lesson_file", lesson_b.pk),
    ):
        assert bureau_a.get(reverse(name, args=[pk])).status_code == 404, name
    response = bureau_a.post(reverse("microclass:course_assign", args=[course_b.pk]), {"everyone": "on"})
    assert response.status_code == 404
    assert not Assignment.objects.filter(course=course_b).exists()
    response = bureau_a.post(reverse("microclass:course_update", args=[course_b.pk]), {"title": "改了"})
    assert response.status_code == 404
    assert Course.objects.get(pk=course_b.pk).title == "乙局的微课"
    assert (
        district.client(district.org_admin).get(reverse("microclass:course_detail", args=[course_b.pk])).status_code
        == 200
    )
