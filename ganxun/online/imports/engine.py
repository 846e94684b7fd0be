"""A platform's export imported: read row by row, each batch matched and decided, and — when writing — written in
batches inside one transaction that is rolled back if any row turns out bad (all rows or none).

Each matched person counts once: *created* (no figure of the platform and year yet), *updated* (a different
figure), *unchanged* (the same figure as counted, or as held for review already), or *flagged* (held for review:
lower than an earlier figure, or an outlier rule).  A person not on the roster is *unmatched*: listed, stored with
the import, and no obstacle to the others unless the import is strict.  A bad cell is 第N行 列名: 原因.

Memory stays flat in the file's length: the sheet is streamed, a thousand rows are held at a time, the lists the
preview shows are capped, and a person seen twice is caught by a bit per cadre key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record, changed_fields
from ganxun.core.excel import ExcelFileError, ImportLimits, footer_row, open_xlsx, rows_below
from ganxun.core.excel import Header as _Header
from ganxun.hours import totals
from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source
from ganxun.hours.services import is_own, own_hours_message, self_reports_supersede
from ganxun.hours.services.ledger import entry_snapshot
from ganxun.practice.services.bulk import Author, Rows
from ganxun.roster import idcard
from ganxun.roster.imports.columns import CellError, name_of, text_of
from ganxun.roster.imports.results import NOT_IN_FILE, ErrorList, RowError
from ganxun.roster.models import Cadre, CadrePeriod, Status, home_unit_id

from ..models import (
    FIELD_LABELS,
    Cumulation,
    FigureStatus,
    OnlineCredit,
    OnlineFigure,
    OnlineImport,
    Platform,
    PlatformUnit,
    period_key,
)
from ..services.covered import covered_reports, supersede_message
from ..services.credits import (
    Converter,
    MissingRule,
    Rules,
    credit_apply,
    ledger_title,
    lower_message,
    points_apart_message,
    total_of,
)
from . import reading
from .matching import Ambiguous, Matcher, Ref

BATCH_SIZE = 1000
MAX_LISTED = 500


@dataclass
class Listed:
    """A person the preview lists: unmatched or flagged."""

    row: int
    name: str
    identifier: str  # masked
    section: str
    amount: Decimal
    flags: list[str] = field(default_factory=list)


@dataclass
class OnlineImportResult:
    platform: str
    file_name: str
    year: int = 0
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    header_row: int = 0
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    skipped_rows: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    unmatched: int = 0
    superseded: int = 0  # the cadres' self-reports of this platform and year that the import now counts
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    unmatched_people: list[Listed] = field(default_factory=list)
    flagged_people: list[Listed] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    written: bool = False
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def counts(self) -> str:
        return (
            f"created={self.created} updated={self.updated} unchanged={self.unchanged} "
            f"flagged={self.flagged} unmatched={self.unmatched}"
        )

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.flagged + self.unmatched


@dataclass(slots=True)
class Row:
    number: int
    name: str = ""
    id_number: str = ""
    phone: str = ""
    identifier: str = ""
    section: str = ""
    amount: Decimal = Decimal(0)
    required: Decimal | None = None
    elective: Decimal | None = None
    courses: int | None = None
    year: int | None = None
    period: tuple[dt.date, dt.date] | None = None
    cadre: Ref | None = None
    status: str = ""
    part_hours: Decimal | None = None
    credit: tuple | None = None  # (key, figures per period with this row's, their 学时, counted to) of a credit there
    flags: list[str] | None = None


class _Rollback(Exception):
    pass


class OnlineImportJob:
    def __init__(
        self,
        *,
        platform: Platform,
        file_name: str,
        actor=None,
        actor_name: str = "",
        year: int | None = None,
        strict: bool = False,
        writing: bool = False,
        ip_address: str | None = None,
        max_errors: int | None = 500,
    ) -> None:
        self.platform = platform
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.actor_name = actor_name
        self.year = year
        self.strict = strict
        self.writing = writing
        self.ip_address = ip_address
        self.limits = ImportLimits.from_settings()
        self.errors = ErrorList(max_errors)
        self.result = OnlineImportResult(platform=platform.name, file_name=file_name)
        self.period: tuple[dt.date, dt.date] | None = None
        self.key = ""
        self.seen = bytearray()
        self.rules = Rules()
        self.converter: Converter | None = None
        self.record: OnlineImport | None = None
        self.figure_rows: Rows | None = None
        self.credit_rows: Rows | None = None
        self.cumulative = platform.cumulation == Cumulation.YEAR
        self.reports: list[int] = []  # self-reports to withdraw (``covered_reports``): a few, not one per row

    # --- reading ---------------------------------------------------------------------------------------------

    def run(self, path: Path) -> OnlineImportResult:
        if not self.writing:
            self._read(path)
            self._reports_notice()
        else:
            try:
                with transaction.atomic():
                    self._read(path)
                    if self.errors.count:
                        raise _Rollback
                    self._finish(path)
                    self._reports_notice()
            except _Rollback:
                self.record = None
            else:
                self.result.written = True
                self.result.import_id = self.record.pk if self.record else None
        self.result.errors = self.errors.sorted()
        self.result.error_count = self.errors.count
        return self.result

    def _read(self, path: Path) -> None:
        with open_xlsx(path, self.limits) as workbook:
            if not workbook.worksheets:
                raise ExcelFileError(_("The workbook has no worksheet."))
            self.epoch = workbook.epoch
            sheet = workbook.worksheets[0]
            layout = reading.find_layout(sheet, self.platform.synonyms(), self.limits.max_columns)
            self._check_layout(layout)
            assert layout is not None
            self.layout = layout
            for title in layout.titles:
                found = reading.period_of_text(title)
                if found is not None:
                    self.period = found
                    break
            order = sorted(layout.positions.items(), key=lambda item: item[1])
            header = _Header(layout.row, (), {position: (key, "") for key, position in order})
            id_position = layout.positions.get("id_number")
            batch: list[Row] = []
            for number, values in rows_below(sheet, header, self.limits):
                cells = {key: values[position] if position < len(values) else None for key, position in order}
                if all(reading._blank(v) for v in cells.values()):
                    continue
                if footer_row(values) and not (id_position is not None and _looks_like_id(values[id_position])):
                    self.result.skipped_rows.append(number)
                    continue
                self.result.rows += 1
                row = self._parse(number, cells)
                if row is not None:
                    batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    self._process(batch)
                    batch = []
            self._process(batch)
        if not self.result.rows:
            raise ExcelFileError(_("There are no rows below the header row."))

    def _check_layout(self, layout: reading.Layout | None) -> None:
        keys = set(layout.positions) if layout else set()
        who = {"name", "id_number", "phone", "username"}
        figure = {"amount", "required", "elective"}
        if layout is None or not keys & who or not keys & figure:
            names = self.platform.synonyms()
            raise ExcelFileError(
                _(
                    "The header row was not found within the first %(scan)s rows: it needs a column naming the "
                    "person (%(who)s) and the figure (%(figure)s)."
                )
                % {
                    "scan": reading.HEADER_SCAN_ROWS,
                    "who": "、".join(names[k][0] for k in ("name", "id_number", "phone", "username") if k in names),
                    "figure": "、".join(names["amount"][:3]),
                }
            )
        self.result.header_row = layout.row
        self.result.columns = [layout.headers[k] for k, _p in sorted(layout.positions.items(), key=lambda i: i[1])]
        self.result.ignored_columns = layout.ignored

    def header(self, key: str) -> str:
        return self.layout.headers.get(key) or self.platform.synonyms().get(key, [str(FIELD_LABELS[key])])[0]

    def error(self, row: int, key: str, reason: str) -> None:
        self.errors.add(RowError(row, self.header(key), reason, self.layout.positions.get(key, NOT_IN_FILE)))

    def _cell(self, row: int, key: str, read, value) -> Any:
        try:
            return read(value)
        except CellError as exc:
            self.error(row, key, str(exc))
            return None

    def _parse(self, number: int, cells: dict[str, Any]) -> Row | None:
        failed = self.errors.count
        row = Row(number)
        row.name = name_of(cells.get("name"))[:50]
        row.section = text_of(cells.get("section"))[:100]
        if "id_number" in cells:
            row.id_number = self._cell(number, "id_number", reading.id_number_cell, cells["id_number"]) or ""
        if "phone" in cells:
            row.phone = self._cell(number, "phone", reading.phone_cell, cells["phone"]) or ""
        if "username" in cells and not reading._blank(cells["username"]):
            found = self._cell(number, "username", reading.username_cell, cells["username"])
            if found:
                row.id_number = row.id_number or found[0]
                row.phone = row.phone or found[1]
        row.identifier = idcard.mask_id_number(row.id_number) if row.id_number else idcard.mask_phone(row.phone)
        parts = {}
        for key in ("required", "elective"):
            if key in cells:
                parts[key] = self._cell(number, key, lambda v: reading.amount_cell(v, allow_blank=True), cells[key])
        row.required, row.elective = parts.get("required"), parts.get("elective")
        if "amount" in cells and not (reading._blank(cells["amount"]) and (row.required or row.elective) is not None):
            row.amount = self._cell(number, "amount", reading.amount_cell, cells["amount"]) or Decimal(0)
        elif row.required is not None or row.elective is not None:
            row.amount = (row.required or Decimal(0)) + (row.elective or Decimal(0))
        elif "amount" not in cells:
            self.error(number, "required", _("This cell is empty."))
        if "courses" in cells:
            row.courses = self._cell(number, "courses", reading.count_cell, cells["courses"])
        if "year" in cells:
            row.year = self._cell(number, "year", reading.year_cell, cells["year"])
        if "period" in cells:
            row.period = self._cell(number, "period", reading.period_cell, cells["period"])
        elif "period_end" in cells:
            start = self._cell(
                number, "period_start", lambda v: reading.date_cell(v, self.epoch), cells.get("period_start")
            )
            end = self._cell(number, "period_end", lambda v: reading.date_cell(v, self.epoch), cells["period_end"])
            if end is not None:
                start = start or dt.date(end.year, 1, 1)
                if end < start:
                    self.error(number, "period_end", _("The period cannot end before it starts."))
                else:
                    row.period = (start, end)
        if self.errors.count > failed:
            return None
        return row

    # --- the year and period of the import --------------------------------------------------------------------

    def _settle(self, first: Row) -> None:
        """The import's year and period: given, else stated by a title row or the first row, else the year to
        date (a cumulative export); a per-period export must state its period."""
        if self.period is None and first.period is not None:
            self.period = first.period
        year = self.year or (self.period[1].year if self.period else None) or first.year
        if year is None:
            year = timezone.localdate().year
        self.year = year
        if self.period is None:
            if not self.cumulative:
                raise ExcelFileError(
                    _(
                        "%(platform)s exports a figure per period: the file must state its period (a column "
                        "统计起止日期, or a title row such as 统计时间：2026-01-01至2026-03-31)."
                    )
                    % {"platform": self.platform.name}
                )
            today = timezone.localdate()
            self.period = (dt.date(year, 1, 1), min(dt.date(year, 12, 31), max(today, dt.date(year, 1, 1))))
        start, end = self.period
        if not (start.year == end.year == year):
            raise ExcelFileError(
                _("The period %(start)s–%(end)s is not within the year %(year)s.")
                % {"start": start, "end": end, "year": year}
            )
        self.key = period_key(start, end, self.platform.cumulation)
        self.days = (end - start).days + 1
        self.result.year = year
        self.result.period_start, self.result.period_end = start, end
        self.converter = Converter(self.platform, year)
        self.matcher = Matcher(self.actor, year)
        if self.platform.unit == PlatformUnit.POINTS:
            try:
                if self.converter.hours(None, Decimal(1)) is None:
                    self.result.notices.append(points_apart_message(self.platform, year))
            except MissingRule:
                pass

    # --- matching and deciding --------------------------------------------------------------------------------

    def _process(self, batch: list[Row]) -> None:
        if not batch:
            return
        if self.converter is None:
            self._settle(batch[0])
        rows = []
        for row in batch:
            if row.year is not None and row.year != self.year:
                self.error(row.number, "year", _("The year is not %(year)s, that of the import.") % {"year": self.year})
            elif row.period is not None and row.period != self.period:
                self.error(
                    row.number,
                    "period" if "period" in self.layout.positions else "period_end",
                    _("The period is not that of the import (%(start)s–%(end)s).")
                    % {"start": self.period[0], "end": self.period[1]},
                )
            else:
                rows.append(row)
        self.matcher.load(
            (r.id_number for r in rows), (r.phone for r in rows), (r.name for r in rows if not r.id_number)
        )
        matched: list[Row] = []
        unmatched: list[Row] = []
        for row in rows:
            try:
                row.cadre = self.matcher.match(
                    id_number=row.id_number,
                    phone=row.phone,
                    name=row.name,
                    section=row.section,
                    id_column="id_number" if "id_number" in self.layout.positions else "username",
                    phone_column="phone" if "phone" in self.layout.positions else "username",
                )
            except Ambiguous as exc:
                self.error(row.number, exc.column, exc.message)
                continue
            who = (
                "name"
                if "name" in self.layout.positions
                else next(k for k in ("id_number", "phone", "username") if k in self.layout.positions)
            )
            if row.cadre is None:
                if self.strict:
                    self.error(row.number, who, _("This person is not on the roster you manage."))
                    continue
                row.status = FigureStatus.UNMATCHED
                unmatched.append(row)
                self.result.unmatched += 1
                if len(self.result.unmatched_people) < MAX_LISTED:
                    self.result.unmatched_people.append(
                        Listed(row.number, row.name, row.identifier, row.section, row.amount)
                    )
                continue
            if self._seen(row.cadre.pk):
                self.error(row.number, who, _("%(name)s is already on an earlier row.") % {"name": row.cadre.name})
                continue
            if is_own(self.actor, row.cadre.pk):
                self.error(row.number, who, own_hours_message())
                continue
            matched.append(row)
        self._decide(matched)
        if self.writing and not self.errors.count:
            self._write(matched, unmatched)

    def _seen(self, pk: int) -> bool:
        byte, bit = divmod(pk, 8)
        if byte >= len(self.seen):
            self.seen.extend(bytes(byte - len(self.seen) + 1024))
        if self.seen[byte] & (1 << bit):
            return True
        self.seen[byte] |= 1 << bit
        return False

    def _decide(self, rows: list[Row]) -> None:
        if not rows:
            return
        ids = [r.cadre.pk for r in rows]
        credits = {
            cadre_id: (pk, parts, last_day)
            for cadre_id, pk, parts, last_day in OnlineCredit.objects.filter(
                platform=self.platform, year=self.year, cadre_id__in=ids
            ).values_list("cadre_id", "pk", "parts", "last_day")
        }
        held: dict[int, set[Decimal]] = {}
        for cadre_id, amount in OnlineFigure.objects.filter(
            platform=self.platform,
            year=self.year,
            period_key=self.key,
            cadre_id__in=ids,
            status__in=(FigureStatus.FLAGGED, FigureStatus.REJECTED),
        ).values_list("cadre_id", "amount"):
            held.setdefault(cadre_id, set()).add(amount)
        in_post = set(
            CadrePeriod.objects.overlapping(*self.period)
            .filter(cadre_id__in=ids, status=Status.ACTIVE)
            .values_list("cadre_id", flat=True)
        )
        assert self.converter is not None
        counting = []  # cadres whose figure of the platform counts as 学时: their self-reports of it are withdrawn
        for row in rows:
            cadre = row.cadre
            credit = credits.get(cadre.pk)
            parts = dict(credit[1]) if credit is not None else {}
            old = Decimal(parts[self.key]) if self.key in parts else None
            if old == row.amount or row.amount in held.get(cadre.pk, ()):
                row.status = FigureStatus.UNCHANGED
                self._count(row)
                if old == row.amount and self.converter.hours(cadre.unit_id, row.amount) is not None:
                    counting.append(cadre.pk)
                continue
            parts[self.key] = str(row.amount)
            try:
                row.part_hours = self.converter.hours(cadre.unit_id, row.amount)
                total_hours = self.converter.hours(cadre.unit_id, total_of(parts))
            except MissingRule as exc:
                self.error(row.number, "amount" if "amount" in self.layout.positions else "required", str(exc))
                continue
            flags = []
            if old is not None and row.amount < old:
                flags.append(lower_message(old, row.amount))
            flags += self.rules.flags(
                part_hours=row.part_hours, total_hours=total_hours, days=self.days, in_post=cadre.pk in in_post
            )
            row.flags = flags
            if credit is not None:
                row.credit = (credit[0], parts, total_hours, credit[2])
            if flags:
                row.status = FigureStatus.FLAGGED
            else:
                row.status = FigureStatus.CREATED if credit is None else FigureStatus.UPDATED
                if row.part_hours is not None:
                    counting.append(cadre.pk)
            self._count(row)
        self.reports += covered_reports(self.platform, self.year, counting)

    def _count(self, row: Row) -> None:
        setattr(self.result, row.status, getattr(self.result, row.status) + 1)
        if row.status == FigureStatus.FLAGGED and len(self.result.flagged_people) < MAX_LISTED:
            self.result.flagged_people.append(
                Listed(row.number, row.cadre.name, row.identifier, row.section, row.amount, list(row.flags or ()))
            )

    # --- writing ----------------------------------------------------------------------------------------------

    def _import_record(self) -> OnlineImport:
        if self.record is None:
            org_unit_id = getattr(self.actor, "unit_id", None) if self.actor is not None else None
            self.record = OnlineImport.objects.create(
                platform=self.platform,
                year=self.year,
                period_start=self.period[0],
                period_end=self.period[1],
                file_name=self.result.file_name[:200],
                org_unit_id=org_unit_id or home_unit_id(),
                imported_by=self.actor,
                imported_by_name=(self.actor.get_username() if self.actor else self.actor_name)[:150],
                strict=self.strict,
            )
            self.author = Author(self.actor, actor_name=self.actor_name, ip_address=self.ip_address)
            self.entry_type = ContentType.objects.get_for_model(OnlineCredit)
            self.title = ledger_title(self.platform, self.year)
        return self.record

    def _write(self, matched: list[Row], unmatched: list[Row]) -> None:
        """The batch's figures, its new credits with their entries (prepared inserts, a thousand a statement) and
        its changed credits through the services, one by one."""
        record = self._import_record()
        if self.figure_rows is None:
            self.figure_rows = Rows(
                OnlineFigure(
                    online_import=record,
                    platform=self.platform,
                    year=self.year,
                    period_key=self.key,
                    row=0,
                    amount=Decimal(0),
                    status=FigureStatus.CREATED,
                )
            )
        figures = self.figure_rows
        for row in [*matched, *unmatched]:
            if not row.status:
                continue
            figures.add(
                cadre=row.cadre.pk if row.cadre else None,
                row=row.number,
                name=row.name or (row.cadre.name if row.cadre else ""),
                identifier=row.identifier[:30],
                section=row.section,
                amount=row.amount,
                required=row.required,
                elective=row.elective,
                courses=row.courses,
                hours=row.part_hours,
                status=str(row.status),
                flags="\n".join(row.flags or ()),
            )
        figures.execute()
        created = [r for r in matched if r.status == FigureStatus.CREATED]
        if created:
            self._create_credits(created)
        updated = [r for r in matched if r.status == FigureStatus.UPDATED]
        if updated:
            self._update_credits(updated)

    def _update_credits(self, rows: list[Row]) -> None:
        """Credits already there with a new figure: in prepared updates when their entry is a confirmed one whose
        学时 and date change (what ``credit_apply`` → ``ledger_record`` writes, an audit event per entry, the totals
        rebuilt); any other through ``credit_apply`` itself, one by one."""
        end = self.period[1]
        entries = {
            source_id: (pk, date, hours, status, bucket, title, reason)
            for source_id, pk, date, hours, status, bucket, title, reason in LedgerEntry.objects.filter(
                source=Source.ONLINE_RECORD, source_id__in=[r.credit[0] for r in rows]
            ).values_list("source_id", "pk", "date", "hours", "status", "bucket", "title", "reason")
        }
        fast, slow = [], []
        for row in rows:
            entry = entries.get(row.credit[0])
            plain = (
                entry is not None
                and row.credit[2] is not None
                and entry[3:] == (EntryStatus.CONFIRMED, Bucket.ONLINE, self.title, "")
            )
            (fast if plain else slow).append((row, entry))
        if fast:
            self._update_in_bulk(fast, end)
        cadres = Cadre.objects.in_bulk([r.cadre.pk for r, _e in slow]) if slow else {}
        for row, _entry in slow:
            try:
                credit_apply(
                    actor=self.actor,
                    cadre=cadres[row.cadre.pk],
                    platform=self.platform,
                    year=self.year,
                    key=self.key,
                    amount=row.amount,
                    last_day=end,
                    converter=self.converter,
                )
            except ValidationError as exc:
                self.error(row.number, "name", "；".join(exc.messages))

    def _update_in_bulk(self, rows: list[tuple[Row, tuple]], end: dt.date) -> None:
        connection = connections[router.db_for_write(OnlineCredit)]
        ops = connection.ops
        now = timezone.now()
        parts_field = OnlineCredit._meta.get_field("parts")
        credit_sql = (
            f"UPDATE {OnlineCredit._meta.db_table} SET parts = %s, amount = %s, hours = %s, last_day = %s, "
            f"updated_at = %s WHERE id = %s"
        )
        entry_sql = (
            f"UPDATE {LedgerEntry._meta.db_table} SET hours = %s, date = %s, decided_by_id = %s, decided_at = %s, "
            f"unit_id = NULL, section_id = NULL WHERE id = %s"
        )
        user = self.author.user
        at = ops.adapt_datetimefield_value(now)
        credit_rows, entry_rows, events = [], [], []
        template = LedgerEntry(source=Source.ONLINE_RECORD, bucket=Bucket.ONLINE, status=EntryStatus.CONFIRMED)
        for row, entry in rows:
            pk, parts, hours, last_day = row.credit
            day = max(last_day, end)
            amount = total_of(parts)
            credit_rows.append(
                (
                    parts_field.get_db_prep_save(parts, connection),
                    ops.adapt_decimalfield_value(amount, 9, 2),
                    ops.adapt_decimalfield_value(hours, 7, 2),
                    ops.adapt_datefield_value(day),
                    at,
                    pk,
                )
            )
            entry_pk, old_day, old_hours = entry[0], entry[1], entry[2]
            if old_day == day and old_hours == hours:
                continue
            entry_rows.append(
                (
                    ops.adapt_decimalfield_value(hours, 6, 2),
                    ops.adapt_datefield_value(day),
                    user.pk if user else None,
                    at,
                    entry_pk,
                )
            )
            template.pk = entry_pk
            before = {"date": old_day.isoformat(), "hours": str(old_hours)}
            after = {"date": day.isoformat(), "hours": str(hours)}
            events.append(
                self.author.event(
                    Action.UPDATE,
                    template,
                    changed_fields(before, after),
                    repr_=f"{row.cadre.name} {day} {self.title} {hours}",
                )
            )
        with connection.cursor() as cursor:
            cursor.executemany(credit_sql, credit_rows)
            if entry_rows:
                cursor.executemany(entry_sql, entry_rows)
        self.author.insert(events)
        totals.refresh([row.cadre.pk for row, _entry in rows])

    def _create_credits(self, rows: list[Row]) -> None:
        """New credits and their confirmed ledger entries, as ``credit_apply`` and ``ledger_record`` write them one
        by one (an audit event per entry), in prepared inserts; the cadres' totals rebuilt."""
        end = self.period[1]
        if self.credit_rows is None:
            self.credit_rows = Rows(
                OnlineCredit(cadre_id=0, platform=self.platform, year=self.year, parts={}, last_day=end)
            )
            user = self.author.user
            self.entry_template = LedgerEntry(
                cadre_id=0,
                date=end,
                hours=Decimal(0),
                bucket=Bucket.ONLINE,
                source=Source.ONLINE_RECORD,
                source_type=self.entry_type,
                title=self.title,
                status=EntryStatus.CONFIRMED,
                created_by=user,
                decided_by=user,
                decided_at=timezone.now(),
            )
            self.entry_rows = Rows(self.entry_template)
            self.entry_common = entry_snapshot(_Snap(self.entry_template, ""))
        hours_of: dict[int, Decimal | None] = {}
        for row in rows:
            hours = self.converter.hours(row.cadre.unit_id, row.amount)
            hours_of[row.cadre.pk] = hours
            row.part_hours = hours
            self.credit_rows.add(
                cadre=row.cadre.pk,
                parts={self.key: str(row.amount)},
                amount=row.amount,
                hours=hours if hours is not None else Decimal(0),
            )
        self.credit_rows.execute()
        counted = [row for row in rows if row.part_hours is not None]
        if not counted:
            return
        keys = dict(
            OnlineCredit.objects.filter(
                platform=self.platform, year=self.year, cadre_id__in=[r.cadre.pk for r in counted]
            ).values_list("cadre_id", "pk")
        )
        for row in counted:
            self.entry_rows.add(cadre=row.cadre.pk, hours=row.part_hours, source_id=keys[row.cadre.pk])
        self.entry_rows.execute()
        entries = dict(
            LedgerEntry.objects.filter(
                source=Source.ONLINE_RECORD, source_id__in=[keys[r.cadre.pk] for r in counted]
            ).values_list("source_id", "pk")
        )
        template, common = self.entry_template, self.entry_common

        def events():
            for row in counted:
                template.pk = entries[keys[row.cadre.pk]]
                after = {**common, "cadre": row.cadre.name, "date": end.isoformat(), "hours": str(row.part_hours)}
                yield self.author.created(
                    template, after, repr_=f"{row.cadre.name} {end} {self.title} {row.part_hours}"
                )

        self.author.insert(events())
        totals.refresh([r.cadre.pk for r in counted])

    def _reports_notice(self) -> None:
        if not self.reports:
            return
        if self.writing:
            message = _(
                "%(count)s self-reports of %(platform)s in %(year)s were withdrawn: this import counts those hours."
            )
        else:
            self.result.superseded = len(self.reports)
            message = _(
                "%(count)s self-reports of %(platform)s in %(year)s will be withdrawn: this import counts those hours."
            )
        self.result.notices.append(
            message % {"count": self.result.superseded, "platform": self.platform.name, "year": self.year}
        )

    def _finish(self, path: Path) -> None:
        result = self.result
        if self.converter is None:
            return
        record = self._import_record()
        if self.reports:
            result.superseded = self_reports_supersede(
                actor=self.actor,
                actor_name=self.actor_name,
                entry_ids=self.reports,
                reason=supersede_message(self.platform, self.year),
            )
        for name in ("created", "updated", "unchanged", "flagged", "unmatched"):
            setattr(record, name, getattr(result, name))
        with path.open("rb") as handle:
            record.file.save(Path(result.file_name).name or "export.xlsx", File(handle), save=False)
        record.save()
        audit_record(
            actor=self.actor,
            actor_name=self.actor_name,
            action=Action.IMPORT,
            obj=record,
            summary=_("Online platform export (%(platform)s, %(year)s) imported from %(file)s: %(counts)s.")
            % {"platform": self.platform.name, "year": self.year, "file": result.file_name, "counts": result.counts},
            ip_address=self.ip_address,
        )


