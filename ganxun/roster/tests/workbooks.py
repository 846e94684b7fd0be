"""Roster workbooks built on the fly for the import tests (no binary fixtures in the repository)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ganxun.roster.models import Gender

from .factories import make_id_number

HEADER = ("姓名", "身份证号", "性别", "出生日期", "科室", "职务", "政治面貌", "手机")


def person(serial: int, section: str = "办公室", *, name: str | None = None, born=None, gender=Gender.MALE, **extra):
    """A valid row for HEADER: the ID number agrees with the birth date and gender."""
    born = born or dt.date(1980 + serial % 20, 1 + serial % 12, 1 + serial % 28)
    row = {
        "姓名": name or f"张{serial}",
        "身份证号": make_id_number(born, gender, serial),
        "性别": "男" if gender == Gender.MALE else "女",
        "出生日期": born.strftime("%Y-%m-%d"),
        "科室": section,
        "职务": "科员",
        "政治面貌": "中共党员",
        "手机": f"139{serial:08d}",
    }
    row.update(extra)
    return row


def xlsx_bytes(
    rows: Iterable[dict[str, Any] | Sequence[Any]],
    header: Sequence[str] = HEADER,
    *,
    title_rows: Sequence[str] = (),
    id_number_format: str = "@",
) -> bytes:
    """An .xlsx with optional title rows, a header row and the rows (dicts keyed by header, or lists)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "干部名册"
    for title in title_rows:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        values = [row.get(h) for h in header] if isinstance(row, dict) else list(row)
        sheet.append(values)
    for cells in sheet.iter_cols(min_row=len(title_rows) + 2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.number_format = id_number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same workbook with one part of the zip replaced (to plant hostile XML)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = content
    return zip_bytes(members)
