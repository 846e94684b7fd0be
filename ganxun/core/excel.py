"""Excel plumbing shared by every import and export: safe opening, headers, dates, safe cells.

No business rules here: an app's ``imports.py`` / ``exports.py`` decides what the columns mean.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ZIP_MAGIC = b"PK\x03\x04"
# OLE2 compound file: the old binary .xls, and also any password-protected workbook.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
_MACRO_TYPES = (b"application/vnd.ms-excel.sheet.macroEnabled", b"application/vnd.ms-excel.template.macroEnabled")
_MAX_MEMBERS = 10_000
_MAX_CONTENT_TYPES_BYTES = 1_000_000
# Spreadsheet XML compresses 10-30 times; a zip bomb a thousand times or more.
_MAX_RATIO = 200
_RATIO_CHECK_FROM_BYTES = 1_000_000


class ExcelFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_xlsx(path: Path, *, max_bytes: int, max_uncompressed_bytes: int) -> None:
    """Refuse anything but a plain .xlsx before an XML parser sees it, reading only the zip directory."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ExcelFileError(size_message(size, max_bytes))
    with path.open("rb") as f:
        magic = f.read(8)
    if magic.startswith(_OLE2_MAGIC):
        raise ExcelFileError(
            _(
                "This is an old .xls workbook (or one protected by a password). "
                "Open it in Excel and save it as “Excel workbook (*.xlsx)” without a password."
            )
        )
    if not magic.startswith(_ZIP_MAGIC):
        raise ExcelFileError(_("This is not an Excel file. Please upload an .xlsx workbook."))
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(archive, max_uncompressed_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ExcelFileError(_("The file is damaged and cannot be read as an Excel workbook.")) from exc


def _check_members(archive: zipfile.ZipFile, max_uncompressed_bytes: int) -> None:
    members = archive.infolist()
    if len(members) > _MAX_MEMBERS:
        raise ExcelFileError(_("The file is damaged and cannot be read as an Excel workbook."))
    total = 0
    for info in members:
        total += info.file_size
        ratio_suspicious = info.file_size > _RATIO_CHECK_FROM_BYTES and info.file_size > _MAX_RATIO * max(
            info.compress_size, 1
        )
        if total > max_uncompressed_bytes or ratio_suspicious:
            raise ExcelFileError(
                _("The workbook unpacks to far more data than a roster holds; it was refused for safety.")
            )
    names = {info.filename for info in members}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ExcelFileError(_("Workbooks with macros (.xlsm) are not accepted. Please save it as .xlsx."))
    content_types = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
    if content_types is None or content_types.file_size > _MAX_CONTENT_TYPES_BYTES:
        raise ExcelFileError(_("This is not an Excel file. Please upload an .xlsx workbook."))
    declared = archive.read(content_types)
    if any(t in declared for t in _MACRO_TYPES):
        raise ExcelFileError(_("Workbooks with macros (.xlsm) are not accepted. Please save it as .xlsx."))
    if not any(t in declared for t in _SPREADSHEET_TYPES):
        raise ExcelFileError(_("This is not an Excel file. Please upload an .xlsx workbook."))


@contextmanager
def open_xlsx(path: Path, *, max_bytes: int, max_uncompressed_bytes: int) -> Iterator[Any]:
    """The checked workbook, opened read-only and streaming (memory flat in the number of rows)."""
    check_xlsx(path, max_bytes=max_bytes, max_uncompressed_bytes=max_uncompressed_bytes)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds; the user needs one message
        raise _unreadable(exc) from exc
    try:
        yield workbook
    finally:
        workbook.close()


def _unreadable(exc: Exception) -> ExcelFileError:
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__  # openpyxl wraps what the XML parser raised
    if cause is not None:
        return ExcelFileError(
            _("The workbook contains XML constructs that are not allowed; it was refused for safety.")
        )
    return ExcelFileError(_("The file is damaged and cannot be read as an Excel workbook."))


def sheet_rows(worksheet) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(Excel row number, values) for every row, gaps included, parser errors turned into ExcelFileError."""
    worksheet.reset_dimensions()  # trust the cells, not the (often wrong) declared size
    rows = worksheet.iter_rows(min_row=1, values_only=True)
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # the sheet XML is parsed lazily, row by row
            raise _unreadable(exc) from exc
        number += 1
        yield number, values


def normalize_header(value: Any) -> str:
    """Header text for matching: NFKC (full-width folded), no spaces, no marks around it (``*``, colons)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    return text.strip("*:")


def header_positions(values: tuple[Any, ...], match: Callable[[str], str | None]) -> dict[int, tuple[str, str]]:
    """{position: (column key, header as written)} for the cells of a header row that ``match`` knows.

    ``match`` maps a normalised header to a column key or None; a key named twice counts once.
    """
    found: dict[int, tuple[str, str]] = {}
    seen: set[str] = set()
    for position, value in enumerate(values):
        key = match(normalize_header(value))
        if key is not None and key not in seen:
            seen.add(key)
            found[position] = (key, str(value).strip().strip("*:：＊ \u3000"))
    return found


def locate_header(
    rows: Iterator[tuple[int, tuple[Any, ...]]], match: Callable[[str], str | None], scan: int = 10
) -> tuple[int, tuple[Any, ...], Iterator[tuple[int, tuple[Any, ...]]]] | None:
    """Find the header among the first ``scan`` rows (title rows above it are common).

    The header is the row where most cells name a known column.  Returns (its row number, its
    values, an iterator over the rows below it) or None when no row names any column.
    """
    buffered: list[tuple[int, tuple[Any, ...]]] = []
    best: tuple[int, tuple[Any, ...]] | None = None
    best_count = 0
    for number, values in rows:
        buffered.append((number, values))
        count = len(header_positions(values, match))
        if count > best_count:
            best, best_count = (number, values), count
        if number >= scan:
            break
    if best is None:
        return None
    header_row = best[0]

    def below() -> Iterator[tuple[int, tuple[Any, ...]]]:
        yield from (item for item in buffered if item[0] > header_row)
        yield from rows

    return header_row, best[1], below()


_DATE_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def parse_date(value: Any, epoch: dt.datetime = WINDOWS_EPOCH) -> dt.date | None:
    """A date from a cell as people type them; a month alone means its first day.

    Accepts Excel date cells and serial numbers, 1985-03-12, 1985/3/12, 1985.3.12, 1985.03,
    1985-03, 1985年3月, 1985年3月12日, 19850312 and 198503 (as text or number).  Blank gives
    None; anything else raises ValueError.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if float(value).is_integer() and (190001 <= value <= 210012 or 19000101 <= value <= 21001231):
            return _compact_date(str(int(value)))
        if 1 <= value < 2958466:  # Excel's serial day numbers run to 9999-12-31
            result = from_excel(value, epoch=epoch)
            return result.date() if isinstance(result, dt.datetime) else None
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if match := _DATE_COMPACT.match(text):
        return _compact_date(text)
    if match := _DATE_YMD.match(text):
        year, month, day = match.groups()
        return dt.date(int(year), int(month), int(day or 1))
    raise ValueError(value)


def _compact_date(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8] or 1))


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    """The workbook as a download named ``filename`` (RFC 5987 for the Chinese name)."""
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    workbook.save(response)
    return response


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops receiving a file past ``limit`` bytes, so an oversized upload never fills the disk.

    Put it first in ``request.upload_handlers`` (the view must then be csrf_exempt outside and
    csrf_protect inside, as Django requires) and check ``exceeded`` afterwards.
    """

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)  # read and discard the rest, then answer
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def size_message(size: int | None, limit: int) -> str:
    """The user's message for a file over the limit (size None: not known exactly)."""
    megabytes = "> %.0f" % (limit / 1048576) if size is None else f"{size / 1048576:.1f}"
    return _("The file is %(size)s MB; at most %(limit)s MB may be uploaded.") % {
        "size": megabytes,
        "limit": f"{limit / 1048576:.0f}",
    }


def save_upload(upload: IO[bytes] | Any, target: Path, max_bytes: int) -> int:
    """Copy an uploaded file to ``target`` in chunks, stopping past ``max_bytes``; returns the size."""
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    with target.open("wb") as out:
        for chunk in chunks:
            written += len(chunk)
            if written > max_bytes:
                break
            out.write(chunk)
    if written > max_bytes:
        target.unlink(missing_ok=True)
        raise ExcelFileError(size_message(None, max_bytes))
    return written
