"""The practice import pages: upload → preview → confirm, the templates, and who may use them."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.practice.imports import KINDS, practice_import
from ganxun.practice.models import Campaign, Stint
from ganxun.roster.tests.factories import UserFactory

from .import_files import DEPLOYMENT_HEADER, cadre, stint_row, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None))
    return client


def upload(client, path, kind="deployment", **data):
    with path.open("rb") as f:
        return client.post(reverse("practice:import_upload", kwargs={"kind": kind}), {"file": f, **data})


def test_preview_then_confirm(admin_client, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    people = [cadre(1, "王伟"), cadre(2, "李娜")]
    path = workbook(tmp_path / "下沉.xlsx", [stint_row(p) for p in people], DEPLOYMENT_HEADER)
    response = upload(admin_client, path, group="2022年社区抗疫")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-count="created">2<' in page and "data-new-group" in page
    assert "长白新村街道 长白一村居委" in page
    assert not Stint.objects.exists()
    response = admin_client.post(reverse("practice:import_confirm", kwargs={"kind": "deployment"}))
    assert response.status_code == 302
    assert Stint.objects.count() == 2 and Campaign.objects.get().name == "2022年社区抗疫"
    assert AuditEvent.objects.filter(action=Action.IMPORT, actor__username="peixun").count() == 1
    # The stored file is gone once imported: confirming again imports nothing.
    again = admin_client.post(reverse("practice:import_confirm", kwargs={"kind": "deployment"}))
    assert again.status_code == 302 and Stint.objects.count() == 2


def test_errors_are_listed_by_row_and_nothing_can_be_confirmed(admin_client, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    person = cadre(1, "王伟")
    path = workbook(tmp_path / "bad.xlsx", [stint_row(person, 开始日期="2022.13.1")], DEPLOYMENT_HEADER)
    page = upload(admin_client, path, group="抗疫").content.decode()
    assert "第3行 开始日期: “2022.13.1”不是有效日期" in page
    assert reverse("practice:import_confirm", kwargs={"kind": "deployment"}) not in page
    response = admin_client.post(reverse("practice:import_confirm", kwargs={"kind": "deployment"}))
    assert response.status_code == 302 and not Stint.objects.exists()


def test_a_deployment_upload_needs_the_campaign(admin_client, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    path = workbook(tmp_path / "d.xlsx", [stint_row(cadre(1, "王伟"))], DEPLOYMENT_HEADER)
    response = upload(admin_client, path)
    assert response.status_code == 400 and not Stint.objects.exists()


def test_an_unreadable_file_is_refused_on_the_form(admin_client, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    response = upload(admin_client, path, kind="secondment")
    assert response.status_code == 400
    assert "该文件不是 Excel 文件" in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_has_the_headers_and_a_sample_row_that_reads_back(admin_client, tmp_path, kind):
    response = admin_client.get(reverse("practice:import_template", kwargs={"kind": kind}))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("姓名", "身份证号") and all(rows[2][:3])
    path = tmp_path / "t.xlsx"
    path.write_bytes(response.content)
    # The sample row is understood: its only complaint is that its sample person is not on the roster.
    result = practice_import(path, kind=kind, file_name="t.xlsx", campaign="样例", team="样例")
    assert [e.column for e in result.errors] == ["身份证号"]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.SYSTEM_ADMIN, 200), (Role.TRAINING_ADMIN, 200), (Role.SECTION_HEAD, 403), (Role.CADRE, 403)],
)
def test_only_administrators_import(client, role, status):
    admin = role in (Role.SYSTEM_ADMIN, Role.TRAINING_ADMIN)
    user = UserFactory(role=role, **({"cadre": None} if admin else {}))
    client.force_login(user)
    for name in ("practice:import_upload", "practice:import_template"):
        assert client.get(reverse(name, kwargs={"kind": "deployment"})).status_code == status
    assert client.post(reverse("practice:import_confirm", kwargs={"kind": "deployment"})).status_code in (
        (302,) if admin else (403,)
    )


def test_an_unknown_kind_is_not_found(admin_client):
    assert admin_client.get("/practice/import/visits/").status_code == 404
