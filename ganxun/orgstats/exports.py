"""The statistics tables and the 年度考核 list as workbooks laid out as such tables are printed: a title row, the
unit and year, the 填报单位 / 填报日期 line, two header rows with merged group cells, thin borders, column widths,
the header and name columns frozen, A4 landscape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ganxun.core.excel import safe_cell
from ganxun.hours.models import Bucket

from .queries import COLUMN_GROUPS, Assessment, Table

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
BOLD = Font(bold=True)
HEADER_TOP = 4  # the two header rows: 4 and 5; data from row 6
FIRST_DATA = HEADER_TOP + 2
NUMBER_FORMATS = {"hours": "0.00", "per_cadre": "0.00", "centralised": "0.00", "online": "0.00", "other": "0.00"}


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _heading(sheet: Worksheet, width: int, title: str, subtitle: str, filed_by: str) -> None:
    last = get_column_letter(width)
    for row, text, font, align in (
        (1, title, TITLE_FONT, CENTRE),
        (2, subtitle, BOLD, CENTRE),
        (3, filed_by, None, LEFT),
    ):
        sheet.cell(row=row, column=1, value=safe_cell(text))
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1)
        cell.alignment = align
        if font is not None:
            cell.font = font
    sheet.row_dimensions[1].height = 30


def _header_cell(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = sheet.cell(row=row, column=column, value=text)
    cell.font = BOLD
    cell.alignment = CENTRE


def _border(sheet: Worksheet, first_row: int, last_row: int, width: int) -> None:
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row, min_col=1, max_col=width):
        for cell in row:
            cell.border = BORDER


def _landscape(sheet: Worksheet, last_row: int, width: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_TOP}:{HEADER_TOP + 1}"
    sheet.print_area = f"A1:{get_column_letter(width)}{last_row}"


def filed_line(unit_name: str, today: dt.date) -> str:
    return f"填报单位（盖章）：{unit_name}　　　　填报日期：{today:%Y年%m月%d日}"


def _table_sheet(sheet: Worksheet, table: Table, today: dt.date, kind_label: str, name_label: str) -> None:
    width = 2 + sum(len(columns) for _group, columns in COLUMN_GROUPS)
    _heading(
        sheet,
        width,
        table.title,
        f"单位：{table.unit.name}　　年度：{table.year}年",
        filed_line(table.unit.name, today),
    )
    top, below = HEADER_TOP, HEADER_TOP + 1
    for column, text in ((1, kind_label), (2, name_label)):
        _header_cell(sheet, top, column, text)
        sheet.merge_cells(start_row=top, start_column=column, end_row=below, end_column=column)
    column = 3
    for group, columns in COLUMN_GROUPS:
        if group is None:
            ((_key, label),) = columns
            _header_cell(sheet, top, column, str(label))
            sheet.merge_cells(start_row=top, start_column=column, end_row=below, end_column=column)
        else:
            _header_cell(sheet, top, column, str(group))
            sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + len(columns) - 1)
            for offset, (_key, label) in enumerate(columns):
                _header_cell(sheet, below, column + offset, str(label))
        column += len(columns)
    keys = [key for _group, columns in COLUMN_GROUPS for key, _label in columns]
    row = FIRST_DATA
    for block in table.blocks:
        if not block.lines:
            continue
        first = row
        for line in block.lines:
            sheet.cell(row=row, column=2, value=safe_cell(line.label)).alignment = LEFT
            for offset, key in enumerate(keys):
                cell = sheet.cell(row=row, column=3 + offset, value=_number(line.value(key)))
                cell.alignment = Alignment(horizontal="right", vertical="center")
                if key in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[key]
                elif key == "rate":
                    cell.number_format = "0.0"
            row += 1
        sheet.cell(row=first, column=1, value=block.label).alignment = CENTRE
        if row - 1 > first:
            sheet.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
    sheet.cell(row=row, column=1, value=table.total.label).font = BOLD
    sheet.cell(row=row, column=1).alignment = CENTRE
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    for offset, key in enumerate(keys):
        cell = sheet.cell(row=row, column=3 + offset, value=_number(table.total.value(key)))
        cell.font = BOLD
        if key in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[key]
        elif key == "rate":
            cell.number_format = "0.0"
    _border(sheet, top, row, width)
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 22
    for position in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(position)].width = 9
    sheet.row_dimensions[top].height = 30
    sheet.row_dimensions[below].height = 30
    sheet.freeze_panes = f"C{FIRST_DATA}"
    _landscape(sheet, row, width)


def tables_workbook(unit_table: Table, lower_table: Table, today: dt.date) -> Workbook:
    """Two sheets: 本单位 (by tier and 科室) and 下属单位 (本级 and each unit below, subtree summed)."""
    book = Workbook()
    first = book.active
    first.title = "本单位"
    _table_sheet(first, unit_table, today, "分类", "项目")
    second = book.create_sheet("下属单位")
    _table_sheet(second, lower_table, today, "分类", "单位")
    return book


ASSESSMENT_FIXED = ["序号", "姓名", "单位", "科室", "层级"]
ASSESSMENT_TAIL = ["应修学时", "考核结果", "备注"]


def assessment_workbook(data: Assessment, today: dt.date) -> Workbook:
    """年度考核: one row per cadre, the year's 学时 by category and in all under one merged header, the
    requirements that apply, 达标 or 未达标, and the notes.  No ID number or phone."""
    book = Workbook()
    sheet = book.active
    sheet.title = "年度考核"
    buckets = [str(label) for _value, label in Bucket.choices] + ["合计"]
    width = len(ASSESSMENT_FIXED) + len(buckets) + len(ASSESSMENT_TAIL)
    _heading(
        sheet,
        width,
        f"{data.year}年度干部教育培训学时考核表",
        f"单位：{data.unit.name}　　年度：{data.year}年",
        filed_line(data.unit.name, today),
    )
    top, below = HEADER_TOP, HEADER_TOP + 1
    column = 1
    for text in ASSESSMENT_FIXED:
        _header_cell(sheet, top, column, text)
        sheet.merge_cells(start_row=top, start_column=column, end_row=below, end_column=column)
        column += 1
    _header_cell(sheet, top, column, f"{data.year}年度学时")
    sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + len(buckets) - 1)
    for offset, text in enumerate(buckets):
        _header_cell(sheet, below, column + offset, text)
    column += len(buckets)
    for text in ASSESSMENT_TAIL:
        _header_cell(sheet, top, column, text)
        sheet.merge_cells(start_row=top, start_column=column, end_row=below, end_column=column)
        column += 1
    row = FIRST_DATA
    for number, item in enumerate(data.rows, start=1):
        r = item.row
        values = [number, r.name, item.unit_name, r.section_name, r.get_tier_display()]
        values += [_number(h) for h in item.bucket_hours()] + [_number(r.total)]
        values += [item.required_text, item.result_text, "；".join(item.notes)]
        for offset, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=offset, value=safe_cell(value))
            cell.alignment = LEFT if isinstance(value, str) else Alignment(horizontal="right", vertical="center")
            if isinstance(value, int | float) and offset > len(ASSESSMENT_FIXED):
                cell.number_format = "0.00"
        row += 1
    last = max(row - 1, below)
    _border(sheet, top, last, width)
    widths = [6, 10, 16, 14, 14] + [9] * len(buckets) + [24, 10, 48]
    for position, value in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = value
    sheet.freeze_panes = f"C{FIRST_DATA}"
    _landscape(sheet, last, width)
    return book
