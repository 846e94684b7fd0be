"""Attendance from Excel, per session or per activity: the sign-in sheet as the organisers keep it.

The roster import's discipline: every bad cell is reported as 第N行 列名: 原因 and nothing is written while
any row is bad; the confirmation reads the file again and writes every row through ``attendance_set_many`` (so
the ledger and the audit trail follow) in one transaction.  Cadres are matched among those enrolled, on the
ID number or on the name with the last four characters of the ID number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.core.excel import (
    ExcelFileError,
    Header,
    ImportLimits,
    find_header,
    footer_row,
    normalize_header,
    open_xlsx,
    parse_date,
    rows_below,
)
from ganxun.hours.services import refuse_own
from ganxun.roster import idcard
from ganxun.roster.imports.columns import fold, name_of, text_of
from ganxun.roster.imports.results import NOT_IN_FILE, ErrorList, RowError
from ganxun.training.models import Activity, AttendanceMethod, AttendanceStatus, Enrolment, Session

from .models import Attendance
from .services.attendance import AttendanceChange, attendance_set_many

HEADER_SCAN_ROWS = 10
SAMPLE_ROWS = 10
REASON_MAX = Attendance._meta.get_field("reason").max_length or 200


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    synonyms: tuple[str, ...]


COLUMNS: tuple[Column, ...] = (
    Column("name", pgettext_lazy("attendance column", "Name"), ("姓名", "名字")),
    Column("id_number", pgettext_lazy("attendance column", "ID number"), ("身份证号", "身份证号码", "公民身份号码")),
    Column(
        "id_last4",
        pgettext_lazy("attendance column", "Last four of ID number"),
        ("身份证后四位", "身份证号后四位", "后四位"),
    ),
    Column(
        "session_date", pgettext_lazy("attendance column", "Session date"), ("场次日期", "日期", "培训日期", "场次")
    ),
    Column(
        "status", pgettext_lazy("attendance column", "Attendance"), ("出勤", "出勤情况", "考勤", "出席情况", "签到")
    ),
    Column(
        "reason", pgettext_lazy("attendance column", "Reason for leave"), ("请假原因", "原因", "请假事由", "缺勤原因")
    ),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}

# What people write in the attendance column, besides the labels of the choices.
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("出席", "出勤", "到", "已到", "到会", "参加", "已参加", "签到", "已签到", "是", "√", "✓", "✔"),
        AttendanceStatus.PRESENT,
    ),
    **dict.fromkeys(
        ("缺席", "缺勤", "未到", "没到", "未参加", "旷课", "否", "×", "✗", "✘", "x"), AttendanceStatus.ABSENT
    ),
    **dict.fromkeys(("请假", "假", "事假", "病假", "公假", "公出", "出差"), AttendanceStatus.LEAVE),
}
# A leave written as its kind says its reason when the reason column is empty.
LEAVE_KINDS = frozenset({"事假", "病假", "公假", "公出", "出差"})

_TIME = re.compile(r"(\d{1,2})\s*[:：]\s*(\d{2})")
_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def header_matcher():
    index: dict[str, str] = {}
    for column in COLUMNS:
        for name in (*column.synonyms, str(column.label)):
            index.setdefault(normalize_header(name), column.key)
    return index.get


def status_index() -> dict[str, str]:
    index = {fold(w): v for w, v in STATUS_WORDS.items()}
    for value, label in AttendanceStatus.choices:
        index.setdefault(fold(str(label)), value)
        index.setdefault(fold(value), value)
    return index


class CellError(Exception):
    """A cell that cannot be used; the message follows 第N行 列名 (of ``column`` when it is another cell)."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass
class SampleRow:
    row: int
    name: str
    id_number: str  # masked
    session: str
    status: str
    action: str  # created / updated / unchanged


