"""The attendance pages against their declared policy (policy_attendance.POLICY), role by role, GET and POST."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ganxun.core.tests.test_permissions import World, all_routes, wrong_answers
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from ..checkin import make_token
from .policy_attendance import POLICY


class AttendanceWorld(World):
    """The matrix's world, plus a session today that the matrix cadre and a peer are enrolled in."""

    def __init__(self) -> None:
        super().__init__()
        self.activity = ActivityFactory(kind__name="月末讲坛", organiser=self.head_section)
        self.session = SessionFactory(
            activity=self.activity,
            date=timezone.localdate(),
            start_time=dt.time(9),
            end_time=dt.time(11),
            evaluation_closes_at=timezone.now() + dt.timedelta(days=1),
        )
        for cadre in (self.own_cadre, self.peer):
            EnrolmentFactory(activity=self.activity, cadre=cadre)

    def attendance_url(self, name: str, target: str) -> str:
        if name == "attendance:checkin":
            return reverse(name, args=[make_token(self.session.pk)])
        return reverse(name, args=[getattr(self, target).pk]) if target else reverse(name)


def test_every_attendance_url_has_a_policy():
    names = {r.name for r in all_routes() if r.name.startswith("attendance:")}
    assert names == set(POLICY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_attendance_matrix(name: str):
    world = AttendanceWorld()
    wrong = []
    for rule in POLICY[name]:
        url = world.attendance_url(name, rule["target"])
        wrong += wrong_answers(world, url, rule["get"], rule["post"], rule["target"])
    assert not wrong, "\n".join(wrong)
