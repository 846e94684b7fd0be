"""The roster as Excel: the export of a cadre list and the import template share the import's columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ganxun.core.excel import safe_cell

from .imports import vocabulary
from .imports.columns import COLUMNS, Column
from .models import Cadre, Gender, PoliticalStatus, Rank, Status

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WIDTHS = {"name": 10, "id_number": 21, "section": 14, "post": 14, "rank": 16, "leadership_level": 12}
_DATE_KINDS = {"date"}
_CHUNK = 2000


def export_headers() -> list[str]:
    """The import's columns (so that an admin can edit an export and import it again), then tier and groups."""
    return [c.header for c in COLUMNS] + [pgettext("roster column", "Tier"), pgettext("roster column", "Groups")]


def cadre_rows(cadres: QuerySet[Cadre], *, reveal: bool) -> Iterable[list[Any]]:
    """One list of cell values per cadre; ID number and phone masked unless ``reveal``."""
    today = timezone.localdate()
    for cadre in cadres.select_related("section").prefetch_related("tags").iterator(chunk_size=_CHUNK):
        row: list[Any] = []
        for column in COLUMNS:
            row.append(_value(cadre, column, reveal))
        row.append(cadre.get_tier_display())
        row.append("、".join(cadre.get_groups_display(today)))
        yield row


def _value(cadre: Cadre, column: Column, reveal: bool) -> Any:
    key = column.key
    if key == "id_number":
        return cadre.id_number if reveal else cadre.id_number_masked
    if key == "phone":
        return cadre.phone if reveal else cadre.phone_masked
    if key == "section":
        return cadre.section.name
    if key == "tags":
        return "、".join(sorted(t.name for t in cadre.tags.all()))
    value = getattr(cadre, key)
    if column.kind in ("choice", "gender"):
        # The import's own Chinese words, whatever the interface language: the export always reads back.
        return vocabulary.chinese(key, value) if value else ""
    return value


def cadre_workbook(cadres: QuerySet[Cadre], *, reveal: bool) -> Workbook:
    """A streaming (write-only) workbook of the cadres: memory does not grow with the list."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cadre roster"))
    headers = export_headers()
    _set_widths(sheet, len(headers))
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, h) for h in headers])
    kinds = [c.kind for c in COLUMNS]
    for values in cadre_rows(cadres, reveal=reveal):
        cells = []
        for position, value in enumerate(values):
            cell = WriteOnlyCell(sheet, safe_cell(value))
            kind = kinds[position] if position < len(kinds) else "text"
            if kind in _DATE_KINDS and isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            elif kind == "id_number" or isinstance(value, str):
                cell.number_format = TEXT_FORMAT
            cells.append(cell)
        sheet.append(cells)
    return workbook


def _header_cell(sheet, text: str, required: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, text)
    cell.font = _REQUIRED_FONT if required else _HEADER_FONT
    cell.fill = _HEADER_FILL
    return cell


def _set_widths(sheet, count: int) -> None:
    for position in range(count):
        key = COLUMNS[position].key if position < len(COLUMNS) else ""
        sheet.column_dimensions[get_column_letter(position + 1)].width = _WIDTHS.get(key, 13)


def template_workbook() -> Workbook:
    """The import template: the header (required columns marked *), ID numbers as text, and instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Cadre roster")
    for position, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=position, value=column.header + ("*" if column.required else ""))
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = _WIDTHS.get(column.key, 13)
        if column.kind in ("id_number", "text", "name", "phone"):
            # Text format before anyone types: Excel would turn an 18-digit number into 3.1E+17.
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
            for row in range(2, 1002):
                sheet.cell(row=row, column=position).number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    _instructions(workbook.create_sheet(_("How to fill in")))
    return workbook


