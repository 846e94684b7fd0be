"""The review of flagged figures (confirm applies, reject keeps it uncounted; both audited) and the refusal of an
online self-report for a platform and year an import covers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import Bucket, LedgerEntry, Source
from ganxun.hours.services import self_report_submit
from ganxun.online.imports import online_import
from ganxun.online.models import FigureStatus, OnlineCredit, OnlineFigure
from ganxun.online.services import figure_confirm, figure_reject
from ganxun.roster.tests.factories import UserFactory

from .exports import export, person, platform

pytestmark = pytest.mark.django_db
HEADER = ("姓名", "身份证号", "总学时")
TEN_DAYS = ("干部在线学习学时统计", "统计时间：2026-06-01至2026-06-10")


def imported(tmp_path, rows, name="first.xlsx"):
    path = export(tmp_path / name, HEADER, rows, titles=TEN_DAYS)
    return online_import(path, platform=platform("干部在线学习"), file_name=name, write=True)


def test_confirming_a_flagged_figure_counts_it_once_and_is_audited(tmp_path):
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    cadre = person(1, "多许多")
    imported(tmp_path, [(cadre.name, cadre.id_number, "90")])
    figure = OnlineFigure.objects.get(status=FigureStatus.FLAGGED)
    figure_confirm(actor=admin, figure=figure, reason="平台已核实：集中学习周")
    figure.refresh_from_db()
    assert (figure.status, figure.decided_by, figure.reason) == (
        FigureStatus.CONFIRMED,
        admin,
        "平台已核实：集中学习周",
    )
    entry = LedgerEntry.objects.get(cadre=cadre, source=Source.ONLINE_RECORD)
    assert (entry.hours, entry.bucket, entry.date) == (Decimal("90.00"), Bucket.ONLINE, dt.date(2026, 6, 10))
    assert AuditEvent.objects.filter(object_type="onlinefigure", actor=admin).count() == 1
    with pytest.raises(ValidationError):
        figure_confirm(actor=admin, figure=figure)
    # The same figure again is unchanged: it is the one counted.
    assert imported(tmp_path, [(cadre.name, cadre.id_number, "90")], "again.xlsx").unchanged == 1


def test_rejecting_needs_a_reason_and_keeps_the_figure_uncounted(tmp_path):
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    cadre = person(1, "多许多")
    imported(tmp_path, [(cadre.name, cadre.id_number, "90")])
    figure = OnlineFigure.objects.get(status=FigureStatus.FLAGGED)
    with pytest.raises(ValidationError):
        figure_reject(actor=admin, figure=figure, reason="  ")
    figure_reject(actor=admin, figure=figure, reason="平台数据异常")
    figure.refresh_from_db()
    assert figure.status == FigureStatus.REJECTED
    assert not LedgerEntry.objects.filter(cadre=cadre).exists()
    assert AuditEvent.objects.filter(object_type="onlinefigure", actor=admin).count() == 1


def test_nobody_reviews_their_own_figure(tmp_path):
    cadre = person(1, "多许多")
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=cadre)
    path = export(tmp_path / "f.xlsx", HEADER, [(cadre.name, cadre.id_number, "90")], titles=TEN_DAYS)
    online_import(path, platform=platform("干部在线学习"), file_name="f.xlsx", write=True)
    with pytest.raises(ValidationError):
        figure_confirm(actor=admin, figure=OnlineFigure.objects.get())


def test_the_review_page_confirms_and_rejects(tmp_path, client):
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    a, b = person(1, "甲"), person(2, "乙")
    imported(tmp_path, [(a.name, a.id_number, "90"), (b.name, b.id_number, "95")])
    client.force_login(admin)
    page = client.get(reverse("online:review_list"))
    assert page.status_code == 200 and "甲" in page.content.decode() and "乙" in page.content.decode()
    fa, fb = OnlineFigure.objects.get(cadre=a), OnlineFigure.objects.get(cadre=b)
    response = client.post(reverse("online:figure_decide", args=[fa.pk]), {"decision": "confirm"})
    assert response.status_code == 302
    response = client.post(reverse("online:figure_decide", args=[fb.pk]), {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    response = client.post(reverse("online:figure_decide", args=[fb.pk]), {"decision": "reject", "reason": "重复"})
    assert response.status_code == 302
    assert dict(OnlineFigure.objects.values_list("cadre__name", "status")) == {"甲": "confirmed", "乙": "rejected"}
    assert OnlineCredit.objects.get(cadre=a).hours == Decimal("90.00")


def test_an_online_self_report_for_an_imported_platform_and_year_is_refused(tmp_path):
    cadre = person(1, "欧阳明轩")
    user = UserFactory(username="gb", role=Role.CADRE, cadre=cadre)
    today = timezone.localdate()
    path = export(tmp_path / "x.xlsx", HEADER, [(cadre.name, cadre.id_number, "10")], titles=(f"{today.year}年度",))
    online_import(path, platform=platform("干部在线学习"), file_name="x.xlsx", year=today.year, write=True)
    common = {"actor": user, "cadre": cadre, "date": today, "hours": Decimal("2"), "bucket": Bucket.ONLINE}
    chosen = str(platform("干部在线学习").pk)
    with pytest.raises(ValidationError) as refused:
        self_report_submit(**common, title="网上专题学习", platform=chosen)
    assert "干部在线学习" in str(refused.value) and str(today.year) in str(refused.value)
    with pytest.raises(ValidationError):
        self_report_submit(**common, title="在 干部在线学习 学习新条例")
    # A platform without an import, and another category, may still be reported.
    self_report_submit(**common, title="宣讲联盟 学习", platform=str(platform("宣讲联盟").pk))
    self_report_submit(**{**common, "bucket": Bucket.SELF_STUDY}, title="干部在线学习 笔记")
    assert LedgerEntry.objects.filter(source=Source.SELF_REPORT).count() == 2


def test_the_self_report_form_offers_the_platforms_and_shows_the_refusal(tmp_path, client):
    cadre = person(1, "欧阳明轩")
    user = UserFactory(username="gb", role=Role.CADRE, cadre=cadre)
    today = timezone.localdate()
    path = export(tmp_path / "x.xlsx", HEADER, [(cadre.name, cadre.id_number, "10")], titles=(f"{today.year}年度",))
    online_import(path, platform=platform("干部在线学习"), file_name="x.xlsx", year=today.year, write=True)
    client.force_login(user)
    url = reverse("hours:self_report_create")
    assert "干部在线学习" in client.get(url).content.decode()
    data = {
        "date": today.isoformat(),
        "hours": "2",
        "bucket": Bucket.ONLINE,
        "platform": str(platform("干部在线学习").pk),
        "title": "网上学习",
        "evidence": "笔记",
        "witness": "李科长",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "干部在线学习" in response.content.decode()
    assert not LedgerEntry.objects.filter(source=Source.SELF_REPORT).exists()


def _reports_before_the_import(today):
    """A cadre's online self-reports filed before any export of the year is imported: one of 干部在线学习 chosen
    from the list (its title then names it), one naming it in the title and already confirmed, one of another
    platform, one already rejected."""
    cadre = person(1, "欧阳明轩")
    user = UserFactory(username="gb", role=Role.CADRE, cadre=cadre)
    common = {"actor": user, "cadre": cadre, "hours": Decimal("2"), "bucket": Bucket.ONLINE}
    chosen = self_report_submit(**common, date=today, title="网上专题学习", platform=str(platform("干部在线学习").pk))
    confirmed = self_report_submit(**common, date=today - dt.timedelta(days=1), title="干部在线学习 条例课")
    confirmed.status = "confirmed"
    confirmed.save()  # as the review would (the totals follow)
    other = self_report_submit(**common, date=today - dt.timedelta(days=2), title="宣讲联盟 学习")
    rejected = self_report_submit(**common, date=today - dt.timedelta(days=3), title="干部在线学习 旧课")
    rejected.status, rejected.reason = "rejected", "重复"
    rejected.save()
    return cadre, chosen, confirmed, other, rejected


def test_a_chosen_platform_is_named_in_the_title_of_the_report():
    today = timezone.localdate()
    _cadre, chosen, *_ = _reports_before_the_import(today)
    assert chosen.title == "干部在线学习：网上专题学习"


def test_an_import_withdraws_the_self_reports_of_its_platform_and_year_filed_before_it(tmp_path):
    today = timezone.localdate()
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    cadre, chosen, confirmed, other, rejected = _reports_before_the_import(today)
    path = export(tmp_path / "x.xlsx", HEADER, [(cadre.name, cadre.id_number, "10")], titles=(f"{today.year}年度",))
    preview = online_import(path, platform=platform("干部在线学习"), file_name="x.xlsx", year=today.year)
    assert preview.superseded == 2
    assert any("2" in n and "干部在线学习" in n for n in preview.notices)
    # A preview writes nothing.
    assert LedgerEntry.objects.filter(source=Source.SELF_REPORT, status="rejected").count() == 1

    result = online_import(
        path, platform=platform("干部在线学习"), file_name="x.xlsx", year=today.year, actor=admin, write=True
    )
    assert (result.created, result.superseded) == (1, 2)
    status = dict(LedgerEntry.objects.filter(source=Source.SELF_REPORT).values_list("pk", "status"))
    assert status == {chosen.pk: "rejected", confirmed.pk: "rejected", other.pk: "pending", rejected.pk: "rejected"}
    withdrawn = LedgerEntry.objects.get(pk=confirmed.pk)
    assert "干部在线学习" in withdrawn.reason and withdrawn.decided_by == admin
    assert LedgerEntry.objects.get(pk=rejected.pk).reason == "重复"  # already rejected: left as it was
    withdrawals = AuditEvent.objects.filter(object_type="ledgerentry", action="status", actor=admin)
    assert sorted(int(e.object_id) for e in withdrawals) == sorted([chosen.pk, confirmed.pk])
    # The online bucket holds the platform's 10 学时 only: the confirmed report's 2 are no longer counted.
    counted = LedgerEntry.objects.filter(cadre=cadre, bucket=Bucket.ONLINE, status="confirmed")
    assert sorted(counted.values_list("hours", flat=True)) == [Decimal("10.00")]


def test_a_flagged_figure_withdraws_the_reports_only_once_confirmed(tmp_path):
    today = timezone.localdate()
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    cadre, chosen, confirmed, *_ = _reports_before_the_import(today)
    path = export(tmp_path / "x.xlsx", HEADER, [(cadre.name, cadre.id_number, "450")], titles=(f"{today.year}年度",))
    result = online_import(
        path, platform=platform("干部在线学习"), file_name="x.xlsx", year=today.year, actor=admin, write=True
    )
    assert (result.flagged, result.superseded) == (1, 0)
    assert LedgerEntry.objects.get(pk=confirmed.pk).status == "confirmed"
    figure_confirm(actor=admin, figure=OnlineFigure.objects.get(), reason="核实")
    assert LedgerEntry.objects.get(pk=confirmed.pk).status == "rejected"
    assert LedgerEntry.objects.get(pk=chosen.pk).status == "rejected"
