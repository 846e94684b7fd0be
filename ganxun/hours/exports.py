"""Compliance as a table: one row per cadre with required and done 学时, for Excel and CSV alike.

The compliance page's export and ``manage.py compliance_report`` write the same rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ganxun.core.excel import safe_cell

from .models import Bucket
from .queries import BUCKETS, CadreCompliance, ComplianceReport

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HOURS_FORMAT = "0.0#"


def compliance_headers(report: ComplianceReport) -> list[str]:
    headers = [_("Section"), _("Name"), _("Tier"), _("Status")]
    headers += [_("%(category)s hours") % {"category": Bucket(b).label} for b in BUCKETS]
    headers.append(_("Total hours"))
    for requirement in report.requirements:
        headers += [
            _("%(requirement)s: required") % {"requirement": requirement.name},
            _("%(requirement)s: done") % {"requirement": requirement.name},
            _("%(requirement)s: standing") % {"requirement": requirement.name},
        ]
    headers.append(_("Overall standing"))
    return headers


def compliance_rows(report: ComplianceReport, rows: Iterable[CadreCompliance]) -> Iterable[list[Any]]:
    """Cell values per cadre; a requirement that does not apply to the cadre leaves its cells empty, and so do
    all of them for a cadre listed apart (left during the year, not judged under the year's history rule)."""
    for row in rows:
        values: list[Any] = [row.section_name, row.name, row.get_tier_display(), row.status_text]
        values += [value for _b, _label, value in row.bucket_list()]
        values.append(row.total)
        for requirement in report.requirements:
            result = row.result_for(requirement)
            if result is None:
                values += ["", "", ""]
            else:
                values += [result.required, result.done, result.get_standing_display()]
        values.append(_("Listed apart, not judged") if row.apart else row.get_standing_display())
        yield values


def compliance_workbook(report: ComplianceReport, rows: Iterable[CadreCompliance]) -> Workbook:
    """A streaming workbook: memory does not grow with the number of cadres."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Compliance %(year)s") % {"year": report.year})
    headers = compliance_headers(report)
    for position in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(position)].width = 16 if position > 3 else 12
    sheet.freeze_panes = "D2"
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cells.append(cell)
    sheet.append(cells)
    for values in compliance_rows(report, rows):
        sheet.append([_cell(sheet, value) for value in values])
    return workbook


def _cell(sheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, safe_cell(value))
    if isinstance(value, Decimal):
        cell.number_format = HOURS_FORMAT
    return cell


def write_compliance_csv(report: ComplianceReport, rows: Iterable[CadreCompliance], stream: IO[str]) -> None:
    writer = csv.writer(stream)
    writer.writerow(compliance_headers(report))
    for values in compliance_rows(report, rows):
        writer.writerow([_text(value) for value in values])


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(safe_cell(value))


def export_filename(report: ComplianceReport, suffix: str, parts: Sequence[str] = ()) -> str:
    name = _("Hour compliance %(year)s") % {"year": report.year}
    return "_".join([name, *parts]) + suffix