def _instructions(sheet) -> None:
    sheet.append([_("Example (copy the layout to the first sheet; this sheet is not imported)")])
    sheet["A1"].font = _HEADER_FONT
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[2]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    sheet.append([safe_cell(v) for v in _example_row()])
    sheet.append([])
    sheet.append(
        [
            pgettext("roster import", "Column"),
            pgettext("roster import", "Required"),
            pgettext("roster import", "What to write"),
        ]
    )
    for cell in sheet[5]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in COLUMNS:
        sheet.append([column.header, pgettext("roster import", "Yes") if column.required else "", _explain(column)])
    sheet.append([])
    for note in (
        _("The header row may have title rows above it (up to 10 rows in all); other columns are ignored."),
        _("Cadres are matched on the ID number: a known ID number updates that cadre, a new one adds a cadre."),
        _("An empty optional cell clears that field; gender and birth date, when empty, come from the ID number."),
        _("Dates may be written as 1985-03-12, 1985/3/12, 1985.3.12, 1985.03, 1985年3月, 19850312 or as Excel dates."),
        _(
            "A date given to the month (1974.09) agrees with the ID number when year and month agree, and the "
            "day is taken from the ID number; for the other dates it keeps the day already on record in that "
            "month, or means the 1st."
        ),
        _("Rows whose first cell says 合计 or 总计, and sign-off lines such as 填表人 below the table, are skipped."),
    ):
        sheet.append([note])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 90
    for row in sheet.iter_rows(min_row=6):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")


def _example_row() -> list[Any]:
    example = {
        "name": "张晓明",
        "id_number": "11010519491231002X",
        "gender": vocabulary.chinese("gender", Gender.FEMALE),
        "birth_date": "1949-12-31",
        "section": "办公室",
        "post": "科员",
        "rank": vocabulary.chinese("rank", Rank.CLERK_1),
        "leadership_level": "",
        "political_status": vocabulary.chinese("political_status", PoliticalStatus.CPC_MEMBER),
        "democratic_party": "",
        "party_branch": "机关第一党支部",
        "phone": "13900000000",
        "work_start_date": "1970.09",
        "hire_date": "1970年9月1日",
        "probation_end": "",
        "rank_date": "19850312",
        "status": vocabulary.chinese("status", Status.RETIRED),
        "tags": "",
    }
    return [example[c.key] for c in COLUMNS]


def _explain(column: Column) -> str:
    if column.kind == "id_number":
        return _("18 characters, stored as text (format the column as Text before typing or pasting).")
    if column.kind == "date":
        return _("A date, e.g. 1985-03-12 or 1985.03 (to the month).")
    if column.kind == "section":
        return _("The section's name as in the system; new names are listed in the preview for you to accept.")
    if column.kind == "tags":
        return _("Tag names separated by 、 or commas; the tags must exist in the system.")
    if column.kind == "phone":
        return _("Digits, e.g. 13912345678; may be left empty.")
    if column.kind == "gender":
        return _("Male or female; may be left empty, as it follows from the ID number.")
    if column.kind == "choice":
        words = _words(column.key)
        if column.key == "rank":
            return _(
                "One of: %(values)s. May be left empty. A leadership level (%(levels)s) written here is accepted "
                "and recorded as the leadership post level."
            ) % {"values": words, "levels": _words("leadership_level")}
        if column.key == "political_status":
            return _(
                "One of: %(values)s. Empty keeps the current value (a new cadre gets “%(default)s”). "
                "A democratic party written as the status (%(parties)s) is recorded as 民主党派 with that party."
            ) % {
                "values": words,
                "default": vocabulary.chinese(column.key, column.field.default),
                "parties": "、".join(vocabulary.MEMBER_WORDS),
            }
        if column.field.blank:
            return _("One of: %(values)s. May be left empty.") % {"values": words}
        return _("One of: %(values)s. Empty keeps the current value (a new cadre gets “%(default)s”).") % {
            "values": words,
            "default": vocabulary.chinese(column.key, column.field.default),
        }
    return _("Free text.")


def _words(key: str) -> str:
    """The standard words of a choice column, then the other spellings the import also reads."""
    choices, table = vocabulary.TABLES[key]
    standard = [table[v][0] for v in choices.values]
    others = [w for v in choices.values for w in table[v][1:3] if w not in standard]
    return "、".join(standard) + ("（" + "、".join(others) + "）" if others else "")
