"""The hours pages against their declared policy (policy_hours.POLICY), role by role, GET and POST."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ganxun.core.tests.test_permissions import World, all_routes, wrong_answers
from ganxun.hours.models import BucketCap, CompletionRule, ConversionRule, HistoryRule, Requirement

from .factories import OutsideClassFactory, SelfReportFactory
from .policy_hours import POLICY


class HoursWorld(World):
    """The matrix's world, plus pending self-reports (with evidence files), a returned one, rules and an outside
    class."""

    def __init__(self) -> None:
        super().__init__()
        today = dt.date.today()
        self.own_report = SelfReportFactory(cadre=self.own_cadre, date=today)
        self.elsewhere_report = SelfReportFactory(cadre=self.elsewhere, date=today)
        for entry in (self.own_report, self.elsewhere_report):
            entry.evidence_file.save("evidence.pdf", ContentFile(b"%PDF-1.4\n"))
        self.own_evidence, self.elsewhere_evidence = self.own_report, self.elsewhere_report
        self.own_returned_report = SelfReportFactory(
            cadre=self.own_cadre, date=today, status="returned", reason="请补充学习笔记"
        )
        self.conversion_rule = ConversionRule.objects.get(year=2025, unit="day")
        self.requirement = Requirement.objects.filter(start_year=2025, end_year=2025).first()
        self.cap = BucketCap.objects.get(year=2025, bucket="self_study")
        self.history_rule = HistoryRule.objects.create(year=2025)
        self.completion_rule = CompletionRule.objects.create(year=2025)
        self.outside_class = OutsideClassFactory()

    def hours_url(self, name: str, target: str) -> str:
        return reverse(name, args=[getattr(self, target).pk]) if target else reverse(name)


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-matrix-")
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_every_hours_url_has_a_policy():
    names = {r.name for r in all_routes() if r.name.startswith("hours:")}
    assert names == set(POLICY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_hours_matrix(name: str, media):
    world = HoursWorld()
    wrong = []
    for rule in POLICY[name]:
        url = world.hours_url(name, rule["target"])
        wrong += wrong_answers(world, url, rule["get"], rule["post"], rule["target"])
    assert not wrong, "\n".join(wrong)
