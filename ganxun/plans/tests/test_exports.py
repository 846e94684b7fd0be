"""The plan and its execution in Excel, and the plan as a 公文 attachment in Word, opened and read back."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from ganxun.training.tests.factories import ActivityFactory, AttendanceFactory, SessionFactory

from .. import services
from .helpers import admin, item_fields, make_plan

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


@pytest.fixture
def plan():
    plan = make_plan(year=YEAR, items=0)
    item = services.item_create(
        actor=None, plan=plan, **item_fields(title="=全员业务培训", months=[1], budget=Decimal("20000.5"))
    )
    services.item_create(actor=None, plan=plan, **item_fields(title="现场教学", months=[12], sessions=1))
    activity = ActivityFactory(title="全员培训第一期")
    AttendanceFactory(session=SessionFactory(activity=activity, date=dt.date(YEAR, 1, 5), hours=Decimal(4)))
    services.link_create(actor=None, item=item, activity=activity)
    SessionFactory(activity=ActivityFactory(title="计划外讲座"), date=dt.date(YEAR, 1, 6))
    return plan


def test_the_workbook_holds_planned_done_links_outside_and_versions(client, plan):
    client.force_login(admin())
    response = client.get(reverse("plans:plan_export_xlsx", args=[plan.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["计划执行情况", "关联活动", "计划外活动", "版本记录"]
    rows = list(book["计划执行情况"].iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "类型", "培训内容")
    assert rows[1][2] == "'=全员业务培训"  # a formula is not run
    assert rows[1][5:11] == (2, 8, None, 20000.5, 1, 4)
    assert rows[-1][0] == "合计" and rows[-1][5] == 3
    assert list(book["关联活动"].iter_rows(values_only=True))[1][2] == "全员培训第一期"
    assert list(book["计划外活动"].iter_rows(values_only=True))[1][0] == "计划外讲座"


def test_the_word_document_is_the_plan_as_an_attachment(client, plan):
    client.force_login(admin())
    response = client.get(reverse("plans:plan_export_docx", args=[plan.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("附件") and f"{YEAR}年度干部教育培训计划" in text and "（草案）" in text
    assert "计划培训3场次、16学时，预算20000.5元" in text
    assert "已开展计划内培训1场次、4学时" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "=全员业务培训" in cells and "1月" in cells and "12月" in cells and "全体干部" in cells
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 28
