"""Roster import: read and check the whole file first, then write it in one short transaction.

Reading (no transaction, nothing locked): the first sheet is streamed row by row, every cell parsed and
checked, and each batch of rows compared with the cadres already on the roster (one query per batch).
What is to be written is kept as a plan: the new cadres, and the changed ones with what changes.

Writing, only when every row is correct: one transaction that first re-checks, cheaply, that nothing
moved underneath (the new ID numbers are still free, the changed cadres were not edited meanwhile) and
then does the bulk writes.  On SQLite the transaction takes the write lock at BEGIN (IMMEDIATE), so the
lock is held for the writes alone, never while a file is being read.  All rows are written or none.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action, AuditEvent
from ganxun.audit.services import audit_record, changed_fields
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

from .. import history, idcard
from ..models import EARLIEST_DATE, PERIOD_FIELDS, Cadre, CadrePeriod, PoliticalStatus, Section, Tag, Unit
from ..services import CADRE_FIELDS, default_probation_end, name_initials, section_create
from . import columns as cols
from . import vocabulary
from .results import NOT_IN_FILE, CadreChange, ErrorList, FieldChange, ImportResult, RowError, SampleRow
from .writes import Author, PreparedRows, Snapshots

PERIOD_COLUMNS = tuple(name.removesuffix("_id") for name in PERIOD_FIELDS)
BATCH_SIZE = 1000  # rows compared with the roster together
HEADER_SCAN_ROWS = 10
SAMPLE_ROWS = 10
# Fields compared to decide whether an existing cadre changes (section by its key, tags apart).
COMPARED = (*(f if f != "section" else "section_id" for f in CADRE_FIELDS), "status")
# The written fields whose changes become periods of service effective on the import's as-of date.
DATED = frozenset(history.DATED_FIELDS)


@dataclass
class _Row:
    number: int
    fields: dict[str, Any]  # dates as CellDate until they meet the cadre they are for
    section: Section
    tags: list[Tag] | None  # None: no tags column


class _Plan:
    """What a checked file will write, every row already converted for the database."""

    def __init__(self) -> None:
        self.creates = PreparedRows(Cadre)
        self.numbers: list[str] = []  # the ID number of each row in creates
        self.create_events = PreparedRows(AuditEvent)
        self.create_tags: list[tuple[int, list[int]]] = []  # (index in creates, tag keys)
        # One UPDATE statement per set of changed fields (a file usually changes the same few columns),
        # so that an index is rewritten only where its column changes.
        self.updates: dict[tuple[str, ...], PreparedRows] = {}
        self.update_events = PreparedRows(AuditEvent)
        self.retagged: dict[int, list[int]] = {}  # cadre key -> its tag keys, for cadres whose tags change
        self.read_at: dict[int, Any] = {}  # cadre key -> updated_at as read
        self.new_sections: list[Section] = []  # stand-ins, created when accepted
        self.late_sections: list[tuple[PreparedRows, list[Any], Section]] = []  # rows naming a new section
        # The periods of service the dated changes write (history.plan_change, per cadre, in bulk).
        self.period_inserts = PreparedRows(CadrePeriod)
        self.period_updates: dict[tuple[str, ...], PreparedRows] = {}
        self.period_deletes: list[int] = []
        self.period_cadres: list[int] = []  # the cadres whose periods change, for periods_changed
        self.period_since: dt.date | None = None


class _Rollback(Exception):
    pass


def roster_import(
    path: Path,
    *,
    file_name: str,
    actor=None,
    write: bool = False,
    accept_new_sections: bool = False,
    max_errors: int | None = 500,
    max_changes: int | None = 200,
    ip_address: str | None = None,
    actor_name: str = "",
    as_of: dt.date | None = None,
) -> ImportResult:
    """Check (``write=False``) or import a roster workbook; raises ExcelFileError for an unusable file.

    Cadres are matched on the ID number: new ones are created, changed ones updated, each with an
    audit event, plus one import event.  Unknown 科室 are created only with ``accept_new_sections``.
    The changes to the dated fields (科室, post, rank, leadership level, status) become periods of service
    effective ``as_of`` (default today; history.cadre_change's rules); a new cadre's first period starts
    at the hire date.
    """
    as_of = as_of or timezone.localdate()
    message = history.effective_error(as_of)
    if message:
        raise ExcelFileError(message)
    job = _RosterImport(
        as_of=as_of,
        file_name=file_name,
        actor=actor,
        actor_name=actor_name,
        writing=write,
        accept_new_sections=accept_new_sections,
        max_errors=max_errors,
        max_changes=max_changes,
        ip_address=ip_address,
    )
    job.read(path)
    if write and job.can_write:
        job.write()
    return job.result


class _RosterImport:
    def __init__(
        self,
        *,
        file_name,
        actor,
        actor_name,
        writing,
        accept_new_sections,
        max_errors,
        max_changes,
        ip_address,
        as_of: dt.date,
    ):
        self.result = ImportResult(file_name=file_name, as_of=as_of)
        self.as_of = as_of
        self.writing = writing  # a preview prepares no statements
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.author = Author(self.actor, actor_name or (self.actor.get_username() if self.actor else ""), ip_address)
        self.accept_new_sections = accept_new_sections
        self.errors = ErrorList(max_errors)
        self.max_changes = max_changes
        self.limits = ImportLimits.from_settings()
        # An administrator held in a unit imports into the 科室 of the units their role reaches, and updates only
        # the cadres there; the command (no account) reaches every unit.
        self.unit = self.actor.unit_scope if self.actor is not None and self.actor.is_admin else None
        self.units = set(Unit.objects.subtree(self.unit).values_list("pk", flat=True)) if self.unit else None
        sections = Section.objects.editable_by(self.actor) if self.actor is not None else Section.objects.all()
        self.sections = {cols.fold(s.name): s for s in sections}
        self.tags = {cols.fold(t.name): t for t in Tag.objects.all()}
        self.seen_ids: dict[str, int] = {}
        self.headers: dict[str, str] = {}
        self.positions: dict[str, int] = {}
        self.choice_maps: dict[str, dict[str, str]] = {}
        self.choice_cache: dict[tuple[str, Any], Any] = {}
        self.initials: dict[str, str] = {}
        self.snapshots = Snapshots()
        self.plan = _Plan()

    @property
    def can_write(self) -> bool:
        return self.result.ok and (self.accept_new_sections or not self.result.unknown_sections)

    # --- reading ----------------------------------------------------------------------------------

    def read(self, path: Path) -> None:
        with open_xlsx(path, self.limits) as workbook:
            if not workbook.worksheets:
                raise ExcelFileError(_("The workbook has no worksheet."))
            self.epoch = workbook.epoch
            sheet = workbook.worksheets[0]
            header = self._layout(find_header(sheet, cols.header_matcher(), self.limits, HEADER_SCAN_ROWS))
            batch: list[_Row] = []
            for number, values in rows_below(sheet, header, self.limits):
                if all(_blank(values[p]) for p, _c, _h in self.layout):
                    continue
                if footer_row(values) and not _looks_like_id(values[self.positions["id_number"]]):
                    self.result.skipped_rows.append(number)
                    continue
                self.result.rows += 1
                row = self._parse(number, values)
                if row is not None:
                    batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    self._compare(batch)
                    batch = []
            self._compare(batch)
        if not self.result.rows:
            raise ExcelFileError(_("There are no rows below the header row."))
        self.result.errors = self.errors.sorted()
        self.result.error_count = self.errors.count

    def _layout(self, header: Header | None) -> Header:
        positions = header.positions if header else {}
        keys = {key for key, _h in positions.values()}
        missing = [c.header for c in cols.REQUIRED if c.key not in keys]
        if header is None or missing:
            raise ExcelFileError(
                _("Required columns are missing: %(columns)s. The header must be within the first %(scan)s rows.")
                % {"columns": "、".join(missing or [c.header for c in cols.REQUIRED]), "scan": HEADER_SCAN_ROWS}
            )
        self.layout = [(p, cols.COLUMNS_BY_KEY[key], text) for p, (key, text) in sorted(positions.items())]
        self.headers = {column.key: text for _p, column, text in self.layout}
        self.positions = {column.key: p for p, column, _t in self.layout}
        for _p, column, _t in self.layout:
            if column.kind in ("choice", "gender"):
                self.choice_maps[column.key] = vocabulary.index(column.key, cols.fold)
        if "rank" in self.headers:
            # 现职级 may hold a 领导职务 level as well as a 职级.
            self.choice_maps["leadership_level"] = vocabulary.index("leadership_level", cols.fold)
        if "political_status" in self.headers:
            # 政治面貌 may name the party itself (九三学社社员).
            self.choice_maps["democratic_party"] = vocabulary.index("democratic_party", cols.fold)
        self.result.header_row = header.row
        self.result.columns = [text for _p, _c, text in self.layout]
        self.result.ignored_columns = header.ignored()
        self.result.section_column = self.headers["section"]
        self.result.section_position = self.positions["section"]
        return header

    def _header(self, key: str) -> str:
        """The column as the file names it, or its standard Chinese header when the file lacks it."""
        return self.headers.get(key) or cols.COLUMNS_BY_KEY[key].header

    def _error(self, row: int, key: str, reason: str) -> None:
        self.errors.add(RowError(row, self._header(key), reason, self.positions.get(key, NOT_IN_FILE)))

    def _parse(self, number: int, values: tuple[Any, ...]) -> _Row | None:
        """The row's cells as Cadre field values; bad cells are recorded and give None."""
        failed = self.errors.count
        fields: dict[str, Any] = {}
        section: Section | None = None
        tags: list[Tag] | None = None
        for position, column, _text in self.layout:
            raw = values[position]
            try:
                if column.kind == "section":
                    section = self._section(cols.text_of(raw), number, column)
                elif column.kind == "tags":
                    tags = self._tags(cols.text_of(raw))
                else:
                    value = self._value(column, raw)
                    if value is not _KEEP:
                        fields[column.key] = value
            except cols.CellError as exc:
                self._error(number, column.key, str(exc))
        self._reconcile(number, fields)
        id_number = fields.get("id_number")
        if id_number:
            first = self.seen_ids.setdefault(id_number, number)
            if first != number:
                self._error(number, "id_number", _("The same ID number is already on row %(row)s.") % {"row": first})
        if self.errors.count > failed or section is None:
            return None
        return _Row(number, fields, section, tags)

    def _reconcile(self, number: int, fields: dict[str, Any]) -> None:
        """Put a 领导职务 level found under 现职级, and a party found under 政治面貌, where they belong."""
        rank = fields.pop("rank", _KEEP)
        if isinstance(rank, _Level):
            given = fields.get("leadership_level", "")
            if given and given != rank.value:
                self._error(
                    number,
                    "rank",
                    _("“%(value)s” is a leadership level and differs from %(column)s “%(other)s”.")
                    % {
                        "value": rank.written,
                        "column": self._header("leadership_level"),
                        "other": vocabulary.chinese("leadership_level", given),
                    },
                )
            fields["leadership_level"] = rank.value  # the rank itself is not in the file: it stays
        elif rank is not _KEEP:
            fields["rank"] = rank
        status = fields.pop("political_status", _KEEP)
        party = fields.pop("democratic_party", None)  # None: no party column
        if isinstance(status, _Party):
            if party and party != status.value:
                self._error(
                    number,
                    "political_status",
                    _("“%(value)s” differs from %(column)s “%(other)s”.")
                    % {
                        "value": status.written,
                        "column": self._header("democratic_party"),
                        "other": vocabulary.chinese("democratic_party", party),
                    },
                )
            party, status = status.value, PoliticalStatus.DEMOCRATIC_PARTY
        if party and status is _KEEP:
            status = PoliticalStatus.DEMOCRATIC_PARTY  # the party column alone says it
        elif party and status != PoliticalStatus.DEMOCRATIC_PARTY:
            self._error(
                number,
                "democratic_party",
                _("“%(value)s” is a democratic party, but %(column)s says “%(other)s”.")
                % {
                    "value": vocabulary.chinese("democratic_party", party),
                    "column": self._header("political_status"),
                    "other": vocabulary.chinese("political_status", status),
                },
            )
        if status is not _KEEP:
            fields["political_status"] = status
            if status != PoliticalStatus.DEMOCRATIC_PARTY:
                party = ""
        if party is not None:
            fields["democratic_party"] = party

    def _value(self, column: cols.Column, raw: Any) -> Any:
        kind = column.kind
        if kind == "date":
            value = cols.date_of(raw, self.epoch)
            return _KEEP if value is None and column.key == "birth_date" else value
        if kind in ("choice", "gender"):
            # A column holds a handful of distinct words: each is looked up once.
            key = (column.key, raw)
            if key not in self.choice_cache:
                self.choice_cache[key] = self._choice(column, raw)
            value = self.choice_cache[key]
            if isinstance(value, _Invalid):
                raise cols.CellError(value.reason)
            return value
        if kind == "id_number":
            value = cols.id_number_of(raw)
        elif kind == "name":
            value = cols.name_of(raw)
        elif kind == "phone":
            value = cols.phone_of(raw)
        else:
            value = cols.text_of(raw)
        if not value and column.required:
            raise cols.CellError(cols.blank_message(column.field))
        cols.run_validators(column.field, value)
        return value

    def _choice(self, column: cols.Column, raw: Any) -> Any:
        written = cols.text_of(raw)
        text = cols.fold(written)
        if not text:
            # Rank, post level and party may be empty; gender comes from the ID number; the rest keep their value.
            return "" if column.field.blank and column.key != "gender" else _KEEP
        value = self.choice_maps[column.key].get(text)
        if value is not None:
            return value
        if column.key == "rank" and (level := self.choice_maps["leadership_level"].get(text)):
            return _Level(level, written)
        if column.key == "political_status" and (party := self.choice_maps["democratic_party"].get(text)):
            return _Party(party, written)
        allowed = vocabulary.allowed(column.key)
        if column.key == "rank":
            allowed += vocabulary.allowed("leadership_level")
        elif column.key == "political_status":
            allowed += vocabulary.allowed("democratic_party")
        return _Invalid(
            _("“%(value)s” is not allowed; use one of: %(allowed)s.")
            % {"value": written, "allowed": "、".join(allowed)}
        )

    def _initials(self, name: str) -> str:
        if name not in self.initials:
            if len(self.initials) >= 10_000:  # a cache, not a copy of the roster
                self.initials.clear()
            self.initials[name] = name_initials(name)
        return self.initials[name]

    def _section(self, text: str, number: int, column: cols.Column) -> Section:
        if not text:
            raise cols.CellError(cols.blank_message(column.field))
        key = cols.fold(text)
        section = self.sections.get(key)
        if section is None:
            cols.run_validators(Section._meta.get_field("name"), text)
            # A stand-in, so that the rest of the row is still checked and counted; created when accepted.
            section = Section(name=text, unit=self.unit) if self.unit is not None else Section(name=text)
            self.sections[key] = section
            self.plan.new_sections.append(section)
        if section.pk is None:
            self.result.unknown_sections.setdefault(section.name, []).append(number)
        return section

    def _tags(self, text: str) -> list[Tag]:
        found, unknown = [], []
        for name in cols.split_tags(text):
            tag = self.tags.get(cols.fold(name))
            (found if tag else unknown).append(tag or name)
        if unknown:
            raise cols.CellError(
                _("Unknown tag: %(names)s. Add it on the tags page first.") % {"names": "、".join(unknown)}
            )
        return list(dict.fromkeys(found))

    # --- comparing with the roster --------------------------------------------------------------

    def _compare(self, batch: list[_Row]) -> None:
        if not batch:
            return
        existing = {
            c.id_number: c
            for c in Cadre.objects.filter(id_number__in=[r.fields["id_number"] for r in batch])
            .select_related("section")
            .prefetch_related("tags")
        }
        updates = []
        for row in batch:
            cadre = existing.get(row.fields["id_number"])
            if cadre is not None and self.units is not None and cadre.unit_id not in self.units:
                self._error(row.number, "id_number", _("A cadre with this ID number belongs to another unit."))
                continue
            if cadre is None:
                cadre = self._new(row)
                if self._check(cadre, row):
                    if self.writing:
                        self._plan_create(cadre, row.tags or [])
                    self._count(row, cadre, "created")
                continue
            change = self._change(cadre, row)
            if change is None:
                self._count(row, cadre, "unchanged")
            elif self._check(cadre, row):
                tags, changes, shown, fields = change
                if self.writing:
                    updates.append((cadre, tags, changes, fields))
                self._show_change(shown)
                self._count(row, cadre, "updated")
        if updates:
            self._plan_periods(updates)
        for cadre, tags, changes, fields in updates:
            self._plan_update(cadre, tags, changes, fields)

    def _plan_periods(self, updates: list) -> None:
        """The periods of service the batch's dated changes write, effective the as-of date (one query)."""
        dated = [(cadre, fields) for cadre, _t, _c, fields in updates if DATED.intersection(fields)]
        if not dated:
            return
        held: dict[int, list[CadrePeriod]] = defaultdict(list)
        for period in CadrePeriod.objects.filter(cadre_id__in=[c.pk for c, _f in dated]).order_by(
            "cadre_id", "valid_from"
        ):
            held[period.cadre_id].append(period)
        plan = self.plan
        for cadre, fields in dated:
            values = {}
            for name in DATED.intersection(fields):
                if name == "section":
                    values["section_id"] = (cadre.section.pk, cadre.section.unit_id)
                else:
                    values[name] = getattr(cadre, name)
            periods = held.get(cadre.pk)
            first = None
            if not periods:  # written before periods existed: its first period holds the new values
                first = self._first_period(cadre)
                periods = [first]
            change = history.plan_change(periods, self.as_of, values)
            if first is not None:
                self._add_period(plan.period_inserts, first, cadre)
            # The cadre's columns repeat its latest period (a change later than the as-of date stands).
            latest = change.latest
            for name in ("post", "rank", "leadership_level", "status"):
                setattr(cadre, name, getattr(latest, name))
            if latest.section_id is not None and latest.section_id != cadre.section.pk:
                cadre.section_id, cadre.unit_id = latest.section_id, latest.unit_id
            if not change.changed:
                continue
            plan.period_cadres.append(cadre.pk)
            if plan.period_since is None or change.start < plan.period_since:
                plan.period_since = change.start
            plan.period_deletes.extend(change.deleted)
            by_pk = {p.pk: p for p in change.periods if p.pk is not None}
            for pk, columns in change.updated.items():
                key = tuple(sorted(columns))
                if key not in plan.period_updates:
                    plan.period_updates[key] = PreparedRows(CadrePeriod, key)
                self._add_period(plan.period_updates[key], by_pk[pk], cadre)
            for period in change.inserted:
                self._add_period(plan.period_inserts, period, cadre)

    def _first_period(self, cadre: Cadre) -> CadrePeriod:
        return CadrePeriod(
            cadre_id=cadre.pk,
            valid_from=cadre.hire_date or cadre.work_start_date or EARLIEST_DATE,
            **cadre.period_facts(),
        )

    def _add_period(self, prepared: PreparedRows, period: CadrePeriod, cadre: Cadre) -> None:
        row = prepared.add(period)
        if period.section_id is None and cadre.section.pk is None and "section" in prepared.positions:
            self.plan.late_sections.append((prepared, row, cadre.section))

    def _plan_create(self, cadre: Cadre, tags: list[Tag]) -> None:
        plan = self.plan
        after = self.snapshots.take(cadre, [t.name for t in tags])
        # As audit_record keeps a creation: the values that are set.
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [])}
        row = plan.creates.add(cadre)
        if cadre.section.pk is None:
            plan.late_sections.append((plan.creates, row, cadre.section))
        if tags:
            plan.create_tags.append((len(plan.numbers), [t.pk for t in tags]))
        plan.numbers.append(cadre.id_number)
        plan.create_events.add(self.author.event(Action.CREATE, cadre, changes))

    def _plan_update(
        self, cadre: Cadre, tags: list[Tag] | None, changes: dict[str, Any], fields: tuple[str, ...]
    ) -> None:
        plan = self.plan
        plan.read_at[cadre.pk] = cadre.updated_at
        if fields not in plan.updates:
            plan.updates[fields] = PreparedRows(Cadre, fields)
        row = plan.updates[fields].add(cadre)  # sets updated_at to now
        if cadre.section.pk is None:
            plan.late_sections.append((plan.updates[fields], row, cadre.section))
        if tags is not None:
            plan.retagged[cadre.pk] = [t.pk for t in tags]
        event = self.author.event(Action.UPDATE, cadre, changes)
        if DATED.intersection(fields):
            event.summary = history.effective_summary(self.as_of)
        plan.update_events.add(event)

    def _new(self, row: _Row) -> Cadre:
        fields = dict(row.fields)
        number = fields["id_number"]
        born = idcard.birth_date_of(number)
        for key in cols.DATE_KEYS:
            if isinstance(fields.get(key), CellDate):
                # A month agrees with the ID number's birth date when year and month agree; the ID has the day.
                fields[key] = fields[key].on(born if key == "birth_date" else None)
        fields.setdefault("birth_date", born)
        fields.setdefault("gender", idcard.gender_of(number))
        cadre = Cadre(**fields)
        cadre.section = row.section
        cadre.unit_id = row.section.unit_id
        cadre.name_initials = self._initials(cadre.name)
        if cadre.hire_date and not cadre.probation_end:
            cadre.probation_end = default_probation_end(cadre.hire_date)
        return cadre

    def _change(
        self, cadre: Cadre, row: _Row
    ) -> tuple[list[Tag] | None, dict[str, Any], CadreChange, tuple[str, ...]] | None:
        """The row applied to an existing cadre (in memory): (new tags or None, audit changes, what the
        preview shows, the fields to write), or None when nothing would change.

        What changes is decided on the result, derived fields included, not on the cells: an empty
        试用期满 that the hire date fills again, or 1974.09 for a date on record in September 1974, is no change.
        """
        old_tags = list(cadre.tags.all())  # prefetched
        before = {f: getattr(cadre, f) for f in COMPARED}
        old = copy.copy(cadre)  # for the audit snapshot, taken only when something changes
        section_name = cadre.section.name
        born = idcard.birth_date_of(cadre.id_number)
        for key, value in row.fields.items():
            if isinstance(value, CellDate):
                value = value.on(born if key == "birth_date" else getattr(cadre, key))
            setattr(cadre, key, value)
        old_unit = cadre.unit_id
        cadre.section = row.section
        cadre.unit_id = row.section.unit_id
        if cadre.hire_date and not cadre.probation_end:
            cadre.probation_end = default_probation_end(cadre.hire_date)
        changed = {f for f in COMPARED if getattr(cadre, f) != before[f]}
        if row.section.pk is None:
            changed.add("section_id")  # a section created by this import
        if cadre.unit_id != old_unit:
            changed.add("unit")  # the unit follows the 科室
        tags = row.tags if row.tags is not None and {t.pk for t in row.tags} != {t.pk for t in old_tags} else None
        if not changed and tags is None:
            return None
        if "name" in changed:
            cadre.name_initials = self._initials(cadre.name)
            changed.add("name_initials")
        snapshot = self.snapshots.take(old, [t.name for t in old_tags])
        after = self.snapshots.take(cadre, [t.name for t in (old_tags if tags is None else tags)])
        shown = self._described(row, cadre, before, section_name, old_tags, tags, changed)
        fields = tuple(sorted({"section" if f == "section_id" else f for f in changed} | {"updated_at"}))
        return tags, changed_fields(snapshot, after), shown, fields

    def _show_change(self, change: CadreChange) -> None:
        if self.max_changes is None or len(self.result.changes) < self.max_changes:
            self.result.changes.append(change)

    def _described(self, row, cadre, before, section_name, old_tags, tags, changed) -> CadreChange:
        """What the preview and the command show of an update: the file's column names, old → new."""
        shown: list[FieldChange] = []
        for key in (c.key for c in cols.COLUMNS):
            if key == "section":
                if "section_id" in changed:
                    shown.append(FieldChange(self._header(key), section_name, row.section.name))
            elif key == "tags":
                if tags is not None:
                    shown.append(
                        FieldChange(
                            self._header(key),
                            "、".join(sorted(t.name for t in old_tags)),
                            "、".join(sorted(t.name for t in tags)),
                        )
                    )
            elif key in changed:
                shown.append(
                    FieldChange(self._header(key), _display(key, before[key]), _display(key, getattr(cadre, key)))
                )
        return CadreChange(row.number, cadre.name, cadre.id_number_masked, shown)

    def _check(self, cadre: Cadre, row: _Row) -> bool:
        """The rules of Cadre.clean and the model's constraints, without a query per row."""
        failed = self.errors.count
        try:
            cadre.clean()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self._error(row.number, key, "；".join(messages))
        if cadre.hire_date and cadre.probation_end and cadre.probation_end < cadre.hire_date:
            self._error(row.number, "probation_end", str(CONSTRAINTS["cadre_probation_after_hire"]))
        if cadre.democratic_party and cadre.political_status != PoliticalStatus.DEMOCRATIC_PARTY:
            self._error(row.number, "democratic_party", str(CONSTRAINTS["cadre_democratic_party_member"]))
        for key in ("work_start_date", "hire_date", "rank_date"):  # as the cadre form checks them
            value = getattr(cadre, key)
            if value and cadre.birth_date and value <= cadre.birth_date:
                self._error(row.number, key, _("This date must be after the birth date."))
        return self.errors.count == failed

    def _count(self, row: _Row, cadre: Cadre, action: str) -> None:
        setattr(self.result, action, getattr(self.result, action) + 1)
        if len(self.result.sample) < SAMPLE_ROWS:
            self.result.sample.append(
                SampleRow(row.number, action, cadre.name, cadre.id_number_masked, row.section.name)
            )

    # --- writing --------------------------------------------------------------------------------

    def write(self) -> None:
        """Everything the plan holds, in one transaction that does nothing but write; or nothing at all."""
        plan = self.plan
        started = time.perf_counter()
        try:
            with transaction.atomic():
                self._recheck()
                for section in plan.new_sections:
                    # The stand-in the rows point at takes the new section's key.
                    section.pk = section_create(actor=self.actor, name=section.name, unit=section.unit).pk
                for prepared, row, section in plan.late_sections:
                    prepared.set(row, "section", section.pk)
                    if "unit" in prepared.positions:
                        prepared.set(row, "unit", section.unit_id)
                plan.creates.execute()
                keys = self._created_keys()
                self._first_periods(keys)
                for row, number in zip(plan.create_events.rows, plan.numbers, strict=True):
                    plan.create_events.set(row, "object_id", str(keys[number]))
                for prepared in plan.updates.values():
                    prepared.execute()
                self._write_periods()
                self._write_tags(keys)
                plan.create_events.execute()
                plan.update_events.execute()
                self._record_import()
        except IntegrityError as exc:
            raise ExcelFileError(
                _("The roster changed while the file was being imported; please import it again.")
            ) from exc
        finally:
            self.result.write_seconds = time.perf_counter() - started
        self.result.written = True

    def _write_periods(self) -> None:
        """The periods of service of the dated changes: merged ones deleted, the rest rewritten, new ones added;
        then one periods_changed for every cadre whose periods changed."""
        plan = self.plan
        for start in range(0, len(plan.period_deletes), BATCH_SIZE):
            CadrePeriod.objects.filter(pk__in=plan.period_deletes[start : start + BATCH_SIZE]).delete()
        for prepared in plan.period_updates.values():
            prepared.execute()
        plan.period_inserts.execute()
        history.announce(plan.period_cadres, plan.period_since)

    def _recheck(self) -> None:
        """Inside the transaction: the roster is still as it was read (one indexed query per thousand rows)."""
        numbers = self.plan.numbers
        for start in range(0, len(numbers), BATCH_SIZE):
            if Cadre.objects.filter(id_number__in=numbers[start : start + BATCH_SIZE]).exists():
                raise IntegrityError("an ID number was added meanwhile")
        read_at = self.plan.read_at
        keys = list(read_at)
        for start in range(0, len(keys), BATCH_SIZE):
            chunk = keys[start : start + BATCH_SIZE]
            now = dict(Cadre.objects.filter(pk__in=chunk).values_list("pk", "updated_at"))
            if any(now.get(pk) != read_at[pk] for pk in chunk):
                raise IntegrityError("a cadre was changed or removed meanwhile")

    def _first_periods(self, keys: dict[str, int]) -> None:
        """Each new cadre's first period of service, as Cadre.save writes it for one made by hand."""
        if not keys:
            return
        periods = []
        for start in range(0, len(keys), BATCH_SIZE):
            chunk = list(keys.values())[start : start + BATCH_SIZE]
            for cadre in Cadre.objects.filter(pk__in=chunk).only("pk", "hire_date", "work_start_date", *PERIOD_COLUMNS):
                periods.append(
                    CadrePeriod(
                        cadre_id=cadre.pk,
                        valid_from=cadre.hire_date or cadre.work_start_date or EARLIEST_DATE,
                        **cadre.period_facts(),
                    )
                )
        CadrePeriod.objects.bulk_create(periods, batch_size=BATCH_SIZE)

    def _created_keys(self) -> dict[str, int]:
        numbers = self.plan.numbers
        keys: dict[str, int] = {}
        for start in range(0, len(numbers), BATCH_SIZE):
            chunk = numbers[start : start + BATCH_SIZE]
            keys.update(Cadre.objects.filter(id_number__in=chunk).values_list("id_number", "pk"))
        return keys

    def _write_tags(self, keys: dict[str, int]) -> None:
        through = Cadre.tags.through
        plan = self.plan
        retagged = list(plan.retagged)
        for start in range(0, len(retagged), BATCH_SIZE):
            through.objects.filter(cadre_id__in=retagged[start : start + BATCH_SIZE]).delete()
        links = PreparedRows(through)
        for index, tags in plan.create_tags:
            for tag in tags:
                links.add(through(cadre_id=keys[plan.numbers[index]], tag_id=tag))
        for cadre, tags in plan.retagged.items():
            for tag in tags:
                links.add(through(cadre_id=cadre, tag_id=tag))
        links.execute()

    def _record_import(self) -> None:
        """The one event that says who imported which file and what it did."""
        result = self.result
        audit_record(
            actor=self.actor,
            actor_name=self.author.name,
            action=Action.IMPORT,
            object_type=Cadre._meta.model_name or "",
            object_repr=result.file_name,
            summary=_(
                "Roster imported from %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
            )
            % {
                "file": result.file_name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
            ip_address=self.author.ip_address,
        )


_KEEP = object()


@dataclass(frozen=True)
class _Invalid:
    reason: str


@dataclass(frozen=True)
class _Level:
    """A 领导职务 level written in the 现职级 column."""

    value: str
    written: str


@dataclass(frozen=True)
class _Party:
    """A democratic party written as the 政治面貌 (九三学社社员)."""

    value: str
    written: str


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _looks_like_id(value: Any) -> bool:
    """A cell that holds an ID number (a 合计 row holds a count there, if anything)."""
    return len(idcard.normalize(cols.text_of(value))) >= 15


def _display(key: str, value: Any) -> str:
    """A field's value as the preview shows it: Chinese choice names, ISO dates, ID number and phone masked."""
    if value in (None, ""):
        return ""
    if key == "id_number":
        return idcard.mask_id_number(value)
    if key == "phone":
        return idcard.mask_phone(value)
    if key in vocabulary.TABLES:
        return vocabulary.chinese(key, value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


CONSTRAINTS = {c.name: c.violation_error_message for c in Cadre._meta.constraints}
