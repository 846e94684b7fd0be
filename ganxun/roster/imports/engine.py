"""Roster import: read the file row by row, check every cell, and write only when all is well.

One pass, in batches: each batch is validated against the cadres already in the database
(one query per batch) and, when writing and nothing has failed so far, written with bulk
operations inside the one transaction that the whole import runs in.  Any bad row rolls
everything back, so nothing is half-written; memory stays flat in the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.core.excel import ExcelFileError, header_positions, locate_header, open_xlsx, sheet_rows

from .. import idcard
from ..models import Cadre, Section, Tag
from ..services import default_probation_end, name_initials, section_create
from . import columns as cols
from .results import ImportResult, RowError, SampleRow
from .writes import Author, Snapshots, Update, write_batch

BATCH_SIZE = 1000  # rows checked against the database, and written, together
HEADER_SCAN_ROWS = 10
SAMPLE_ROWS = 10


@dataclass
class _Row:
    number: int
    fields: dict[str, Any]
    section: Section
    tags: list[Tag] | None


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
    ip_address: str | None = None,
    actor_name: str = "",
) -> ImportResult:
    """Check (``write=False``) or import a roster workbook; raises ExcelFileError for an unusable file.

    Cadres are matched on the ID number: new ones are created, changed ones updated, each with an
    audit event, plus one import event.  Unknown 科室 are created only with ``accept_new_sections``.
    """
    job = _RosterImport(
        file_name=file_name,
        actor=actor,
        actor_name=actor_name,
        write=write,
        accept_new_sections=accept_new_sections,
        max_errors=max_errors,
        ip_address=ip_address,
    )
    if not write:
        job.run(path)
        return job.result
    try:
        with transaction.atomic():
            job.run(path)
            if not job.can_write:
                raise _Rollback
            job.record_import()
    except _Rollback:
        return job.result
    except IntegrityError as exc:
        raise ExcelFileError(
            _("The roster changed while the file was being imported; please import it again.")
        ) from exc
    job.result.written = True
    return job.result


class _RosterImport:
    def __init__(self, *, file_name, actor, actor_name, write, accept_new_sections, max_errors, ip_address):
        self.result = ImportResult(file_name=file_name)
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.author = Author(self.actor, actor_name or (self.actor.get_username() if self.actor else ""), ip_address)
        self.write = write
        self.accept_new_sections = accept_new_sections
        self.max_errors = max_errors
        self.max_rows = int(settings.GANXUN["IMPORT_MAX_ROWS"])
        self.sections = {cols.fold(s.name): s for s in Section.objects.all()}
        self.tags = {cols.fold(t.name): t for t in Tag.objects.all()}
        self.seen_ids: dict[str, int] = {}
        self.headers: dict[str, str] = {}
        self.choice_maps: dict[str, dict[str, str]] = {}
        self.choice_cache: dict[str, dict[Any, Any]] = {}
        self.initials: dict[str, str] = {}
        self.snapshots = Snapshots()

    @property
    def can_write(self) -> bool:
        return self.result.ok and (self.accept_new_sections or not self.result.unknown_sections)

    # --- reading --------------------------------------------------------------------------------

    def run(self, path: Path) -> None:
        limits = settings.GANXUN
        with open_xlsx(
            path,
            max_bytes=int(limits["IMPORT_MAX_BYTES"]),
            max_uncompressed_bytes=int(limits["IMPORT_MAX_UNCOMPRESSED_BYTES"]),
        ) as workbook:
            if not workbook.worksheets:
                raise ExcelFileError(_("The workbook has no worksheet."))
            self.epoch = workbook.epoch
            rows = self._layout(sheet_rows(workbook.worksheets[0]))
            batch: list[_Row] = []
            for number, values in rows:
                if all(_blank(values[p]) for p, _c, _h in self.layout if p < len(values)):
                    continue
                self.result.rows += 1
                if self.result.rows > self.max_rows:
                    raise ExcelFileError(
                        _("The file has more than %(limit)s rows; please split it into smaller files.")
                        % {"limit": self.max_rows}
                    )
                row = self._parse(number, values)
                if row is not None:
                    batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    self._process(batch)
                    batch = []
            self._process(batch)
        if not self.result.rows:
            raise ExcelFileError(_("There are no rows below the header row."))

    def _layout(self, rows):
        match = cols.header_matcher()
        found = locate_header(rows, match, HEADER_SCAN_ROWS)
        positions = header_positions(found[1], match) if found else {}
        keys = {key for key, _h in positions.values()}
        missing = [str(c.label) for c in cols.REQUIRED if c.key not in keys]
        if found is None or missing:
            raise ExcelFileError(
                _("Required columns are missing: %(columns)s. The header must be within the first %(scan)s rows.")
                % {"columns": "、".join(missing or [str(c.label) for c in cols.REQUIRED]), "scan": HEADER_SCAN_ROWS}
            )
        header_row, values, below = found
        self.layout = [(p, cols.COLUMNS_BY_KEY[key], header) for p, (key, header) in sorted(positions.items())]
        self.headers = {column.key: header for _p, column, header in self.layout}
        for _p, column, _h in self.layout:
            if column.kind in ("choice", "gender"):
                self.choice_maps[column.key] = cols.choice_index(column)
                self.choice_cache[column.key] = {}
        self.result.header_row = header_row
        self.result.columns = [header for _p, _c, header in self.layout]
        self.result.ignored_columns = [
            str(v).strip() for p, v in enumerate(values) if p not in positions and v not in (None, "")
        ]
        self.result.section_column = self.headers["section"]
        return below

    def _header(self, key: str) -> str:
        return self.headers.get(key) or str(cols.COLUMNS_BY_KEY[key].label)

    def _error(self, row: int, column: str, reason: str) -> None:
        self.result.error_count += 1
        if self.max_errors is None or len(self.result.errors) < self.max_errors:
            self.result.errors.append(RowError(row, column, reason))

    def _parse(self, number: int, values: tuple[Any, ...]) -> _Row | None:
        """The row's cells as Cadre field values; bad cells are recorded and give None."""
        failed = self.result.error_count
        fields: dict[str, Any] = {}
        section: Section | None = None
        tags: list[Tag] | None = None
        for position, column, header in self.layout:
            raw = values[position] if position < len(values) else None
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
                self._error(number, header, str(exc))
        id_number = fields.get("id_number")
        if id_number:
            first = self.seen_ids.setdefault(id_number, number)
            if first != number:
                self._error(
                    number,
                    self._header("id_number"),
                    _("The same ID number is already on row %(row)s.") % {"row": first},
                )
        if self.result.error_count > failed or section is None:
            return None
        return _Row(number, fields, section, tags)

    def _value(self, column: cols.Column, raw: Any) -> Any:
        kind = column.kind
        if kind == "date":
            value = cols.date_of(raw, self.epoch)
            return _KEEP if value is None and column.key == "birth_date" else value
        if kind in ("choice", "gender"):
            # A column holds a handful of distinct words: each is looked up once.
            seen = self.choice_cache[column.key]
            if raw not in seen:
                seen[raw] = self._choice(column, raw)
            value = seen[raw]
            if isinstance(value, _Invalid):
                raise cols.CellError(value.reason)
            return value
        if kind == "id_number":
            value = cols.id_number_of(raw)
        elif kind == "name":
            value = cols.name_of(raw)
        else:
            value = cols.text_of(raw)
        if not value and column.required:
            raise cols.CellError(cols.blank_message(column.field))
        cols.run_validators(column.field, value)
        return value

    def _choice(self, column: cols.Column, raw: Any) -> Any:
        text = cols.fold(cols.text_of(raw))
        if not text:
            # Rank and post level may be empty; gender comes from the ID number; the rest keep their value.
            return "" if column.field.blank else _KEEP
        value = self.choice_maps[column.key].get(text)
        if value is None:
            return _Invalid(
                _("“%(value)s” is not allowed; use one of: %(allowed)s.")
                % {"value": cols.text_of(raw), "allowed": cols.allowed_labels(column)}
            )
        return value

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
            if self.write and self.accept_new_sections:
                section = section_create(actor=self.actor, name=text)
            else:
                # A stand-in, so that the rest of the row is still checked and counted.
                section = Section(name=text)
            self.sections[key] = section
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

    # --- checking against the database and writing -------------------------------------------

    def _process(self, batch: list[_Row]) -> None:
        if not batch:
            return
        existing = {
            c.id_number: c
            for c in Cadre.objects.filter(id_number__in=[r.fields["id_number"] for r in batch])
            .select_related("section")
            .prefetch_related("tags")
        }
        creates: list[tuple[Cadre, list[Tag]]] = []
        updates: list[Update] = []
        for row in batch:
            cadre = existing.get(row.fields["id_number"])
            if cadre is None:
                cadre = self._new(row)
                if self._check(cadre, row):
                    creates.append((cadre, row.tags or []))
                    self._count(row, cadre, "created")
                continue
            change = self._change(cadre, row)
            if change is None:
                self._count(row, cadre, "unchanged")
            elif self._check(cadre, row):
                updates.append(change)
                self._count(row, cadre, "updated")
        if self.write and self.can_write:
            write_batch(creates, updates, self.author, self.snapshots)

    def _new(self, row: _Row) -> Cadre:
        fields = dict(row.fields)
        number = fields["id_number"]
        fields.setdefault("birth_date", idcard.birth_date_of(number))
        fields.setdefault("gender", idcard.gender_of(number))
        cadre = Cadre(**fields)
        cadre.section = row.section
        cadre.name_initials = self._initials(cadre.name)
        if cadre.hire_date and not cadre.probation_end:
            cadre.probation_end = default_probation_end(cadre.hire_date)
        return cadre

    def _change(self, cadre: Cadre, row: _Row) -> Update | None:
        """The row applied to an existing cadre (in memory), or None when nothing changes."""
        changed = {k for k, v in row.fields.items() if getattr(cadre, k) != v}
        if row.section.pk is None or row.section.pk != cadre.section_id:
            changed.add("section")
        old_tags = list(cadre.tags.all())  # prefetched
        tags = row.tags if row.tags is not None and {t.pk for t in row.tags} != {t.pk for t in old_tags} else None
        if not changed and tags is None:
            return None
        before = self.snapshots.take(cadre, [t.name for t in old_tags])
        for key in changed - {"section"}:
            setattr(cadre, key, row.fields[key])
        if "section" in changed:
            cadre.section = row.section
        if "name" in changed:
            cadre.name_initials = self._initials(cadre.name)
            changed.add("name_initials")
        if cadre.hire_date and not cadre.probation_end:
            cadre.probation_end = default_probation_end(cadre.hire_date)
            changed.add("probation_end")
        after = self.snapshots.take(cadre, [t.name for t in (old_tags if tags is None else tags)])
        return Update(cadre, before, after, changed, tags)

    def _check(self, cadre: Cadre, row: _Row) -> bool:
        """The rules of Cadre.clean and the model's constraint, without a query per row."""
        failed = self.result.error_count
        try:
            cadre.clean()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self._error(row.number, self._header(key), "；".join(messages))
        if cadre.hire_date and cadre.probation_end and cadre.probation_end < cadre.hire_date:
            self._error(row.number, self._header("probation_end"), str(_PROBATION_CONSTRAINT.violation_error_message))
        return self.result.error_count == failed

    def _count(self, row: _Row, cadre: Cadre, action: str) -> None:
        setattr(self.result, action, getattr(self.result, action) + 1)
        if len(self.result.sample) < SAMPLE_ROWS:
            self.result.sample.append(
                SampleRow(row.number, action, cadre.name, cadre.id_number_masked, row.section.name)
            )

    def record_import(self) -> None:
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


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_PROBATION_CONSTRAINT = next(c for c in Cadre._meta.constraints if c.name == "cadre_probation_after_hire")