@dataclass
class AttendanceImportResult:
    """What an attendance file would do (preview) or did (confirm)."""

    file_name: str
    header_row: int = 0
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    present: int = 0
    absent: int = 0
    leave: int = 0
    not_in_file: int = 0  # enrolled cadres × sessions the file says nothing about
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    skipped_rows: list[int] = field(default_factory=list)  # 合计 and sign-off lines under the table
    sample: list[SampleRow] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)


@dataclass
class _Row:
    number: int
    cadre: Any
    session: Session
    status: str
    reason: str


class _Rollback(Exception):
    pass


def attendance_import(
    path: Path,
    *,
    activity: Activity,
    session: Session | None = None,
    file_name: str,
    actor=None,
    write: bool = False,
    max_errors: int | None = 500,
    ip_address: str | None = None,
) -> AttendanceImportResult:
    """Check (``write=False``) or import an attendance workbook for one session or a whole activity.

    Raises ExcelFileError when the file as a whole cannot be used.
    """
    job = _AttendanceImport(activity=activity, session=session, file_name=file_name, max_errors=max_errors)
    job.read(path)
    if not write or not job.result.ok:
        return job.result
    try:
        with transaction.atomic():
            job.write(actor=actor, ip_address=ip_address)
            if not job.result.ok:
                raise _Rollback
    except _Rollback:
        return job.result
    job.result.written = True
    return job.result