class _Snap:
    """An entry as ``entry_snapshot`` reads it, for the labels every new entry shares."""

    def __init__(self, entry: LedgerEntry, name: str) -> None:
        self.entry = entry
        self.cadre = type("C", (), {"name": name})()
        self.date = entry.date
        self.hours = entry.hours
        self.title = entry.title
        self.reason = ""

    def get_bucket_display(self):
        return self.entry.get_bucket_display()

    def get_source_display(self):
        return self.entry.get_source_display()

    def get_status_display(self):
        return self.entry.get_status_display()


def _looks_like_id(value: Any) -> bool:
    return len(idcard.normalize(text_of(value))) >= 15


def online_import(
    path: Path,
    *,
    platform: Platform,
    file_name: str,
    actor=None,
    actor_name: str = "",
    year: int | None = None,
    strict: bool = False,
    write: bool = False,
    ip_address: str | None = None,
    max_errors: int | None = 500,
) -> OnlineImportResult:
    """Check (``write=False``: the preview, ``--dry-run``) or import a platform's export; ExcelFileError for a file
    that cannot be used at all."""
    job = OnlineImportJob(
        platform=platform,
        file_name=file_name,
        actor=actor,
        actor_name=actor_name,
        year=year,
        strict=strict,
        writing=write,
        ip_address=ip_address,
        max_errors=max_errors,
    )
    return job.run(path)
