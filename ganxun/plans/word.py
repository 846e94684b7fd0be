"""The plan as a 公文 attachment (Word, GB/T 9704-2012 layout through ``ganxun.study.word``'s writer): 附件 mark,
the title, the plan's items in a table, and, once anything was done, the execution to date."""

from __future__ import annotations

from django.utils import timezone

from ganxun.study.word import BODY_SIZE, HEADING_FONT, Writer, chinese_number, set_font

from .models import PlanStatus
from .queries import Execution


def _plain(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def plan_docx(execution: Execution) -> bytes:
    plan = execution.plan
    writer = Writer()
    attachment = writer.document.add_paragraph()
    set_font(attachment.add_run("附件"), HEADING_FONT, BODY_SIZE)
    writer.blank()
    writer.title(plan.title)
    writer.blank()
    status = {PlanStatus.DRAFT: "（草案）", PlanStatus.SUBMITTED: "（报批稿）"}.get(plan.status, "")
    if status:
        writer.centred(status)
    writer.body(
        f"{plan.unit.name}{plan.year}年度干部教育培训计划共{len(execution.rows)}项，计划培训{execution.planned_sessions}场次、"
        f"{_plain(execution.planned_hours)}学时"
        + (f"，预算{_plain(execution.budget)}元" if execution.budget else "")
        + "。"
    )
    if plan.note:
        writer.body(plan.note)
    writer.heading(f"{chinese_number(1)}、培训项目安排")
    writer.table(
        ["序号", "类型", "培训内容", "培训对象", "时间", "场次", "学时", "责任科室"],
        [
            [
                str(r.item.number),
                r.item.kind.name,
                r.item.title,
                r.audience,
                r.item.month_text,
                str(r.item.sessions),
                _plain(r.item.hours),
                r.item.section.name if r.item.section_id else "",
            ]
            for r in execution.rows
        ],
        [12, 20, 38, 30, 16, 12, 12, 16],
    )
    if execution.done_sessions or execution.outside:
        writer.heading(
            f"{chinese_number(2)}、执行情况（截至{execution.today.year}年{execution.today.month}月{execution.today.day}日）"
        )
        writer.body(
            f"已开展计划内培训{execution.done_sessions}场次、{_plain(execution.done_hours)}学时；"
            f"逾期未开展{len(execution.overdue)}项；计划外活动{len(execution.outside)}项。"
        )
        writer.table(
            ["序号", "培训内容", "计划场次", "已办场次", "计划学时", "已办学时", "参训人数", "覆盖率"],
            [
                [
                    str(r.item.number),
                    r.item.title,
                    str(r.item.sessions),
                    str(r.sessions_done),
                    _plain(r.item.hours),
                    _plain(r.hours_done),
                    str(r.reached),
                    "" if r.share is None else f"{r.share}%",
                ]
                for r in execution.rows
            ],
            [12, 44, 16, 16, 16, 16, 16, 20],
        )
    if plan.status == PlanStatus.APPROVED and plan.version > 1:
        writer.body(f"本计划经第{plan.version - 1}次调整，现为第{plan.version}版。")
    writer.blank()
    today = timezone.localdate()
    writer.centred(f"（{today.year}年{today.month}月{today.day}日导出）")
    return writer.save()
