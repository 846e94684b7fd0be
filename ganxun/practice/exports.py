"""The practice lists as Excel: the columns the page shows, streamed (write-only), dates as dates.

Each list names its columns once (``views.pages``'s ``Column``s); the page and the workbook read the same ones,
so what is exported is what the filtered list shows, every page of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ganxun.core.excel import safe_cell

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"


def records_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Workbook:
    """One sheet named ``title``: the header row, then a row per record; memory does not grow with the list."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for position, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = max(12, min(40, 2 * len(str(header)) + 4))
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, str(header))
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    for values in rows:
        sheet.append([_cell(sheet, value) for value in values])
    return workbook


def _cell(sheet, value: Any) -> WriteOnlyCell:
    if value is None:
        value = ""
    elif not isinstance(value, int | float | dt.date):
        value = str(value)
    cell = WriteOnlyCell(sheet, safe_cell(value))
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.number_format = TEXT_FORMAT
    return cell
