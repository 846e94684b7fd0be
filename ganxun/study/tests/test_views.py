"""The study pages through HTTP: what a 领导干部 gets, the filters and the export, the units, query budgets."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

from ..models import SelfStudy
from .factories import LeaderFactory, PlanTopicFactory, SelfStudyFactory, study_sitting
from .test_exports import Year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-study-views-")
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_leader_reads_the_archive_and_sees_the_menu_entry():
    year = Year()
    leader = client_of(UserFactory(username="wang", role=Role.CADRE, cadre=year.chief))
    page = leader.get(reverse("study:archive", args=[2026]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "全国两会精神学习辅导材料" in text and "钱副局长（请假：参加市里会议）" in text
    assert "编辑计划" not in text  # the plan is the administrators'
    assert reverse("study:index") in nav_urls(page)
    assert leader.get(reverse("study:archive_docx", args=[2026])).status_code == 200
    assert leader.get(reverse("study:plan_update", args=[year.plan.pk])).status_code == 403


@pytest.mark.parametrize("role", [Role.CADRE, Role.SECTION_HEAD])
def test_no_menu_entry_for_a_cadre_or_section_head_who_is_no_leader(role):
    cadre = CadreFactory(leadership_level="section_chief" if role == Role.SECTION_HEAD else "")
    client = client_of(UserFactory(username="plain", role=role, cadre=cadre))
    page = client.get(reverse("training:activity_list"))
    assert reverse("study:index") not in nav_urls(page)
    assert client.get(reverse("study:index")).status_code == 403


def test_a_leader_lists_and_edits_only_their_own_self_study():
    year = Year()
    leader = client_of(UserFactory(username="wang", role=Role.CADRE, cadre=year.chief))
    page = leader.get(reverse("study:self_study_list"))
    assert [r.pk for r in page.context["page"].object_list] == [year.book.pk]
    assert leader.get(reverse("study:self_study_update", args=[year.document.pk])).status_code == 404
    assert leader.post(reverse("study:self_study_delete", args=[year.document.pk])).status_code == 404
    assert leader.get(reverse("study:self_study_attachment", args=[year.book.pk])).status_code == 200
    # The form has no choice of leader: the record is theirs.
    form = leader.get(reverse("study:self_study_create")).context["form"]
    assert "cadre" not in form.fields
    response = leader.post(
        reverse("study:self_study_create"),
        {"start_date": "2026-06-01", "material": "document", "title": "信访工作条例", "hours": "2"},
    )
    assert response.status_code == 302
    assert SelfStudy.objects.get(title="信访工作条例").cadre == year.chief


def test_an_admin_picks_among_the_leaders_they_reach():
    year = Year()
    admin = client_of(year.admin)
    form = admin.get(reverse("study:self_study_create")).context["form"]
    assert set(form.fields["cadre"].queryset) == {year.chief, year.deputy}
    response = admin.post(
        reverse("study:self_study_create"),
        {"cadre": year.staff.pk, "start_date": "2026-06-01", "material": "book", "title": "x", "pages": "3"},
    )
    assert response.status_code == 200 and "cadre" in response.context["form"].errors


def test_an_attachment_is_replaced_and_removed_through_the_edit_form():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ganxun.core.tests.editing import form_data

    year = Year()
    admin = client_of(year.admin)
    url = reverse("study:self_study_update", args=[year.book.pk])
    data = form_data(admin.get(url))
    data.pop("new_attachment", None)
    bad = admin.post(url, {**data, "new_attachment": SimpleUploadedFile("病毒.exe", b"MZ")})
    assert bad.status_code == 200 and "new_attachment" in bad.context["form"].errors
    data = form_data(admin.get(url))
    data.pop("new_attachment", None)
    assert admin.post(url, {**data, "new_attachment": SimpleUploadedFile("新心得.pdf", b"%PDF")}).status_code == 302
    year.book.refresh_from_db()
    assert year.book.attachment_name == "新心得.pdf"
    data = form_data(admin.get(url))
    data.pop("new_attachment", None)
    assert admin.post(url, {**data, "remove_attachment": "on"}).status_code == 302
    year.book.refresh_from_db()
    assert not year.book.attachment


def test_the_list_filters_by_year_and_leader_and_exports_what_it_shows():
    year = Year()
    SelfStudyFactory(cadre=year.chief, start_date=dt.date(2025, 5, 1), title="去年读的书")
    admin = client_of(year.admin)
    page = admin.get(reverse("study:self_study_list"), {"year": "2026", "cadre": str(year.chief.pk)})
    assert [r.title for r in page.context["page"].object_list] == ["习近平谈治国理政（第四卷）"]
    page = admin.get(reverse("study:self_study_list"), {"year": "2025"})
    assert [r.title for r in page.context["page"].object_list] == ["去年读的书"]
    # A value that names nothing is ignored, not an error.
    assert (
        admin.get(reverse("study:self_study_list"), {"year": "abc", "cadre": "99999999999999999999"}).status_code == 200
    )
    export = admin.get(reverse("study:self_study_export"), {"year": "2026"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("领导干部", "职务", "开始日期")
    assert sorted(r[5] for r in rows[1:]) == ["上海市城市更新条例", "习近平谈治国理政（第四卷）"]


def test_another_bureaus_archive_is_not_found_and_the_department_reads_it():
    year = Year()
    bureau = UnitFactory(name="乙局", code="B2", parent=year.unit)
    study_sitting(
        unit=bureau,
        day=dt.date(2026, 5, 6),
        topic="乙局的专题",
        members=[LeaderFactory(section=SectionFactory(name="乙局领导", unit=bureau), name="乙局长")],
    )
    bureau_admin = client_of(UserFactory(username="adm_b", role=Role.TRAINING_ADMIN, cadre=None, unit=bureau))
    own = bureau_admin.get(reverse("study:archive", args=[2026]))
    assert "乙局的专题" in own.content.decode() and "全国两会精神" not in own.content.decode()
    assert bureau_admin.get(reverse("study:archive", args=[2026]), {"unit": year.unit.pk}).status_code == 404
    above = client_of(year.admin).get(reverse("study:archive", args=[2026]), {"unit": bureau.pk})
    assert "乙局的专题" in above.content.decode()


def test_a_year_out_of_range_is_not_found():
    year = Year()
    assert client_of(year.admin).get(reverse("study:archive", args=[1949])).status_code == 404
    assert client_of(year.admin).get(reverse("study:archive", args=[2101])).status_code == 404
    assert client_of(year.admin).get(reverse("study:archive", args=[1950])).status_code == 200


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _more(year: Year, n: int) -> None:
    """``n`` more sittings with members, materials, topics and self-study."""
    for i in range(n):
        leader = LeaderFactory(section=year.section, name=f"副局长{i}{n}")
        study_sitting(
            unit=year.unit,
            day=dt.date(2026, 6 + i, 10),
            topic=f"专题{i}",
            members=[year.chief, leader],
            absent=[(leader, "出差")],
            material=f"材料{i}",
        )
        PlanTopicFactory(plan=year.plan, number=10 + i, month=6 + i)
        SelfStudyFactory(cadre=leader, start_date=dt.date(2026, 6, 1), attachment=None)


@pytest.mark.parametrize(
    ("name", "args", "params"),
    [
        ("study:index", [], {}),
        ("study:archive", [2026], {}),
        ("study:archive_docx", [2026], {}),
        ("study:archive_zip", [2026], {}),
        ("study:self_study_list", [], {"year": "2026"}),
        ("study:self_study_export", [], {}),
    ],
)
def test_queries_do_not_grow_with_the_rows(name, args, params):
    year = Year()
    client = client_of(year.admin)
    url = reverse(name, args=args)
    _queries(client, url, params)  # warm the caches (content types, the session)
    few = _queries(client, url, params)
    _more(year, 4)
    assert _queries(client, url, params) == few


def test_an_admin_makes_the_years_plan_and_adds_topics():
    year = Year()
    admin = client_of(year.admin)
    url = reverse("study:plan_create", args=[2027])
    assert admin.get(url).context["form"]["title"].value() == "2027年理论学习中心组学习计划"
    response = admin.post(url, {"title": "2027年理论学习中心组学习计划", "note": "每月一次"})
    plan = year.plan.__class__.objects.get(unit=year.unit, year=2027)
    assert response.status_code == 302 and response["Location"] == reverse("study:topic_create", args=[plan.pk])
    form = admin.get(response["Location"]).context["form"]
    assert form["number"].value() == 1
    added = admin.post(
        response["Location"], {"number": "1", "topic": "人民城市", "month": "2", "lead": "王局长", "another": "1"}
    )
    assert added["Location"] == reverse("study:topic_create", args=[plan.pk])
    assert admin.get(added["Location"]).context["form"]["number"].value() == 2
    twice = admin.post(added["Location"], {"number": "1", "topic": "重复", "month": "3"})
    assert twice.status_code == 200
    assert "计划中已有该序号的专题。" in twice.content.decode()
    assert [t.topic for t in plan.topics.all()] == ["人民城市"]
    # Opening the plan's first page again goes to the plan kept.
    assert admin.get(url)["Location"] == reverse("study:plan_update", args=[plan.pk])


def nav_urls(page) -> set[str]:
    """Every link of the navigation bar, those in its menus too."""
    return {entry["url"] for item in page.context["nav_items"] for entry in item.get("children", [item])}
