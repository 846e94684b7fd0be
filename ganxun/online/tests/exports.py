"""Platform exports built on the fly, shaped like the real ones: title rows, header cells merged over two rows,
a 合计 row, ID numbers stored as text (no binary fixtures in the repository)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ganxun.online.models import Platform
from ganxun.roster.models import Gender
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, make_id_number

CADRE_ONLINE_HEADER = ("姓名", "身份证号", "单位/部门", "必修学时", "选修学时", "总学时", "完成课程数", "年度")
XUEXI_HEADER = ("姓名", "手机号", "用户名", "总积分", "年度积分")


def platform(name: str) -> Platform:
    return Platform.objects.get(name=name)


def person(serial: int, name: str, section: str = "办公室", **extra):
    born = dt.date(1975 + serial % 20, 1 + serial % 12, 1 + serial % 27)
    return CadreFactory(
        name=name,
        birth_date=born,
        gender=Gender.MALE,
        id_number=make_id_number(born, Gender.MALE, serial),
        section=extra.pop("section_obj", None) or SectionFactory(name=section),
        **extra,
    )


def export(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any] | dict[str, Any]],
    *,
    titles: Sequence[str] = ("干部在线学习 2026年度学时统计",),
    total: bool = True,
    text_columns: Sequence[str] = ("身份证号", "手机号", "用户名"),
) -> Path:
    """A flat export: title rows, the header, the rows (dicts by header or sequences), a 合计 row."""
    workbook = Workbook()
    sheet = workbook.active
    for title in titles:
        sheet.append([title])
    sheet.append(list(header))
    first = sheet.max_row + 1
    count = 0
    for row in rows:
        values = [row.get(h) for h in header] if isinstance(row, dict) else list(row)
        sheet.append(values)
        count += 1
    if total:
        sheet.append(["合计", *([None] * (len(header) - 2)), f"{count}人"])
    for position, name in enumerate(header, start=1):
        if name in text_columns:
            for line in range(first, first + count):
                sheet.cell(line, position).number_format = "@"
    workbook.save(path)
    return path


def merged_export(path: Path, rows: Iterable[Sequence[Any]], *, title: str = "干部在线学习 2026年度学时统计") -> Path:
    """The 干部在线学习 layout with a two-row header: 姓名, 身份证号, 单位/部门 merged down; 学时统计 merged across
    必修学时 / 选修学时 / 总学时; and a title row merged across the table."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.merge_cells("A1:F1")
    sheet.append(["姓名", "身份证号", "单位/部门", "学时统计", None, None])
    sheet.append([None, None, None, "必修学时", "选修学时", "总学时"])
    for column in "ABC":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("D2:F2")
    for row in rows:
        sheet.append(list(row))
    sheet.append(["合计", None, None, None, None, None])
    workbook.save(path)
    return path