class _AttendanceImport:
    def __init__(self, *, activity: Activity, session: Session | None, file_name: str, max_errors: int | None):
        self.activity = activity
        self.target = session
        self.sessions = [session] if session is not None else list(activity.sessions.order_by("date", "start_time"))
        self.result = AttendanceImportResult(file_name=file_name)
        self.errors = ErrorList(max_errors)
        self.statuses = status_index()
        self.rows: list[_Row] = []
        self.seen: dict[tuple[int, int], int] = {}
        enrolments = Enrolment.objects.filter(activity=activity).select_related("cadre")
        self.by_id_number = {e.cadre.id_number: e.cadre for e in enrolments}
        self.by_name: dict[str, list[Any]] = {}
        for cadre in self.by_id_number.values():
            self.by_name.setdefault(fold(cadre.name), []).append(cadre)

    # --- reading ------------------------------------------------------------------------------

    def read(self, path: Path) -> None:
        limits = ImportLimits.from_settings()
        if not self.sessions:
            raise ExcelFileError(_("This activity has no sessions yet; add its sessions before importing."))
        with open_xlsx(path, limits) as workbook:
            if not workbook.worksheets:
                raise ExcelFileError(_("The workbook has no worksheet."))
            self.epoch = workbook.epoch
            sheet = workbook.worksheets[0]
            header = self._layout(find_header(sheet, header_matcher(), limits, HEADER_SCAN_ROWS))
            for number, values in rows_below(sheet, header, limits):
                cells = {key: values[p] for p, key, _h in self.layout}
                if all(_blank(v) for v in cells.values()):
                    continue
                if footer_row(values) and _blank(cells.get("id_number")) and _blank(cells.get("id_last4")):
                    self.result.skipped_rows.append(number)
                    continue
                self.result.rows += 1
                self._parse(number, cells)
        if not self.result.rows:
            raise ExcelFileError(_("There are no rows below the header row."))
        self.result.errors = self.errors.sorted()
        self.result.error_count = self.errors.count
        self._tally()

    def _layout(self, header: Header | None) -> Header:
        positions = header.positions if header else {}
        keys = {key for key, _h in positions.values()}
        missing = [str(COLUMNS_BY_KEY[k].label) for k in ("name", "status") if k not in keys]
        if header is None or missing:
            raise ExcelFileError(
                _("Required columns are missing: %(columns)s. The header must be within the first %(scan)s rows.")
                % {
                    "columns": "、".join(missing or [str(COLUMNS_BY_KEY[k].label) for k in ("name", "status")]),
                    "scan": HEADER_SCAN_ROWS,
                }
            )
        if not keys & {"id_number", "id_last4"}:
            raise ExcelFileError(
                _("The file needs a column “%(id)s” or “%(last4)s” to tell cadres of the same name apart.")
                % {"id": COLUMNS_BY_KEY["id_number"].label, "last4": COLUMNS_BY_KEY["id_last4"].label}
            )
        if "session_date" not in keys and len(self.sessions) > 1:
            raise ExcelFileError(
                _("This activity has %(count)s sessions: the file needs a column “%(column)s” saying which one.")
                % {"count": len(self.sessions), "column": COLUMNS_BY_KEY["session_date"].label}
            )
        self.layout = [(p, key, text) for p, (key, text) in sorted(positions.items())]
        self.headers = {key: text for _p, key, text in self.layout}
        self.positions = {key: p for p, key, _t in self.layout}
        self.result.header_row = header.row
        self.result.columns = [text for _p, _k, text in self.layout]
        self.result.ignored_columns = header.ignored()
        return header

    def _header(self, key: str) -> str:
        return self.headers.get(key) or str(COLUMNS_BY_KEY[key].label)

    def _error(self, row: int, key: str, reason: str) -> None:
        self.errors.add(RowError(row, self._header(key), reason, self.positions.get(key, NOT_IN_FILE)))

    def _parse(self, number: int, cells: dict[str, Any]) -> None:
        failed = self.errors.count
        cadre = self._cell(number, "name", lambda: self._cadre(cells))
        session = None
        if not _blank(cells.get("session_date")):
            session = self._cell(number, "session_date", lambda: self._session(cells["session_date"]))
        elif self.target is not None or len(self.sessions) == 1:
            session = self.sessions[0]
        else:
            self._error(
                number,
                "session_date",
                _(
                    "The activity has several sessions; write the session date (with the start time if two share a day)."
                ),
            )
        status = self._cell(number, "status", lambda: self._status(cells.get("status")))
        reason = self._cell(number, "reason", lambda: self._reason(cells.get("reason"))) or ""
        word = text_of(cells.get("status"))
        if status == AttendanceStatus.LEAVE and not reason and word in LEAVE_KINDS:
            reason = word
        if self.errors.count > failed or cadre is None or session is None or status is None:
            return
        first = self.seen.setdefault((cadre.pk, session.pk), number)
        if first != number:
            self._error(
                number,
                "name",
                _("%(name)s is already on row %(row)s for the same session.") % {"name": cadre.name, "row": first},
            )
            return
        self.rows.append(_Row(number, cadre, session, status, reason))

    def _cell(self, number: int, key: str, read: Callable[[], Any]) -> Any:
        """What ``read`` makes of the row, or None with the error recorded under its column."""
        try:
            return read()
        except CellError as exc:
            self._error(number, exc.column or key, exc.message)
            return None

    def _cadre(self, cells: dict[str, Any]):
        name = name_of(cells.get("name"))
        id_raw = cells.get("id_number")
        if not _blank(id_raw):
            if isinstance(id_raw, int | float) and not isinstance(id_raw, bool):
                raise CellError(
                    _("The ID number must be stored as text: format the column as Text and enter it again."),
                    "id_number",
                )
            number = idcard.normalize(text_of(id_raw))
            cadre = self.by_id_number.get(number)
            if cadre is None:
                raise CellError(
                    _("No cadre with this ID number is enrolled in this activity."),
                    "id_number",
                )
            if name and fold(name) != fold(cadre.name):
                raise CellError(
                    _("The name does not match the ID number (the roster says %(name)s).") % {"name": cadre.name},
                    "name",
                )
            return cadre
        if not name:
            raise CellError(_("Write the name."), "name")
        last4_raw = cells.get("id_last4")
        if _blank(last4_raw):
            raise CellError(
                _("Write the ID number or its last four characters, to be sure who is meant."),
                "id_last4" if "id_last4" in cells else "id_number",
            )
        last4 = text_of(last4_raw)
        if isinstance(last4_raw, int | float) and not isinstance(last4_raw, bool):
            last4 = last4.zfill(4)  # a number cell has lost its leading zeros
        last4 = idcard.normalize(last4)
        if len(last4) != 4:
            raise CellError(_("Write exactly the last four characters of the ID number."), "id_last4")
        candidates = self.by_name.get(fold(name), [])
        matches = [c for c in candidates if c.id_number.endswith(last4)]
        if not matches:
            if candidates:
                raise CellError(
                    _("%(name)s is enrolled, but not with an ID number ending in %(last4)s.")
                    % {"name": name, "last4": last4},
                    "id_last4",
                )
            raise CellError(_("No cadre of this name is enrolled in this activity."), "name")
        if len(matches) > 1:
            raise CellError(
                _("Several enrolled cadres share this name and last four characters; write the full ID number."),
                "id_last4",
            )
        return matches[0]

    def _session(self, raw: Any) -> Session:
        """The session a 场次日期 cell means (its start time picks between two sessions of a day)."""
        day, start = self._date_and_time(raw)
        on_day = [s for s in self.sessions if s.date == day]
        if start is not None:
            on_day = [s for s in on_day if s.start_time.replace(second=0, microsecond=0) == start]
        if self.target is not None and not on_day:
            raise CellError(
                _("This file is for the session of %(date)s; the row says %(value)s.")
                % {"date": _session_label(self.target), "value": text_of(raw)}
            )
        if not on_day:
            raise CellError(
                _("The activity has no session on %(value)s. Its sessions: %(sessions)s.")
                % {"value": text_of(raw), "sessions": "、".join(_session_label(s) for s in self.sessions)}
            )
        if len(on_day) > 1:
            raise CellError(
                _("There are %(count)s sessions that day (%(times)s); add the start time, e.g. %(example)s.")
                % {
                    "count": len(on_day),
                    "times": "、".join(f"{s.start_time:%H:%M}" for s in on_day),
                    "example": f"{day:%Y-%m-%d} {on_day[-1].start_time:%H:%M}",
                }
            )
        return on_day[0]

    def _date_and_time(self, raw: Any) -> tuple[dt.date, dt.time | None]:
        if isinstance(raw, dt.datetime):
            start = raw.time().replace(second=0, microsecond=0)
            return raw.date(), (start if start != dt.time(0) else None)
        if isinstance(raw, dt.date):
            return raw, None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            try:
                cell = parse_date(raw, self.epoch)
            except (ValueError, OverflowError):
                cell = None
            if cell is not None and not cell.to_month:  # 202603 names a month, not a session
                return cell.first(), None
        text = unicodedata.normalize("NFKC", text_of(raw))
        match = _FULL_DATE.match(text)
        try:
            if match is None:
                raise ValueError(text)
            day = dt.date(*(int(g) for g in match.groups()))
            found = _TIME.search(text[match.end() :])
            start = dt.time(int(found.group(1)), int(found.group(2))) if found else None
        except ValueError:
            raise CellError(
                _("“%(value)s” is not a session date; write it like 2026-03-02, or 2026-03-02 14:00.")
                % {"value": text_of(raw)}
            ) from None
        return day, start

    def _status(self, raw: Any) -> str:
        text = text_of(raw)
        if not text:
            raise CellError(_("Write the attendance: present (出席), absent (缺席) or on leave (请假)."))
        value = self.statuses.get(fold(text))
        if value is None:
            raise CellError(
                _("“%(value)s” is not an attendance; use 出席 (or 到, 已到, √), 缺席 or 请假.") % {"value": text}
            )
        return value

    def _reason(self, raw: Any) -> str:
        text = text_of(raw)
        if len(text) > REASON_MAX:
            raise CellError(
                _("The reason is %(length)s characters long; at most %(limit)s.")
                % {"length": len(text), "limit": REASON_MAX}
            )
        return text

    # --- comparing and writing ---------------------------------------------------------------

    def _tally(self) -> None:
        existing = {
            (a.session_id, a.cadre_id): a
            for a in Attendance.objects.filter(session__in=self.sessions, cadre_id__in={r.cadre.pk for r in self.rows})
        }
        self.actions: list[str] = []
        for row in self.rows:
            current = existing.get((row.session.pk, row.cadre.pk))
            if current is None:
                action = "created"
            elif current.status == row.status and current.reason == row.reason:
                action = "unchanged"
            else:
                action = "updated"
            self.actions.append(action)
            setattr(self.result, action, getattr(self.result, action) + 1)
            setattr(self.result, row.status, getattr(self.result, row.status) + 1)
            if len(self.result.sample) < SAMPLE_ROWS:
                self.result.sample.append(
                    SampleRow(
                        row.number,
                        row.cadre.name,
                        row.cadre.id_number_masked,
                        _session_label(row.session),
                        str(AttendanceStatus(row.status).label),
                        action,
                    )
                )
        self.result.not_in_file = max(len(self.by_id_number) * len(self.sessions) - len(self.seen), 0)

    def write(self, *, actor, ip_address: str | None) -> None:
        changed = [row for row, action in zip(self.rows, self.actions, strict=True) if action != "unchanged"]
        for row in changed:
            try:
                refuse_own(actor, row.cadre.pk)
            except ValidationError as error:  # the importing admin's own row: the import is rolled back
                self._error(row.number, "name", " ".join(error.messages))
        if self.errors.count:
            self.result.errors = self.errors.sorted()
            self.result.error_count = self.errors.count
            return
        attendance_set_many(
            actor=actor,
            activity=self.activity,
            changes=[AttendanceChange(row.session, row.cadre, row.status, row.reason) for row in changed],
            method=AttendanceMethod.IMPORT,
        )
        result = self.result
        with translation.override(settings.LANGUAGE_CODE):
            target = _session_label(self.target) if self.target else self.activity.title
            audit_record(
                actor=actor,
                action=Action.IMPORT,
                obj=self.activity,
                summary=_(
                    "Attendance of %(target)s imported from %(file)s: "
                    "%(created)s recorded, %(updated)s corrected, %(unchanged)s unchanged."
                )
                % {
                    "target": target,
                    "file": result.file_name,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
                ip_address=ip_address,
            )


def _session_label(session: Session) -> str:
    return f"{session.date:%Y-%m-%d} {session.start_time:%H:%M}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- the template ------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_workbook(*, activity: Activity, session: Session | None = None) -> Workbook:
    """The sign-in sheet to fill in: one row per enrolled cadre (and session), attendance left blank."""
    sessions = [session] if session is not None else list(activity.sessions.order_by("date", "start_time"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(pgettext_lazy("attendance column", "Attendance"))
    keys = ["name", "id_last4", "session_date", "status", "reason"]
    title = activity.title if session is None else f"{activity.title} {_session_label(session)}"
    sheet.append([_("Attendance of %(title)s") % {"title": title}])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([str(COLUMNS_BY_KEY[k].label) for k in keys])
    for cell in sheet[2]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    enrolments = Enrolment.objects.filter(activity=activity).select_related("cadre")
    for s in sessions:
        for enrolment in enrolments:
            sheet.append([enrolment.cadre.name, enrolment.cadre.id_number[-4:], _session_label(s), None, None])
    for row in sheet.iter_rows(min_row=3, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "@"  # text: keeps a leading zero and the date as written
    choices = ",".join(str(label) for label in AttendanceStatus.labels)
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    sheet.add_data_validation(validation)
    validation.add(f"D3:D{max(sheet.max_row, 3) + 200}")
    for letter, width in zip("ABCDE", (12, 14, 18, 10, 28), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    return workbook
