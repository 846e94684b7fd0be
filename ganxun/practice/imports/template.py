"""The template of each practice list: a title row, the standard headers and one sample row."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from .columns import COLUMNS, TEMPLATE_KEYS, columns_by_key

_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# Chinese whatever the interface language, like the headers.
_TITLES = {
    "deployment": "下沉/派驻人员名单",
    "community": "党员到社区报到名单",
    "team": "应急支援队队员名单",
    "secondment": "援派挂职干部名单",
}


def template_workbook(kind: str) -> Workbook:
    """Headers in row 2 under a title row (as bureaus keep their lists), one sample row, every cell text."""
    by_key = columns_by_key(kind)
    columns = [by_key[k] for k in TEMPLATE_KEYS[kind]]
    assert set(TEMPLATE_KEYS[kind]) <= {c.key for c in COLUMNS[kind]}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _TITLES[kind].replace("/", "、")  # a sheet name cannot hold "/"
    sheet.append([_TITLES[kind]])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([c.header for c in columns])
    for cell, column in zip(sheet[2], columns, strict=True):
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
    sheet.append([column.sample for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=2, column=index).column_letter
        sheet.column_dimensions[letter].width = max(10, 2 * len(column.header) + 4, len(str(column.sample)) + 4)
        for row in range(3, 203):
            sheet.cell(row=row, column=index).number_format = "@"  # text: ID numbers keep every digit
    sheet.freeze_panes = "A3"
    return workbook
