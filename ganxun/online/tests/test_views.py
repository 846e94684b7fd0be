"""The pages through HTTP: upload → preview → confirm, the stored file, the figures each role sees, a cadre's
history, the platform profile and the outlier rules edited, the templates; list query budgets that do not grow
with the rows."""

from __future__ import annotations

import io
import shutil
import tempfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import LedgerEntry, Source
from ganxun.online.imports import online_import
from ganxun.online.models import OnlineCredit, OnlineImport, OutlierKind, OutlierRule, Platform
from ganxun.roster.tests.factories import SectionFactory, UserFactory

from .exports import export, person, platform

pytestmark = pytest.mark.django_db
HEADER = ("姓名", "身份证号", "单位/部门", "总学时")


@pytest.fixture(autouse=True)
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-online-views-")
    settings.VAR_DIR = settings.MEDIA_ROOT
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def admin():
    return UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)


def test_upload_preview_confirm_and_the_stored_file(tmp_path, client, admin):
    a = person(1, "欧阳明轩")
    path = export(
        tmp_path / "在线学习.xlsx",
        HEADER,
        [(a.name, a.id_number, "办公室", "12.5"), ("路人甲", "110101199003071234", "外单位", "3")],
    )
    client.force_login(admin)
    with path.open("rb") as handle:
        response = client.post(
            reverse("online:import_upload"), {"platform": platform("干部在线学习").pk, "file": handle}
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="created">1<' in page and 'data-count="unmatched">1<' in page
    assert "路人甲" in page and "110101********1234" in page
    assert not OnlineImport.objects.exists()
    response = client.post(reverse("online:import_confirm"))
    record = OnlineImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("online:import_detail", args=[record.pk])
    assert (record.created, record.unmatched, record.imported_by) == (1, 1, admin)
    assert LedgerEntry.objects.get(cadre=a, source=Source.ONLINE_RECORD).hours == Decimal("12.50")
    download = client.get(reverse("online:import_file", args=[record.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == path.read_bytes()
    detail = client.get(reverse("online:import_detail", args=[record.pk]) + "?status=unmatched").content.decode()
    assert "路人甲" in detail and "欧阳明轩" not in detail.split("data-figures")[1]
    assert AuditEvent.objects.filter(action="import", object_type="onlineimport").count() == 1


def test_a_bad_file_is_shown_with_its_rows_and_cannot_be_confirmed(tmp_path, client, admin):
    a = person(1, "欧阳明轩")
    path = export(tmp_path / "bad.xlsx", HEADER, [(a.name, a.id_number, "办公室", "十二")])
    client.force_login(admin)
    with path.open("rb") as handle:
        response = client.post(
            reverse("online:import_upload"), {"platform": platform("干部在线学习").pk, "file": handle}
        )
    page = response.content.decode()
    assert "第3行 总学时" in page
    assert reverse("online:import_confirm") not in page
    assert client.post(reverse("online:import_confirm")).status_code == 302
    assert not OnlineImport.objects.exists()


def test_each_role_sees_the_figures_it_may(tmp_path, client, admin):
    office, housing = SectionFactory(name="办公室"), SectionFactory(name="住房保障科")
    head_cadre = person(1, "李科长", section_obj=office, leadership_level="section_chief")
    mine, other = person(2, "小王", section_obj=office), person(3, "赵四", section_obj=housing)
    rows = [(c.name, c.id_number, "", "10") for c in (head_cadre, mine, other)]
    path = export(tmp_path / "x.xlsx", HEADER, rows, titles=("2026年度",))
    online_import(path, platform=platform("干部在线学习"), file_name="x.xlsx", year=2026, write=True)
    head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=head_cadre)
    cadre = UserFactory(username="gb", role=Role.CADRE, cadre=mine)

    def names(user):
        client.force_login(user)
        page = client.get(reverse("online:index") + "?year=2026").content.decode()
        return {n for n in ("李科长", "小王", "赵四") if f">{n}</a>" in page}

    assert names(admin) == {"李科长", "小王", "赵四"}
    assert names(head) == {"李科长", "小王"}
    assert names(cadre) == {"小王"}
    client.force_login(cadre)
    assert client.get(reverse("online:cadre_history", args=[mine.pk])).status_code == 200
    assert client.get(reverse("online:cadre_history", args=[other.pk])).status_code == 404


def _import_people(tmp_path, count: int, start: int):
    people = [person(start + n, f"干部{start + n}") for n in range(count)]
    rows = [(c.name, c.id_number, "", "10") for c in people]
    path = export(tmp_path / f"p{start}.xlsx", HEADER, rows, titles=("2026年度",))
    online_import(path, platform=platform("干部在线学习"), file_name=path.name, year=2026, write=True)


@pytest.mark.parametrize(
    ("name", "params"),
    [("online:index", "?year=2026"), ("online:import_list", ""), ("online:review_list", "")],
)
def test_list_queries_do_not_grow_with_the_rows(tmp_path, client, admin, name, params):
    client.force_login(admin)
    _import_people(tmp_path, 3, 100)
    url = reverse(name) + params
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _import_people(tmp_path, 12, 200)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_import_detail_and_history_queries_do_not_grow(tmp_path, client, admin, django_assert_max_num_queries):
    client.force_login(admin)
    _import_people(tmp_path, 30, 300)
    record = OnlineImport.objects.get()
    with django_assert_max_num_queries(12):
        client.get(reverse("online:import_detail", args=[record.pk]))
    cadre_id = OnlineCredit.objects.first().cadre_id
    with django_assert_max_num_queries(12):
        client.get(reverse("online:cadre_history", args=[cadre_id]))


def test_an_admin_edits_a_platforms_profile_and_adds_one(client, admin):
    client.force_login(admin)
    xuexi = platform("学习强国")
    url = reverse("online:platform_update", args=[xuexi.pk])
    page = client.get(url).content.decode()
    assert "年度积分、本期积分" in page
    data = {
        "name": "学习强国",
        "unit": "points",
        "cumulation": "period",
        "active": "on",
        "headers_amount": "本期积分，积分",
    }
    assert client.post(url, data).status_code == 302
    xuexi.refresh_from_db()
    assert xuexi.cumulation == "period" and xuexi.synonyms()["amount"] == ["本期积分", "积分"]
    data = {"name": "区党建云课堂", "unit": "minutes", "cumulation": "year", "active": "on"}
    assert client.post(reverse("online:platform_create"), data).status_code == 302
    added = Platform.objects.get(name="区党建云课堂")
    assert "学习时长(分钟)" in added.synonyms()["amount"]
    assert AuditEvent.objects.filter(object_type="platform").count() == 2


def test_the_template_of_each_platform_is_read_back_by_its_own_import(tmp_path, client, admin):
    client.force_login(admin)
    for found in Platform.objects.all():
        response = client.get(reverse("online:platform_template", args=[found.pk]))
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        header = [c.value for c in workbook.active[2]]
        assert header[0] == "姓名" and "身份证号" in header
        path = tmp_path / f"{found.pk}.xlsx"
        path.write_bytes(response.content)
        result = online_import(path, platform=found, file_name=path.name)
        assert result.ok and result.unmatched == 1, found.name  # the sample person is not on the roster


def test_an_admin_tightens_an_outlier_rule_and_a_threshold_is_required(client, admin):
    client.force_login(admin)
    rule = OutlierRule.objects.get(kind=OutlierKind.PER_DAY)
    url = reverse("online:rule_update", args=[rule.pk])
    assert client.post(url, {f"r{rule.pk}-threshold": "", f"r{rule.pk}-active": "on"}).status_code == 400
    assert client.post(url, {f"r{rule.pk}-threshold": "6", f"r{rule.pk}-active": "on"}).status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == Decimal("6")
    assert AuditEvent.objects.filter(object_type="outlierrule").count() == 1


def test_the_archive_links_an_online_entry_to_the_cadres_figures(tmp_path, client, admin):
    a = person(1, "欧阳明轩")
    path = export(tmp_path / "x.xlsx", HEADER, [(a.name, a.id_number, "", "12.5")], titles=("2026年度",))
    online_import(path, platform=platform("干部在线学习"), file_name="x.xlsx", year=2026, write=True)
    client.force_login(admin)
    credit = OnlineCredit.objects.get(cadre=a)
    page = client.get(reverse("hours:cadre_archive", args=[a.pk]) + "?year=2026").content.decode()
    assert reverse("online:credit_detail", args=[credit.pk]) in page
    response = client.get(reverse("online:credit_detail", args=[credit.pk]))
    assert response["Location"] == reverse("online:cadre_history", args=[a.pk])
