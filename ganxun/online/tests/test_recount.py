"""manage.py online_hours: a rule set after an import counts the figures already imported, once."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from ganxun.audit.models import AuditEvent
from ganxun.hours.models import ConversionRule, LedgerEntry, Rounding, Source, Unit
from ganxun.online.imports import online_import
from ganxun.online.models import OnlineCredit

from .exports import export, person, platform

pytestmark = pytest.mark.django_db
XUEXI_HEADER = ("姓名", "手机号", "用户名", "总积分", "年度积分")


def recount(*args) -> str:
    out = io.StringIO()
    call_command("online_hours", *map(str, args), stdout=out)
    return out.getvalue().splitlines()[-1]


def test_points_imported_before_their_rule_count_once_the_rule_is_set(tmp_path):
    a = person(1, "欧阳明轩", phone="13900000001")
    b = person(2, "沈佳怡", phone="13900000002")
    rows = [(a.name, "13900000001", "", 52000, 8600), (b.name, "13900000002", "", 41000, 999)]
    path = export(tmp_path / "强国.xlsx", XUEXI_HEADER, rows, titles=("学习强国 2026年度积分",))
    online_import(path, platform=platform("学习强国"), file_name="强国.xlsx", year=2026, write=True)
    assert not LedgerEntry.objects.filter(source=Source.ONLINE_RECORD).exists()
    assert recount("--year", 2026) == "counted=0 unchanged=0 uncounted=2 superseded=0"

    ConversionRule.objects.create(
        year=2026, unit=Unit.ONLINE_POINTS, per=Decimal("1000"), hours=Decimal("1"), rounding=Rounding.HALF_DOWN
    )
    assert recount("--year", 2026, "--platform", "学习强国") == "counted=2 unchanged=0 uncounted=0 superseded=0"
    hours = dict(LedgerEntry.objects.filter(source=Source.ONLINE_RECORD).values_list("cadre__name", "hours"))
    assert hours == {"欧阳明轩": Decimal("8.50"), "沈佳怡": Decimal("0.50")}  # 999 points: just under 1, half a step
    assert OnlineCredit.objects.get(cadre=a).hours == Decimal("8.50")
    assert AuditEvent.objects.filter(object_type="ledgerentry", action="create").count() == 2
    # Again: nothing to do.
    assert recount("--year", 2026) == "counted=0 unchanged=2 uncounted=0 superseded=0"

    # The rule made stricter: the entries follow; the rule removed: the entries are withdrawn.
    ConversionRule.objects.filter(unit=Unit.ONLINE_POINTS).update(hours=Decimal("0.5"))
    assert recount("--year", 2026) == "counted=2 unchanged=0 uncounted=0 superseded=0"
    assert LedgerEntry.objects.get(cadre=a, source=Source.ONLINE_RECORD).hours == Decimal("4.00")
    ConversionRule.objects.filter(unit=Unit.ONLINE_POINTS).delete()
    assert recount("--year", 2026) == "counted=0 unchanged=0 uncounted=2 superseded=0"
    assert not LedgerEntry.objects.filter(source=Source.ONLINE_RECORD).exclude(status="rejected").exists()


def test_an_unknown_platform_is_refused_naming_the_platforms():
    with pytest.raises(CommandError) as refused:
        call_command("online_hours", "--year", "2026", "--platform", "不存在", stdout=io.StringIO())
    assert "干部在线学习" in str(refused.value)


def test_the_index_page_recounts_for_an_administrator(tmp_path, client):
    from django.urls import reverse

    from ganxun.accounts.models import Role
    from ganxun.roster.tests.factories import UserFactory

    a = person(1, "欧阳明轩", phone="13900000001")
    path = export(tmp_path / "强国.xlsx", XUEXI_HEADER, [(a.name, "13900000001", "", 52000, 8600)])
    online_import(path, platform=platform("学习强国"), file_name="强国.xlsx", year=2026, write=True)
    ConversionRule.objects.create(
        year=2026, unit=Unit.ONLINE_POINTS, per=Decimal("1000"), hours=Decimal("1"), rounding=Rounding.HALF_DOWN
    )
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    client.force_login(admin)
    page = client.get(reverse("online:index"), {"year": 2026}).content.decode()
    assert "按现行规则重算2026年学时" in page
    response = client.post(reverse("online:recount"), {"year": "2026"}, follow=True)
    assert "1人有变化" in response.content.decode()
    assert LedgerEntry.objects.get(cadre=a, source=Source.ONLINE_RECORD).hours == Decimal("8.50")
    assert AuditEvent.objects.filter(object_type="ledgerentry", actor=admin).count() == 1
