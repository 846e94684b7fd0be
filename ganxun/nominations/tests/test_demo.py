"""The demo's 调训: both classes, nominations in every state, the finished class's 学时 on the ledger, and a
second call that adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.models import PoliticalStatus
from ganxun.roster.tests.factories import CadreFactory, SectionFactory

from ..demo import demo_nominations
from ..models import Nomination, Programme, Result
from .world import Bureau


@pytest.mark.django_db
def test_demo_nominations_writes_both_classes_once():
    world = Bureau()
    Programme.objects.all().delete()  # the world's own class bears the demo's title
    for n in range(6):
        CadreFactory(name=f"演示{n}", section=world.other_section, political_status=PoliticalStatus.CPC_MEMBER)
    CadreFactory(name="民政青年", section=SectionFactory(name="民政科", unit=world.other_bureau))
    today = timezone.localdate()
    kwargs = dict(
        org_admin=world.org_admin,
        bureau_admin=world.admin,
        org_unit=world.org,
        bureau=world.bureau,
        other_units=[world.other_bureau],
        today=today,
    )
    demo_nominations(**kwargs)
    assert Programme.objects.filter(title__startswith=f"{today.year}年区").count() == 2
    statuses = set(Nomination.objects.values_list("status", flat=True))
    assert statuses == {"nominated", "approved", "rejected", "confirmed"}
    assert Nomination.objects.filter(result=Result.COMPLETED).count() == 2
    assert Nomination.objects.filter(result=Result.NOT_COMPLETED).count() == 1
    counted = LedgerEntry.objects.filter(source=Source.OUTSIDE_CLASS, status=EntryStatus.CONFIRMED)
    assert counted.count() == 2
    before = Nomination.objects.count()
    demo_nominations(**kwargs)
    assert Nomination.objects.count() == before
