"""The plan and its execution as a workbook: the items planned against what was done, the activities linked to
each, the activities outside the plan, and the plan's versions."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ganxun.core.excel import safe_cell

from .queries import Execution

BOLD = Font(bold=True)
ITEM_HEADER = [
    "序号",
    "类型",
    "培训内容",
    "培训对象",
    "计划月份",
    "计划场次",
    "计划学时",
    "责任科室",
    "预算（元）",
    "已办场次",
    "已办学时",
    "参训人数",
    "对象人数",
    "覆盖率（%）",
    "状态",
]


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list], widths: list[int], *, first=False):
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def status_text(row) -> str:
    if row.overdue:
        return "逾期未办"
    if row.sessions_done >= row.item.sessions:
        return "已完成"
    return "进行中" if row.sessions_done else "未开始"


def execution_workbook(execution: Execution) -> Workbook:
    book = Workbook()
    rows = [
        [
            r.item.number,
            r.item.kind.name,
            r.item.title,
            r.audience,
            r.item.month_text,
            r.item.sessions,
            _number(r.item.hours),
            r.item.section.name if r.item.section_id else "",
            _number(r.item.budget),
            r.sessions_done,
            _number(r.hours_done),
            r.reached,
            r.audience_size,
            None if r.share is None else float(r.share),
            status_text(r),
        ]
        for r in execution.rows
    ]
    rows.append(
        [
            "合计",
            "",
            "",
            "",
            "",
            execution.planned_sessions,
            _number(execution.planned_hours),
            "",
            _number(execution.budget),
            execution.done_sessions,
            _number(execution.done_hours),
            "",
            "",
            None,
            "",
        ]
    )
    sheet = _sheet(
        book, "计划执行情况", ITEM_HEADER, rows, [6, 14, 30, 30, 14, 9, 9, 14, 11, 9, 9, 9, 9, 11, 10], first=True
    )
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    linked = [
        [r.item.number, r.item.title, link.activity.title, link.activity.kind.name, n, _number(h)]
        for r in execution.rows
        for link, n, h in r.activities
    ]
    _sheet(
        book,
        "关联活动",
        ["序号", "计划项目", "活动", "活动类型", "已办场次", "已办学时"],
        linked,
        [6, 30, 36, 14, 9, 9],
    )
    outside = [[o.activity.title, o.activity.kind.name, o.first_date, o.sessions] for o in execution.outside]
    sheet = _sheet(book, "计划外活动", ["活动", "活动类型", "首场日期", "场次"], outside, [36, 14, 12, 8])
    for cell in sheet["C"][1:]:
        cell.number_format = "yyyy-mm-dd"
    versions = [
        [
            v.version,
            v.reason,
            v.summary,
            v.created_by.username if v.created_by_id else "系统",
            v.created_at.strftime("%Y-%m-%d %H:%M"),
        ]
        for v in execution.plan.revisions.select_related("created_by").order_by("version")
    ]
    _sheet(book, "版本记录", ["版本", "理由", "变更内容", "操作人", "时间"], versions, [6, 36, 40, 12, 17])
    return book
