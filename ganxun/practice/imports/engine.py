"""Practice lists from Excel: every row is checked, and written only when every row of the file is good.

Reading: the first sheet is streamed row by row (openpyxl read-only), each cell parsed, and each batch of a
thousand rows matched with the cadres it names and the records already there (a few queries per batch).  A row
is *created*, *updated* (a field the file gives differs) or *unchanged*; a bad cell is a row error 第N行 列名: 原因.

A check (the preview, ``--dry-run``) writes and locks nothing and keeps no rows.  An import of deployments,
community reports or secondments *streams*: in one transaction that holds the whole import, each batch is
written as soon as it is checked (``services.bulk``: the records, their audit events; the campaign the import
names created with the first batch, new places as they come) and let go, so memory stays flat in the file's
size; after the last row, the campaign's period is widened to every row and the 学时 of every cadre and year
touched synced once.  A bad row anywhere stops the writing and rolls the whole transaction back: nothing is kept.
A later batch is compared with what was there before the import (``already_there``), as the check compares it.
Team memberships, whose check reads each cadre's other memberships, are written row by row through the practice
services after the whole file is checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.core.excel import (
    CellDate,
    ExcelFileError,
    Header,
    ImportLimits,
    find_header,
    footer_row,
    open_xlsx,
    rows_below,
)
from ganxun.hours.services import is_own, own_hours_message
from ganxun.roster import idcard
from ganxun.roster.imports.columns import CellError, date_of, fold, id_number_of, name_of, text_of
from ganxun.roster.imports.results import NOT_IN_FILE, ErrorList, RowError
from ganxun.roster.models import Cadre

from ..services import bulk
from ..services.common import check_dates
from . import columns as cols
from .cadres import CadreMatcher, CadreNotFound, CadreRef
from .results import PracticeImportResult, RowChange, SampleRow

BATCH_SIZE = 1000
# The cadre's fields a record written in bulk reads: its name (the audit event), 单位 and 科室 (attribution
# when the cadre has no period of service), party branch (a community report's default).
RECORD_CADRE_FIELDS = ("pk", "name", "unit_id", "section_id", "party_branch")
HEADER_SCAN_ROWS = 10
SAMPLE_ROWS = 10


@dataclass
class Row:
    """One record of the file: its cells as values, the cadre it is about, what it does."""

    number: int
    values: dict[str, Any]  # column key -> parsed value (dates as CellDate until matched)
    id_number: str = ""
    name: str = ""
    cadre: CadreRef | None = None
    record: Any = None  # the record already there, for an update
    fields: dict[str, Any] = field(default_factory=dict)  # the record's fields as the file gives them
    changed: list[str] = field(default_factory=list)  # for an update: the fields that change
    action: str = ""


class _Rollback(Exception):
    pass


class PracticeImport:
    """What the four kinds share: the reading, the cadres, the errors, the counting and the transaction.

    A kind says how its cells become a record's fields (``prepare``), which record of the cadre a row is
    (``existing``/``same_record``), and how a record is written (``write_row``).
    """

    kind: str = ""
    service_kind: Any = None  # the services' description of the record (its dates, whether it counts 学时)
    date_key: str = ""  # the column whose date is part of the record's identity (start, joined, date)
    compared: tuple[str, ...] = ()  # the record fields an update may change

    def __init__(
        self,
        *,
        file_name: str,
        actor=None,
        actor_name: str = "",
        ip_address: str | None = None,
        max_errors: int | None = 500,
        max_changes: int | None = 200,
        group_name: str = "",
        writing: bool = True,
    ) -> None:
        self.writing = writing
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.actor_name = actor_name
        self.ip_address = ip_address
        self.result = PracticeImportResult(file_name=file_name, kind=self.kind)
        self.errors = ErrorList(max_errors)
        self.max_changes = max_changes
        self.limits = ImportLimits.from_settings()
        self.columns = cols.columns_by_key(self.kind)
        self.matcher = CadreMatcher(self.actor)
        self.rows: list[Row] = []  # the rows to create or update
        self.seen: dict[int, int] = {}  # a record's identity -> the row that first gave it
        self.headers: dict[str, str] = {}
        self.positions: dict[str, int] = {}
        self.group_name = " ".join(group_name.split())  # as the campaign and team services keep names
        self.high_water: int | None = None  # the last record's key before this import wrote any (streams)
        self.touched: dict[int, set[int]] = {}  # cadre -> the years whose 学时 the written rows change
        self.first_row_of: dict[int, int] = {}  # cadre -> the first row written of them (a refusal of their 学时)
        self.author = bulk.Author(self.actor, actor_name=actor_name, ip_address=ip_address)
        self.setup()

    def setup(self) -> None:
        """Load what the kind needs before the first row (the campaign or team, the register of places)."""

    # --- reading ---------------------------------------------------------------------------------------------

    @property
    def streams(self) -> bool:
        """Whether the rows are written as they are read, a batch at a time (``services.bulk``), in the one
        transaction that holds the whole import: the memory an import needs stays flat in the file's size."""
        return self.writing and self.bulk_writes and self.write_in_bulk

    def read(self, path: Path) -> None:
        """Check the file; an import that streams (``streams``) writes it too, all or nothing."""
        if not self.streams:
            self._read(path)
            return
        try:
            with transaction.atomic():
                self._read(path)
                if not self.errors.count:
                    self._close()
                if self.errors.count:
                    raise _Rollback
                self._record_import()
        except _Rollback:
            self.result.errors = self.errors.sorted()
            self.result.error_count = self.errors.count
            return
        self.result.written = True

    def _read(self, path: Path) -> None:
        with open_xlsx(path, self.limits) as workbook:
            if not workbook.worksheets:
                raise ExcelFileError(_("The workbook has no worksheet."))
            self.epoch = workbook.epoch
            sheet = workbook.worksheets[0]
            header = find_header(sheet, cols.header_matcher(self.kind), self.limits, HEADER_SCAN_ROWS)
            self._layout(header)
            layout = self.layout
            id_position = self.positions.get("id_number")
            batch: list[Row] = []
            for number, values in rows_below(sheet, header, self.limits):
                if all(_blank(values[p]) for p, _k, _t in layout):
                    continue
                if footer_row(values) and not (id_position is not None and _looks_like_id(values[id_position])):
                    self.result.skipped_rows.append(number)
                    continue
                self.result.rows += 1
                row = self._parse(number, {key: values[p] for p, key, _t in layout})
                if row is not None:
                    batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    self._resolve(batch)
                    self._flush()
                    batch = []
            self._resolve(batch)
            self._flush()
        if not self.result.rows:
            raise ExcelFileError(_("There are no rows below the header row."))
        self.finish()
        self.result.errors = self.errors.sorted()
        self.result.error_count = self.errors.count

    def _layout(self, header: Header | None) -> None:
        positions = header.positions if header else {}
        keys = {key for key, _h in positions.values()}
        required = [c for c in self.columns.values() if c.required]
        missing = [c.header for c in required if c.key not in keys]
        if header is None or missing:
            raise ExcelFileError(
                _("Required columns are missing: %(columns)s. The header must be within the first %(scan)s rows.")
                % {"columns": "、".join(missing or [c.header for c in required]), "scan": HEADER_SCAN_ROWS}
            )
        if not keys & {"name", "id_number"}:
            raise ExcelFileError(
                _("The file needs a column “%(id)s” or “%(name)s” to tell whose record each row is.")
                % {"id": self.columns["id_number"].header, "name": self.columns["name"].header}
            )
        self.check_layout(keys)
        self.layout = [(p, key, text) for p, (key, text) in sorted(positions.items())]
        self.headers = {key: text for _p, key, text in self.layout}
        self.positions = {key: p for p, key, _t in self.layout}
        self.result.header_row = header.row
        self.result.columns = [text for _p, _k, text in self.layout]
        self.result.ignored_columns = header.ignored()

    def check_layout(self, keys: set[str]) -> None:
        """Raise ExcelFileError when the kind cannot use a file with these columns."""

    def has(self, key: str) -> bool:
        return key in self.positions

    def header(self, key: str) -> str:
        """The column as the file names it, or its standard header when the file lacks it."""
        return self.headers.get(key) or self.columns[key].header

    def error(self, row: int, key: str, reason: str) -> None:
        self.errors.add(RowError(row, self.header(key), reason, self.positions.get(key, NOT_IN_FILE)))

    def cell(self, row: int, key: str, read: Callable[[], Any]) -> Any:
        """What ``read`` makes of a cell, or None with the error recorded under the column."""
        try:
            return read()
        except CellError as exc:
            self.error(row, key, str(exc))
            return None

    def _parse(self, number: int, cells: dict[str, Any]) -> Row | None:
        failed = self.errors.count
        row = Row(number, {})
        row.id_number = self.cell(number, "id_number", lambda: id_number_of(cells.get("id_number"))) or ""
        if row.id_number and len(row.id_number) != 18:
            self.error(
                number,
                "id_number",
                _("An ID number has 18 characters; this one has %(count)s.") % {"count": len(row.id_number)},
            )
        row.name = name_of(cells.get("name"))
        # Every list may say the 科室: it tells namesakes apart when the file has no ID numbers.
        row.values["section"] = self.text(row, cells, "section", limit=50)
        self.parse(row, cells)
        if self.errors.count > failed:
            return None
        return row

    def parse(self, row: Row, cells: dict[str, Any]) -> None:
        """The kind's cells into ``row.values`` (errors recorded, the row then dropped)."""
        raise NotImplementedError

    # The cell readers the kinds share.

    def text(self, row: Row, cells: dict[str, Any], key: str, *, limit: int, required: bool = False) -> str:
        value = text_of(cells.get(key))
        if required and not value:
            self.error(row.number, key, _("This cell is empty."))
        elif len(value) > limit:
            self.error(
                row.number,
                key,
                _("%(length)s characters are too many; at most %(limit)s.") % {"length": len(value), "limit": limit},
            )
        return value

    def date(self, row: Row, cells: dict[str, Any], key: str, *, required: bool = False) -> CellDate | None:
        value = self.cell(row.number, key, lambda: date_of(cells.get(key), self.epoch))
        if value is None and required and _blank(cells.get(key)):
            self.error(row.number, key, _("Write the date."))
        return value

    def choice(self, row: Row, cells: dict[str, Any], key: str, index: dict[str, str], words: list[str]) -> str:
        written = text_of(cells.get(key))
        if not written:
            return ""
        value = index.get(fold(written))
        if value is None:
            self.error(
                row.number,
                key,
                _("“%(value)s” is not understood; write one of %(choices)s.")
                % {"value": written, "choices": "、".join(words)},
            )
            return ""
        return value

    # --- matching --------------------------------------------------------------------------------------------

    def _resolve(self, batch: list[Row]) -> None:
        """The batch's cadres, then each row's record (one query per kind of record)."""
        if not batch:
            return
        self.matcher.load((r.id_number for r in batch), (r.name for r in batch if not r.id_number))
        matched: list[Row] = []
        for row in batch:
            try:
                row.cadre = self.matcher.match(
                    id_number=row.id_number, name=row.name, section=text_of(row.values.get("section"))
                )
            except CadreNotFound as exc:
                self.error(row.number, exc.column, exc.message)
                continue
            if self.service_kind.counts_hours and is_own(self.actor, row.cadre.pk):
                self.error(row.number, "name" if self.has("name") else "id_number", own_hours_message())
            elif self.check_cadre(row):
                matched.append(row)
        records = self.existing([r.cadre.pk for r in matched]) if matched else {}
        for row in matched:
            self._compare(row, records.get(self.group_of(row), []))

    def check_cadre(self, row: Row) -> bool:
        """Kind-specific checks of the cadre (a party member for community reports); False: row error recorded."""
        return True

    def group_of(self, row: Row) -> tuple[int, int]:
        """What a record shares with its namesakes but the date, as (cadre key, a small number): the place's for
        a stint or a report, the kind's for a secondment, 0 for a membership of the import's team."""
        raise NotImplementedError

    def existing(self, cadre_ids: list[int]) -> dict[tuple, list[Any]]:
        """The records already there for these cadres, by group."""
        raise NotImplementedError

    def record_day(self, record: Any) -> dt.date:
        raise NotImplementedError

    def fields_of(self, row: Row, record: Any | None) -> dict[str, Any]:
        """The record's fields as the row gives them (the record already there, if any, for dates to the month)."""
        raise NotImplementedError

    def _compare(self, row: Row, candidates: list[Any]) -> None:
        written: CellDate = row.values[self.date_key]
        record = next((r for r in candidates if self.record_day(r) == written.first()), None)
        if record is None and written.to_month:
            in_month = [r for r in candidates if written.agrees_with(self.record_day(r))]
            if len(in_month) == 1:
                record = in_month[0]
        day = self.record_day(record) if record is not None else written.first()
        cadre, code = self.group_of(row)
        # One int per record seen (not a tuple of objects): the only memory a check keeps for each row.
        identity = (cadre << 44) | (code << 21) | day.toordinal()
        first = self.seen.setdefault(identity, row.number)
        if first != row.number:
            self.error(row.number, self.date_key, _("The same record is already on row %(row)s.") % {"row": first})
            return
        row.fields = self.fields_of(row, record)
        if not (self._check_dates(row) and self.check_fields(row)):
            return
        if record is None:
            row.action = "created"
        else:
            row.record = record
            row.changed = [f for f in self.compared if f in row.fields and row.fields[f] != getattr(record, f)]
            row.action = "updated" if row.changed else "unchanged"
        self._count(row)
        if row.action != "unchanged" and self.writing:
            self.rows.append(row)  # a check keeps no rows: its memory stays flat in the file's size

    def check_fields(self, row: Row) -> bool:
        """Checks across cells (an end before the start …); False: row error recorded."""
        return True

    def _check_dates(self, row: Row) -> bool:
        """The services' range of dates (from 1950 to a year ahead; a secondment planned further), checked on the
        record as the file gives it."""
        kind = self.service_kind
        record = _Dates(kind.model._meta, {f: v for f, v in row.fields.items() if f in kind.dates})
        try:
            check_dates(record, tuple(f for f in kind.dates if f in row.fields), far=kind.far_dates)
        except ValidationError as exc:
            self._refused(row, exc)
            return False
        return True

    def _count(self, row: Row) -> None:
        result = self.result
        setattr(result, row.action, getattr(result, row.action) + 1)
        assert row.cadre is not None
        if len(result.sample) < SAMPLE_ROWS:
            result.sample.append(
                SampleRow(
                    row.number,
                    row.action,
                    row.cadre.name,
                    idcard.mask_id_number(row.cadre.id_number),
                    self.describe(row),
                )
            )
        if row.action == "updated" and (self.max_changes is None or len(result.changes) < self.max_changes):
            result.changes.append(
                RowChange(
                    row.number,
                    row.cadre.name,
                    self.describe(row),
                    [
                        (self.field_header(f), self.shown(f, getattr(row.record, f)), self.shown(f, row.fields[f]))
                        for f in row.changed
                    ],
                )
            )

    def describe(self, row: Row) -> str:
        """The record in a few words for the preview."""
        raise NotImplementedError

    def field_header(self, name: str) -> str:
        raise NotImplementedError

    def shown(self, name: str, value: Any) -> str:
        """A field's value as the preview and the command show it: choices by their label, dates in ISO."""
        field = self.service_kind.model._meta.get_field(name)
        if field.choices and value:
            return str(dict(field.flatchoices).get(value, value))
        return _shown(value)

    def finish(self) -> None:
        """After the last row: what the import as a whole needs (the period of a campaign it creates)."""

    # --- writing ---------------------------------------------------------------------------------------------

    def write(self) -> None:
        """Every created and updated row through the per-record services, in one transaction; nothing when any
        fails (the kinds that do not stream: team memberships, and every kind when ``write_in_bulk`` is off)."""
        cadres: dict[int, Cadre] = {}
        keys = list(dict.fromkeys(row.cadre.pk for row in self.rows if row.record is None))
        for start in range(0, len(keys), BATCH_SIZE):
            cadres.update(Cadre.objects.in_bulk(keys[start : start + BATCH_SIZE]))
        self.cadres = cadres
        try:
            with transaction.atomic():
                self.write_group()
                for row in self.rows:
                    try:
                        with transaction.atomic():
                            self.write_row(row)
                    except ValidationError as exc:
                        self._refused(row, exc)
                    except PermissionDenied:
                        self.error(row.number, "name", _("You may not enter records of this cadre."))
                if self.errors.count:
                    raise _Rollback
                self._record_import()
        except _Rollback:
            self.result.errors = self.errors.sorted()
            self.result.error_count = self.errors.count
            return
        self.result.written = True

    # --- writing as the rows are read (``streams``) --------------------------------------------------------

    def _flush(self) -> None:
        """Write the rows checked so far (a batch) and let them go; once any row is bad, only check the rest
        (the transaction is rolled back at the end)."""
        if not self.streams:
            return
        rows, self.rows = self.rows, []
        if self.errors.count or not rows:
            return
        if self.high_water is None:
            # Records this import writes come after the last one there now: ``existing`` leaves them out, so
            # that a later row is compared with what was there before the import, as the check compares it.
            self.high_water = self.service_kind.model.objects.aggregate(last=Max("pk"))["last"] or 0
            self.open_group()
        self.write_places()
        keys = sorted({row.cadre.pk for row in rows if row.record is None})
        self.cadres = {}
        for start in range(0, len(keys), BATCH_SIZE):
            # What a new record and its audit event read of the cadre (``bulk.check``, ``records_create``).
            self.cadres.update(Cadre.objects.only(*RECORD_CADRE_FIELDS).in_bulk(keys[start : start + BATCH_SIZE]))
        self._write_batch(rows)

    def already_there(self, records):
        """``existing``'s queryset without the records this import has written (see ``_flush``)."""
        return records if self.high_water is None else records.filter(pk__lte=self.high_water)

    def _write_batch(self, rows: list[Row]) -> None:
        """A batch of rows through ``services.bulk``: the records created and changed with their audit events;
        the cadres and years whose 学时 change are noted for ``_close``.  What the services would refuse is a
        row error."""
        spec = self.service_kind
        author = self.author
        created = [row for row in rows if row.record is None]
        updated = [row for row in rows if row.record is not None]
        if not self._within_reach(rows, created, updated):
            return
        records = []
        row_of: dict[int, Row] = {}
        for row in created:
            record = self.new_record(row)
            try:
                bulk.check(spec, record)
            except ValidationError as exc:
                self._refused(row, exc)
                continue
            records.append(record)
            row_of[id(record)] = row
        if self.errors.count:
            return
        try:
            bulk.records_create(spec, records, author=author, checked=True)
        except ValidationError as exc:
            self._refused(row_of[id(exc.record)], exc)
            return
        touched = self.touched
        for row in rows:
            self.first_row_of.setdefault(row.cadre.pk, row.number)
        if spec.counts_hours:
            for cadre, years in bulk.years_touched(records).items():
                touched.setdefault(cadre, set()).update(years)
        by_pk = {row.record.pk: row for row in updated}
        try:
            more = bulk.records_update(
                spec, [(row.record, {f: row.fields[f] for f in row.changed}) for row in updated], author=author
            )
        except ValidationError as exc:
            self._refused(by_pk[exc.record.pk], exc)
            return
        for cadre, years in more.items():
            touched.setdefault(cadre, set()).update(years)

    def _close(self) -> None:
        """After the last row, in the import's transaction: the campaign's period as the rows give it, then the
        学时 of every cadre and year touched, once each."""
        if self.high_water is None:
            return  # nothing written: every row unchanged
        self.close_group()
        if not (self.service_kind.counts_hours and self.touched):
            return
        try:
            bulk.hours_sync(actor=self.actor, years=self.touched, author=self.author)
        except ValidationError as exc:
            # The ledger refused an entry of the cadre (a date before their birth …): the cadre's first row.
            self.error(self.first_row_of.get(getattr(exc, "cadre_id", None), 0), "name", "；".join(exc.messages))

    def open_group(self) -> None:
        """Before the first record is written: the campaign or team the import names, created if new."""

    def close_group(self) -> None:
        """After the last row: the campaign's period widened to hold every row (audited)."""

    def write_places(self) -> None:
        """The places the rows so far name that are not in the register yet."""

    def _within_reach(self, rows: list[Row], created: list[Row], updated: list[Row]) -> bool:
        """The services' reach, for all the rows at once: the actor may enter records of the cadre (a new record)
        and change the record (one already there); else the row's error, as the services refuse it."""
        if self.actor is None:
            return True
        model = self.service_kind.model
        cadres: set[int] = set()
        keys = sorted({row.cadre.pk for row in created})
        for start in range(0, len(keys), BATCH_SIZE):
            cadres.update(
                Cadre.objects.editable_by(self.actor)
                .filter(pk__in=keys[start : start + BATCH_SIZE])
                .values_list("pk", flat=True)
            )
        records: set[int] = set()
        keys = sorted({row.record.pk for row in updated})
        for start in range(0, len(keys), BATCH_SIZE):
            records.update(
                model.objects.editable_by(self.actor)
                .filter(pk__in=keys[start : start + BATCH_SIZE])
                .values_list("pk", flat=True)
            )
        for row in rows:
            if (row.cadre.pk not in cadres) if row.record is None else (row.record.pk not in records):
                self.error(row.number, "name", _("You may not enter records of this cadre."))
        return not self.errors.count

    # Whether the kind writes through ``services.bulk`` (``new_record``); ``bulk = False`` writes every row
    # through the per-record services instead (the tests compare the two).
    bulk_writes = False
    write_in_bulk = True

    def new_record(self, row: Row) -> Any:
        """The unsaved record a created row makes (its cadre, the import's campaign or team, its fields)."""
        raise NotImplementedError

    def _refused(self, row: Row, exc: ValidationError) -> None:
        """A service's refusal as the row's error, under the column the field comes from."""
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                self.error(row.number, self.column_of_field(name), "；".join(messages))
        else:
            self.error(row.number, "name", "；".join(exc.messages))

    def column_of_field(self, name: str) -> str:
        return "name"

    def write_group(self) -> None:
        """Create the campaign or team the import names, and the new places, before the rows."""

    def write_row(self, row: Row) -> None:
        raise NotImplementedError

    def _record_import(self) -> None:
        result = self.result
        audit_record(
            actor=self.actor,
            actor_name=self.actor_name,
            action=Action.IMPORT,
            object_type=self.model_name,
            object_repr=result.file_name,
            summary=_(
                "Practice list (%(kind)s) imported from %(file)s: "
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged."
            )
            % {
                "kind": KIND_LABELS[self.kind](),
                "file": result.file_name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
            ip_address=self.ip_address,
        )

    model_name = ""


class _Dates:
    """A record's dates as ``check_dates`` reads them, without building a model instance for every row."""

    def __init__(self, meta, dates: dict[str, Any]) -> None:
        self._meta = meta
        self.__dict__.update(dates)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _looks_like_id(value: Any) -> bool:
    return len(idcard.normalize(text_of(value))) >= 15


def _shown(value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "label", value))


def end_of_month(cell: CellDate) -> dt.date:
    """The last day a cell's month covers (an end date written to the month), or the day itself."""
    if not cell.to_month:
        return cell.first()
    first_next = dt.date(cell.year + cell.month // 12, cell.month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


KIND_LABELS: dict[str, Callable[[], str]] = {
    cols.DEPLOYMENT: lambda: _("deployments"),
    cols.COMMUNITY: lambda: _("community reporting"),
    cols.TEAM: lambda: _("team members"),
    cols.SECONDMENT: lambda: _("secondments"),
}
