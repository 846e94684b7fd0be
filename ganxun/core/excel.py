"""Excel plumbing shared by every import and export: safe opening, headers, dates, safe cells.

No business rules here: an app's ``imports.py`` / ``exports.py`` decides what the columns mean.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.reader import excel as openpyxl_reader
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

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
_OVERRIDE = re.compile(r"<(?:\w+:)?Override\b[^>]*>", re.IGNORECASE)
_PART_NAME = re.compile(r'PartName\s*=\s*["\']([^"\']+)', re.IGNORECASE)
# Spreadsheet XML compresses 10-30 times; a zip bomb a thousand times or more.
_MAX_RATIO = 200
_RATIO_CHECK_FROM_BYTES = 1_000_000


class ExcelFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportLimits:
    """How much of an uploaded workbook any import reads (GANXUN settings, see docs/operations.md)."""

    max_bytes: int  # the file as uploaded
    max_uncompressed_bytes: int  # all its parts unpacked
    max_part_bytes: int  # any one part unpacked (a sheet is parsed to its end)
    max_shared_strings_bytes: int  # the shared strings unpacked (openpyxl holds them all in memory)
    max_rows: int  # rows read below the header, blank ones included
    max_columns: int  # columns read; cells further right are not read at all

    @classmethod
    def from_settings(cls) -> ImportLimits:
        limits = settings.GANXUN
        return cls(
            max_bytes=int(limits["IMPORT_MAX_BYTES"]),
            max_uncompressed_bytes=int(limits["IMPORT_MAX_UNCOMPRESSED_BYTES"]),
            max_part_bytes=int(limits["IMPORT_MAX_PART_BYTES"]),
            max_shared_strings_bytes=int(limits["IMPORT_MAX_SHARED_STRINGS_BYTES"]),
            max_rows=int(limits["IMPORT_MAX_ROWS"]),
            max_columns=int(limits["IMPORT_MAX_COLUMNS"]),
        )


def check_xlsx(path: Path, limits: ImportLimits) -> None:
    """Refuse anything but a plain .xlsx before an XML parser sees it, reading only the zip directory."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ExcelFileError(size_message(size, limits.max_bytes))
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
            _check_members(archive, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ExcelFileError(_("The file is damaged and cannot be read as an Excel workbook.")) from exc


def _check_members(archive: zipfile.ZipFile, limits: ImportLimits) -> None:
    members = archive.infolist()
    if len(members) > _MAX_MEMBERS:
        raise ExcelFileError(_("The file is damaged and cannot be read as an Excel workbook."))
    names = {info.filename for info in members}
    content_types = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
    if content_types is None or content_types.file_size > _MAX_CONTENT_TYPES_BYTES:
        raise ExcelFileError(_("This is not an Excel file. Please upload an .xlsx workbook."))
    declared = archive.read(content_types)
    shared_strings = _shared_strings_parts(declared.decode("utf-8", "replace"))
    total = 0
    for info in members:
        # Each part on its own, besides the total: a sheet is parsed to its end however few of its rows
        # are used, and openpyxl reads the shared strings whole into memory before the first row.
        is_strings = info.filename in shared_strings or info.filename.lower().endswith("sharedstrings.xml")
        limit = limits.max_shared_strings_bytes if is_strings else limits.max_part_bytes
        if info.file_size > limit:
            raise ExcelFileError(
                _(
                    "A part of the workbook (%(part)s) unpacks to %(size)s MB, more than the %(limit)s MB "
                    "one part may hold; it was refused for safety."
                )
                % {
                    "part": info.filename[:80],
                    "size": f"{info.file_size / 1048576:.1f}",
                    "limit": f"{limit / 1048576:.0f}",
                }
            )
        total += info.file_size
        ratio_suspicious = info.file_size > _RATIO_CHECK_FROM_BYTES and info.file_size > _MAX_RATIO * max(
            info.compress_size, 1
        )
        if total > limits.max_uncompressed_bytes or ratio_suspicious:
            raise ExcelFileError(
                _("The workbook unpacks to far more data than a roster holds; it was refused for safety.")
            )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ExcelFileError(_("Workbooks with macros (.xlsm) are not accepted. Please save it as .xlsx."))
    if any(t in declared for t in _MACRO_TYPES):
        raise ExcelFileError(_("Workbooks with macros (.xlsm) are not accepted. Please save it as .xlsx."))
    if not any(t in declared for t in _SPREADSHEET_TYPES):
        raise ExcelFileError(_("This is not an Excel file. Please upload an .xlsx workbook."))


def _shared_strings_parts(content_types: str) -> set[str]:
    """The parts [Content_Types].xml declares as shared strings, whatever their names."""
    parts = set()
    for override in _OVERRIDE.findall(content_types):
        name = _PART_NAME.search(override)
        if name and "sharedstrings+xml" in override.lower():
            parts.add(name.group(1).lstrip("/"))
    return parts


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that skips reading its declared size when the workbook opens.

    openpyxl looks for the size on opening, and a sheet that declares none is parsed to its end for it:
    a million-row sheet cost its whole parse before the first row was read.  Every sheet here is read
    with explicit bounds (``_sheet_rows``), so the declared size is never used.
    """

    def _get_size(self) -> None:
        return None


_OPENING = threading.Lock()


def _load_workbook(path: Path):
    with _OPENING:  # the sheet class is swapped in openpyxl's reader for this one call
        original = openpyxl_reader.ReadOnlyWorksheet
        openpyxl_reader.ReadOnlyWorksheet = _UnsizedSheet
        try:
            return load_workbook(path, read_only=True, data_only=True)
        finally:
            openpyxl_reader.ReadOnlyWorksheet = original


@contextmanager
def open_xlsx(path: Path, limits: ImportLimits) -> Iterator[Any]:
    """The checked workbook, opened read-only and streaming (memory flat in the number of rows)."""
    check_xlsx(path, limits)
    try:
        workbook = _load_workbook(path)
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


def _sheet_rows(worksheet, *, first: int, last: int, width: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(Excel row number, values) for rows ``first``..``last``, gaps included, each ``width`` cells wide.

    openpyxl stops parsing past ``last`` and never builds a row wider than ``width``, so a stray cell in
    row 1,048,576 or column XFD costs nothing.  Parser errors become ExcelFileError.
    """
    worksheet.reset_dimensions()  # trust the cells, not the (often wrong) declared size
    rows = worksheet.iter_rows(min_row=first, max_row=last, max_col=width, values_only=True)
    number = first - 1
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # the sheet XML is parsed lazily, row by row
            raise _unreadable(exc) from exc
        number += 1
        yield number, values


@dataclass(frozen=True)
class Header:
    """The header row of a sheet: where it is and which known columns it names."""

    row: int
    values: tuple[Any, ...]
    positions: dict[int, tuple[str, str]]  # position -> (column key, header as written)

    def ignored(self) -> list[str]:
        """The headers of the columns nobody asked for, as written."""
        return [str(v).strip() for p, v in enumerate(self.values) if p not in self.positions and not _blank(v)]


def find_header(worksheet, match: Callable[[str], str | None], limits: ImportLimits, scan: int = 10) -> Header | None:
    """The header among the first ``scan`` rows (title rows above it are common): the row naming most columns."""
    best: Header | None = None
    for number, values in _sheet_rows(worksheet, first=1, last=scan, width=limits.max_columns):
        positions = header_positions(values, match)
        if len(positions) > (len(best.positions) if best else 0):
            best = Header(number, values, positions)
    return best


def rows_below(worksheet, header: Header, limits: ImportLimits) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Every row below the header, blank ones too, as wide as the last known column.

    Rows are counted as read, not as filled: a sheet with more than ``max_rows`` rows below its header is
    refused when the first row past the limit is reached, whatever it holds.
    """
    width = max(header.positions, default=0) + 1
    last = header.row + limits.max_rows
    for number, values in _sheet_rows(worksheet, first=header.row + 1, last=last + 1, width=width):
        if number > last:
            raise ExcelFileError(
                _("The file has more than %(limit)s rows; please split it into smaller files.")
                % {"limit": limits.max_rows}
            )
        yield number, values


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# What the first filled cell of a row below a table says when the row totals or signs the table off.
_TOTAL_WORDS = ("合计", "总计", "小计", "共计")
_FOOTER_WORDS = (
    "填表人",
    "制表人",
    "审核人",
    "填报人",
    "负责人",
    "联系人",
    "填表日期",
    "制表日期",
    "注:",
    "备注:",
    "说明:",
)


def footer_row(values: tuple[Any, ...]) -> bool:
    """A 合计/总计 row, or a 填表人 / 注: line under the table, that is not a record."""
    first = next((v for v in values if not _blank(v)), None)
    if first is None:
        return False
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(first)))
    return text.startswith(_TOTAL_WORDS) or text.startswith(_FOOTER_WORDS)


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


_DATE_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


@dataclass(frozen=True)
class CellDate:
    """A date as a cell gives it: to the day, or only to the month (1974.09, 1974年9月, 197409).

    Personnel files write most dates to the month; the precision is kept so that a month can agree with
    a full date known elsewhere (the ID number, the date already on record) instead of becoming the 1st.
    """

    year: int
    month: int
    day: int | None = None  # None: the cell gives the month only

    def __post_init__(self) -> None:
        self.first()  # ValueError for 1985-13 or 1985-02-30

    @classmethod
    def of(cls, day: dt.date) -> CellDate:
        return cls(day.year, day.month, day.day)

    @property
    def to_month(self) -> bool:
        return self.day is None

    def first(self) -> dt.date:
        """The day itself, or the first day of the month."""
        return dt.date(self.year, self.month, self.day or 1)

    def agrees_with(self, day: dt.date | None) -> bool:
        """The same day, or a day in this month when the cell gives the month only."""
        if day is None:
            return False
        return (day.year, day.month) == (self.year, self.month) and self.day in (None, day.day)

    def on(self, known: dt.date | None) -> dt.date:
        """The date to keep: a known date in the cell's month stays as it is; else the cell's first day."""
        return known if known is not None and self.to_month and self.agrees_with(known) else self.first()

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.day is None else self.first().isoformat()


def parse_date(value: Any, epoch: dt.datetime = WINDOWS_EPOCH) -> CellDate | None:
    """A date from a cell as people type them, with its precision (day or month).

    Accepts Excel date cells and serial numbers, 1985-03-12, 1985/3/12, 1985.3.12, 1985.03,
    1985-03, 1985年3月, 1985年3月12日, 19850312 and 198503 (as text or number).  Blank gives
    None; anything else raises ValueError.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return CellDate.of(value.date())
    if isinstance(value, dt.date):
        return CellDate.of(value)
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if float(value).is_integer() and (190001 <= value <= 210012 or 19000101 <= value <= 21001231):
            return _compact_date(str(int(value)))
        if 1 <= value < 2958466:  # Excel's serial day numbers run to 9999-12-31
            result = from_excel(value, epoch=epoch)
            if isinstance(result, dt.datetime):
                return CellDate.of(result.date())
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if _DATE_COMPACT.match(text):
        return _compact_date(text)
    if match := _DATE_YMD.match(text):
        year, month, day = match.groups()
        return CellDate(int(year), int(month), int(day) if day else None)
    raise ValueError(value)


def _compact_date(text: str) -> CellDate:
    return CellDate(int(text[:4]), int(text[4:6]), int(text[6:8]) if text[6:8] else None)


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


def upload_limit(max_bytes: int | Callable[[], int]):
    """Declare how large a file a view accepts; UploadLimitHandler enforces it while the file arrives.

    ``max_bytes`` may be a callable, read per request (a setting that tests override).
    """

    def decorate(view):
        view.upload_max_bytes = max_bytes
        return view

    return decorate


def upload_limit_for(request) -> int:
    """The resolved view's declared limit, or GANXUN["UPLOAD_MAX_BYTES"] for a view that declares none."""
    view = getattr(getattr(request, "resolver_match", None), "func", None)
    limit = getattr(view, "upload_max_bytes", None)
    if callable(limit):
        limit = limit()
    return int(limit if limit is not None else settings.GANXUN["UPLOAD_MAX_BYTES"])


class RefusedUpload(UploadedFile):
    """What a form receives instead of a file over the limit: its name and real size, and no content.

    A size check (every upload form has one) refuses it with the Chinese message; nothing of it was kept.
    """

    def __init__(self, name: str, content_type: str, size: int, limit: int) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size, None)
        self.limit = limit


class UploadLimitHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: stops keeping an uploaded file as soon as it passes the view's limit.

    The rest of the file is read and dropped (so that the browser gets the page with the message rather
    than a broken connection) and the view's form gets a RefusedUpload of the real size.  A request
    announcing far more than the limit keeps nothing from its first byte.  Every upload in the system
    goes through here, so no view can forget it; a view declares its limit with @upload_limit.
    """

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.limit = upload_limit_for(request)
        self.request_length = 0
        self.received = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length or 0
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        # Besides the file, a form posts a few fields (DATA_UPLOAD_MAX_MEMORY_SIZE at most).
        self.exceeded = self.request_length > self.limit + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + 65536

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
        return None if self.exceeded else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.exceeded:
            return None
        for handler in getattr(self.request, "upload_handlers", ()):
            kept = getattr(handler, "file", None) if handler is not self else None
            if kept is not None:
                kept.close()  # what the next handlers stored before the limit was passed (a temporary file)
        return RefusedUpload(self.file_name or "", self.content_type or "", self.received, self.limit)


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
