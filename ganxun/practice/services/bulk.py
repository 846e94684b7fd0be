"""Many practice records at once (the Excel imports): what ``records.py`` and ``hours.py`` do one by one, in
batches of statements.

The caller (the import engine) has already checked every row: the cadre is one the actor may reach and not the
actor, the dates are sane and in order, the record is not twice in the file.  Here:

- ``records_create``: the places as kept (a merged place: the one it was merged into), the checks that need no
  query (``check``), a record already there refused as ``validate_constraints`` refuses it, each record's
  attribution (the cadre's 单位 and 科室 on its first day, from the periods of service read once for all the
  cadres, as ``hours.totals.attribution`` gives it one by one), the rows inserted a thousand a statement
  (``Rows``) and their keys read back, and one audit event per record as ``audit_record`` writes for
  ``record_create``;
- ``records_update``: the changed fields of records already there, ``bulk_update``, one audit event per record
  whose snapshot changed;
- ``hours_sync``: the 学时 of every cadre and year touched, once each (not once per row), giving what
  ``practice_hours_sync`` gives: the same days claimed in the same order (never one twice), the same titles,
  rules and cents.  New credits and their confirmed ledger entries are inserted in batches, one audit event per
  entry as ``ledger_record`` writes it, and the cadres' totals rebuilt (``hours.totals.refresh``); a credit
  whose facts change is updated in bulk, and an entry that changes or is withdrawn goes through
  ``ledger_record`` / ``ledger_withdraw`` one by one (rare in an import).

Everything runs inside the caller's transaction.  ``tests/test_imports_bulk.py`` imports the same files through
the per-record services and through here and compares records, credits, entries, totals and audit events.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action, AuditEvent
from ganxun.audit.services import changed_fields
from ganxun.core.middleware import current_client_ip
from ganxun.hours import totals
from ganxun.hours.models import EARLIEST_DATE, MAX_ENTRY_HOURS, Bucket, EntryStatus, LedgerEntry, Source
from ganxun.hours.models import Unit as HoursUnit
from ganxun.hours.services import conversion_rules, ledger_record, ledger_withdraw
from ganxun.hours.services.ledger import entry_current, entry_snapshot
from ganxun.roster.imports.writes import PreparedRows
from ganxun.roster.models import Cadre, CadrePeriod, Unit

from ..models import CommunityReport, Place, PracticeCredit, Secondment, Stint, Visit
from .common import display, snapshot, stored_language
from .hours import CENT, CREDIT_FIELD, MEASURE, ORDER, credit_title, quantity
from .places import live

BATCH_SIZE = 1000
# The records whose days are claimed in order (then the community reports, each on its day).
SPANS = (Stint, Visit, Secondment)


def _chunks(items: Sequence[Any], size: int = BATCH_SIZE) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Rows:
    """Rows of one INSERT statement, a thousand an ``executemany`` (as ``roster.imports.writes.PreparedRows``):
    a template instance's row converted for the database once, each row a copy of it with its own values
    converted (``add``), or a whole instance's row (``add_instance``); what is written is not held."""

    def __init__(self, template: models.Model) -> None:
        self.prepared = PreparedRows(type(template))
        self.connection = connections[router.db_for_write(type(template))]  # not the proxy: a lookup a value
        self.fields = self.prepared.fields
        self.positions = self.prepared.positions
        self.converters = [_converter(f, self.connection) for f in self.fields]
        self.template = [f.get_db_prep_save(f.pre_save(template, True), self.connection) for f in self.fields]
        # What Model.save inserts of each field: the attribute itself, unless the field fills it (auto_now …).
        self.readers = [
            operator.attrgetter(f.attname)
            if type(f).pre_save is models.Field.pre_save
            or (isinstance(f, models.DateField) and not (f.auto_now or f.auto_now_add))
            else functools.partial(_pre_save, f)
            for f in self.fields
        ]

    def add(self, **values: Any) -> None:
        row = list(self.template)
        for name, value in values.items():
            position = self.positions[name]
            row[position] = self.converters[position](value)
        self._append(row)

    def add_instance(self, obj: models.Model) -> None:
        """The instance's row as Model.save would insert it (auto_now fields filled on the instance too)."""
        self._append([convert(read(obj)) for read, convert in zip(self.readers, self.converters, strict=True)])

    def _append(self, row: list[Any]) -> None:
        self.prepared.rows.append(row)
        if len(self.prepared.rows) >= BATCH_SIZE:
            self.execute()

    def execute(self) -> None:
        with self.connection.cursor() as cursor:
            if self.prepared.rows:
                cursor.executemany(self.prepared.sql, self.prepared.rows)
        self.prepared.rows.clear()


def _pre_save(field: models.Field, obj: models.Model) -> Any:
    return field.pre_save(obj, True)


_INTEGERS = {
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "BigIntegerField",
}


def _converter(field: models.Field, connection) -> Callable[[Any], Any]:
    """``field.get_db_prep_save`` for ``connection``, short-cut for the plain values most rows hold: a text (or a
    text choice, as its value), a whole number or a key, a date, an aware datetime, a finite decimal, a dict for a
    JSON field — each as the field would hand it to the backend's own adapter, once its checks passed."""

    def slow(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    kind = field.get_internal_type()
    ops = connection.ops
    if kind in ("CharField", "TextField"):

        def text(value: Any) -> Any:
            if type(value) is str:
                return value
            if isinstance(value, enum.Enum) and isinstance(value, str):
                return value.value  # a TextChoices member: what the field would store
            return slow(value)

        return text
    if kind in _INTEGERS or (
        kind == "ForeignKey" and field.target_field.get_internal_type() in {"AutoField", "BigAutoField", *_INTEGERS}
    ):
        return lambda value: value if type(value) is int or value is None else slow(value)
    if kind == "DateField":
        adapt_date = ops.adapt_datefield_value
        return lambda value: adapt_date(value) if type(value) is dt.date else slow(value)
    if kind == "DateTimeField":
        adapt_datetime = ops.adapt_datetimefield_value
        return lambda value: (
            adapt_datetime(value) if type(value) is dt.datetime and value.tzinfo is not None else slow(value)
        )
    if kind == "DecimalField":
        adapt_decimal, digits, places = ops.adapt_decimalfield_value, field.max_digits, field.decimal_places
        return lambda value: (
            adapt_decimal(value, digits, places) if type(value) is Decimal and value.is_finite() else slow(value)
        )
    if kind == "JSONField":
        adapt_json, encoder = ops.adapt_json_value, field.encoder
        return lambda value: adapt_json(value, encoder) if type(value) is dict else slow(value)
    return slow


class Author:
    """Who the audit events name, as ``audit_record`` names them; the events of a bulk write (``Rows``)."""

    def __init__(self, actor, *, actor_name: str = "", ip_address: str | None = None) -> None:
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        self.name = actor_name or (self.user.get_username() if self.user else "")
        self.ip_address = ip_address or current_client_ip()

    def event(self, action: str, obj: models.Model, changes: dict[str, Any], *, repr_: str | None = None) -> dict:
        """What ``audit_record`` would write about ``obj`` (but who and whence)."""
        return {
            "action": action,
            "object_type": obj._meta.model_name or "",
            "object_id": str(obj.pk) if obj.pk is not None else "",
            "object_repr": (str(obj) if repr_ is None else repr_)[:200],
            "changes": changes,
        }

    def created(self, obj: models.Model, after: dict[str, Any], *, repr_: str | None = None) -> dict:
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [])}
        return self.event(Action.CREATE, obj, changes, repr_=repr_)

    def insert(self, events: Iterable[dict]) -> None:
        rows = Rows(
            AuditEvent(
                actor=self.user, actor_name=self.name, action=Action.CREATE, summary="", ip_address=self.ip_address
            )
        )
        for event in events:
            rows.add(**event)
        rows.execute()


class Snapshots:
    """``common.snapshot`` for many records of one model: the same dict, each field's reading chosen once (and a
    choice's labels looked up once)."""

    def __init__(self, model: type[models.Model], names: tuple[str, ...]) -> None:
        self.readers: list[tuple[str, Callable[[models.Model], Any]]] = []
        for name in names:
            field = model._meta.get_field(name)
            if field.choices and not field.is_relation:
                labels = {value: str(label) for value, label in field.flatchoices}
                self.readers.append((name, lambda r, a=field.attname, labels=labels: _label(labels, getattr(r, a))))
            else:
                self.readers.append((name, lambda r, name=name: display(getattr(r, name))))

    def __call__(self, record: models.Model) -> dict[str, Any]:
        return {name: read(record) for name, read in self.readers}


def _label(labels: dict, value: Any) -> str:
    """``get_FOO_display``: the label of the value, else the value itself, as text."""
    try:
        return str(labels.get(value, value))
    except TypeError:  # an unhashable value
        return str(value)


def attributions(wanted: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], tuple[int, int]]:
    """(cadre id, day) -> (unit id, 科室 id) the cadre counts toward on that day: the period of service not ended
    by the day that began first (in force on it, or before the first period the first), else the cadre's own
    unit and 科室 — ``hours.totals.attribution`` for many at once, a query per thousand cadres."""
    wanted = set(wanted)
    cadre_ids = sorted({cadre for cadre, _day in wanted})
    periods: dict[int, list[tuple[dt.date, dt.date | None, int, int]]] = defaultdict(list)
    own: dict[int, tuple[int, int]] = {}
    for chunk in _chunks(cadre_ids):
        for cadre, valid_from, valid_to, unit, section in (
            CadrePeriod.objects.filter(cadre_id__in=chunk)
            .order_by("cadre_id", "valid_from")
            .values_list("cadre_id", "valid_from", "valid_to", "unit_id", "section_id")
        ):
            periods[cadre].append((valid_from, valid_to, unit, section))
        without = [c for c in chunk if c not in periods]
        if without:
            own.update(
                (pk, (unit, section))
                for pk, unit, section in Cadre.objects.filter(pk__in=without).values_list("pk", "unit_id", "section_id")
            )
    found = {}
    for cadre, day in wanted:
        found[(cadre, day)] = next(
            (
                (unit, section)
                for _f, valid_to, unit, section in periods.get(cadre, ())
                if valid_to is None or valid_to > day
            ),
            own.get(cadre, (None, None)),
        )
    return found


def live_places(records: Sequence[models.Model]) -> None:
    """A record given a place since merged names the place kept (``records._live_place``), one query in all."""
    ids = {r.place_id for r in records if getattr(r, "place_id", None) is not None}
    merged = {}
    for chunk in _chunks(sorted(ids)):
        merged.update(
            (p.pk, live(p))
            for p in Place.objects.filter(pk__in=chunk, merged_into__isnull=False).select_related("merged_into")
        )
    if merged:
        for record in records:
            if getattr(record, "place_id", None) in merged:
                record.place = merged[record.place_id]


def check(spec, record: models.Model) -> None:
    """The checks ``records._validate`` makes that need no query (the caller made the others): the fields'
    lengths and choices, the model's ``clean``; and the defaults the kind's check fills in (a community
    report's party branch: the cadre's).  Raises ValidationError."""
    if isinstance(record, CommunityReport) and not record.party_branch:
        record.party_branch = record.cadre.party_branch
    if not _plainly_valid(record):
        record.clean_fields(exclude=_relations(type(record)))  # finds what is wrong, with its message
    record.clean()


def _plainly_valid(record: models.Model) -> bool:
    """Whether ``clean_fields`` would pass the record, judged on plain values (texts within their length,
    without NUL, given where required; choices among the choices; dates as dates): most rows, at a fraction of
    its cost.  False: let ``clean_fields`` judge."""
    for attname, kind, limit, blank, null, choices in _plain_fields(type(record)):
        value = getattr(record, attname)
        if value is None or value == "":
            if not (blank and (null or value == "")):
                return False
            continue
        if kind == "text":
            if type(value) is not str or (limit is not None and len(value) > limit) or "\x00" in value:
                return False
        elif kind == "date":
            if type(value) is not dt.date:
                return False
        elif kind == "other":
            return False
        if choices is not None and value not in choices:
            return False
    return True


@functools.cache
def _plain_fields(model: type[models.Model]) -> tuple:
    found = []
    for f in model._meta.concrete_fields:
        if f.is_relation or f.primary_key:
            continue
        kind = f.get_internal_type()
        kind = "text" if kind in ("CharField", "TextField") else "date" if kind == "DateField" else kind
        if kind == "DateTimeField" and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
            kind = "auto"  # filled on save
        elif kind not in ("text", "date"):
            kind = "other"
        choices = frozenset(value for value, _label in f.flatchoices) if f.choices else None
        found.append((f.attname, kind, getattr(f, "max_length", None), f.blank, f.null, choices))
    return tuple(found)


@functools.cache
def _relations(model: type[models.Model]) -> frozenset[str]:
    """The record's related rows: in the caller's hands, not read again to be checked."""
    return frozenset(f.name for f in model._meta.concrete_fields if f.is_relation)


def _validate(spec, records: Sequence[models.Model]) -> None:
    """``check`` each record; the ValidationError carries ``record`` (the one refused)."""
    for record in records:
        try:
            check(spec, record)
        except ValidationError as exc:
            exc.record = record
            raise


@transaction.atomic
def records_create(
    spec, records: Sequence[models.Model], *, author: Author, checked: bool = False
) -> list[models.Model]:
    """Save new records of the kind ``spec`` (unsaved instances with their cadre and fields set), audited one
    event each; returns them with their keys.  ``checked``: the caller has ``check``-ed each already.  The 学时
    are the caller's: ``hours_sync`` with ``years_touched``."""
    if not records:
        return []
    live_places(records)
    if not checked:
        _validate(spec, records)
    where = attributions((r.cadre_id, spec.first_day(r)) for r in records)
    for record in records:
        record.unit_id, record.section_id = where[(record.cadre_id, spec.first_day(record))]
    try:
        with transaction.atomic():
            _insert(spec.model, records)
    except IntegrityError:
        # Which record the database already holds, refused as the services refuse it (else: as it was).
        _refuse_recorded(spec.model, records)
        raise
    fields = spec.audited()
    take = Snapshots(spec.model, fields)
    author.insert(author.created(record, take(record)) for record in records)
    return list(records)


def _identity(model: type[models.Model]) -> models.UniqueConstraint:
    """The model's unique constraint on the cadre and what tells their records apart."""
    return next(
        c
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.condition is None and "cadre" in c.fields
    )


def _refuse_recorded(model: type[models.Model], records: Sequence[models.Model]) -> None:
    """A record already there (or twice among these) is refused as ``validate_constraints`` refuses it, the
    ValidationError carrying ``record``."""
    constraint = _identity(model)
    columns = [model._meta.get_field(name).attname for name in constraint.fields]
    taken = set()
    for chunk in _chunks(records):
        taken.update(model.objects.filter(cadre_id__in={r.cadre_id for r in chunk}).values_list(*columns).iterator())
    for record in records:
        key = tuple(getattr(record, column) for column in columns)
        if key in taken:
            exc = ValidationError({NON_FIELD_ERRORS: [constraint.get_violation_error_message()]})
            exc.record = record
            raise exc
        taken.add(key)


def _insert(model: type[models.Model], records: Sequence[models.Model]) -> None:
    """INSERT the records a thousand a statement (``PreparedRows``), then read their keys back by the model's
    identity (its unique constraint on the cadre and …): cheaper than ``bulk_create`` building each statement."""
    columns = [model._meta.get_field(name).attname for name in _identity(model).fields]
    rows = Rows(records[0])
    for record in records:
        rows.add_instance(record)
    rows.execute()
    keys = {}
    for chunk in _chunks(records):
        keys.update(
            (tuple(found[1:]), found[0])
            for found in model.objects.filter(cadre_id__in={r.cadre_id for r in chunk}).values_list("pk", *columns)
        )
    for record in records:
        record.pk = keys[tuple(getattr(record, column) for column in columns)]
        record._state.adding = False


@transaction.atomic
def records_update(
    spec, changes: Sequence[tuple[models.Model, dict[str, Any]]], *, author: Author
) -> dict[int, set[int]]:
    """Change records already there: (record, {field: value}) each, read again here in full (locked); one audit
    event per record whose snapshot changed.  The first day (the record's identity in an import) is not among
    the fields, so its attribution stays.  Returns the years each cadre's 学时 must be synced for (those the
    records covered and cover) when the kind counts 学时."""
    touched: dict[int, set[int]] = defaultdict(set)
    if not changes:
        return touched
    wanted = {record.pk: fields for record, fields in changes}
    related = [f.name for f in spec.model._meta.concrete_fields if f.is_relation and f.name in spec.audited()]
    stored: list[models.Model] = []
    for chunk in _chunks(sorted(wanted)):
        stored.extend(spec.model.objects.select_for_update().select_related(*related).filter(pk__in=chunk))
    audited = spec.audited()
    names: set[str] = set()
    events = []
    now = timezone.now()
    for record in stored:
        before = snapshot(record, audited)
        if spec.counts_hours:
            touched[record.cadre_id].update(_years(record))
        for name, value in wanted[record.pk].items():
            setattr(record, name, value.strip() if isinstance(value, str) else value)
            names.add(name)
        record.updated_at = now
        if spec.counts_hours:
            touched[record.cadre_id].update(_years(record))
        after = snapshot(record, audited)
        if before != after:
            events.append(author.event(Action.UPDATE, record, changed_fields(before, after)))
    _validate(spec, stored)
    if names:
        for chunk in _chunks(stored):
            spec.model.objects.bulk_update(chunk, [*sorted(names), "updated_at"])
    author.insert(events)
    return touched


def _years(record) -> set[int]:
    return set(range(record.start_date.year, record.end_date.year + 1))


def years_touched(records: Iterable[models.Model]) -> dict[int, set[int]]:
    """cadre id -> the years the records' days fall in."""
    touched: dict[int, set[int]] = defaultdict(set)
    for record in records:
        touched[record.cadre_id].update(_years(record))
    return touched


# --- the 学时 ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def hours_sync(*, actor, years: dict[int, set[int]], author: Author | None = None) -> None:
    """``practice_hours_sync`` for every cadre (id) and the years given, each once, with a few queries per
    thousand cadres: the records, credits and entries of them all read at once (locked), the days claimed in
    the same order, new credits and their confirmed entries inserted in batches (``Rows``) (one audit event per
    entry, as ``ledger_record`` writes it) and the cadres' totals rebuilt; a credit whose facts change is
    updated in bulk, and an entry that changes or is withdrawn goes through ``ledger_record`` /
    ``ledger_withdraw`` itself (rare in an import: days claimed by a record imported ahead of them)."""
    today = timezone.localdate()
    author = author or Author(actor)
    # A thousand cadres at a time: what is read for them is let go before the next (memory flat in the rows).
    for chunk in _chunks(sorted(years)):
        pairs = {(cadre, year) for cadre in chunk for year in years[cadre] if year <= today.year}
        if pairs:
            _sync(pairs, today, actor, author)


def _records(model, chunk, first: dt.date, last: dt.date) -> list[Any]:
    """The cadres' records of ``model`` with a day from ``first`` to ``last``, as ``claimed_days`` reads them
    (the place, a deployment's campaign: the few of them read once each, not joined onto every record)."""
    related = {Stint: ("campaign", "place"), Visit: ("place",), CommunityReport: ("place",)}.get(model, ())
    rows = model.objects.filter(cadre_id__in=chunk)
    rows = rows.filter(date__gte=first, date__lte=last) if model is CommunityReport else rows.overlapping(first, last)
    return list(rows.prefetch_related(*related) if related else rows)


def _sync(pairs: set[tuple[int, int]], today: dt.date, actor, author: Author) -> None:
    """``hours._sync_year`` for many cadres and years at once (see ``hours_sync``)."""
    cadre_ids = sorted({cadre for cadre, _y in pairs})
    year_list = sorted({year for _c, year in pairs})
    first = dt.date(year_list[0], 1, 1)
    last = min(dt.date(year_list[-1], 12, 31), today)
    spans: dict[int, list[Any]] = defaultdict(list)
    reports: dict[int, list[Any]] = defaultdict(list)
    cadres: dict[int, Cadre] = {}
    held: dict[tuple[int, int], dict[tuple[str, int], PracticeCredit]] = defaultdict(dict)
    entries: dict[int, LedgerEntry] = {}
    for chunk in _chunks(cadre_ids):
        cadres.update(Cadre.objects.in_bulk(chunk))
        for model in SPANS:
            for record in _records(model, chunk, first, last):
                spans[record.cadre_id].append(record)
        for report in _records(CommunityReport, chunk, first, last):
            reports[report.cadre_id].append(report)
        credits = list(PracticeCredit.objects.select_for_update().filter(cadre_id__in=chunk, year__in=year_list))
        for credit in credits:
            if (credit.cadre_id, credit.year) in pairs:
                held[(credit.cadre_id, credit.year)][_credit_key(credit) or ("deleted", credit.pk)] = credit
        for ids in _chunks([c.pk for c in credits]):
            entries.update(
                (entry.source_id, entry)
                for entry in LedgerEntry.objects.select_for_update().filter(
                    cadre_id__in=chunk, source=Source.PRACTICE, source_id__in=ids
                )
            )
    units: dict[int, Unit] = {}
    rules: dict[tuple[int, int], dict] = {}
    new: list[tuple[NewCredit, Any]] = []  # (credit, the rule's hours)
    changed_credits: list[PracticeCredit] = []
    later: list[Callable[[], Any]] = []  # entries changed or withdrawn one by one, after the bulk writes
    titles: dict[tuple, str] = {}
    conversions: dict[tuple, Decimal] = {}
    now = timezone.now()
    for cadre_id, year in sorted(pairs):
        cadre = cadres[cadre_id]
        year_first, year_last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
        credits = held.get((cadre_id, year), {})
        for record, days in _plan(spans.get(cadre_id, ()), reports.get(cadre_id, ()), year_first, year_last):
            credit = credits.pop(_key(record), None)
            key = (year, record.unit_id)
            if key not in rules:
                if record.unit_id not in units:
                    units[record.unit_id] = Unit.objects.get(pk=record.unit_id)
                rules[key] = conversion_rules(year, units[record.unit_id])
            rule = rules[key].get(MEASURE[type(record)])
            if not days or rule is None:
                if credit is not None:
                    with stored_language():
                        why = (
                            _("These days are already counted from another practice record.")
                            if not days
                            else _("%(year)s has no conversion rule for %(measure)s.")
                            % {"year": year, "measure": HoursUnit(MEASURE[type(record)]).label}
                        )
                    if credit.days:
                        credit.days, credit.first_day, credit.last_day = 0, None, None
                        credit.updated_at = now
                        changed_credits.append(credit)
                    later.append(_withdrawal(actor, cadre, credit, entries.get(credit.pk), why))
                continue
            title = _title(titles, record, len(days))
            # In cents as the ledger stores them, as practice_hours_sync converts (once per rule, kind and days).
            converted = (id(rule), type(record), len(days))  # the rules stay in hand (``rules``)
            hours = conversions.get(converted)
            if hours is None:
                hours = conversions[converted] = rule.convert(quantity(record, len(days))).quantize(CENT)
            facts = {"title": title, "days": len(days), "first_day": days[0], "last_day": days[-1]}
            if credit is None:
                new.append((NewCredit(cadre, year, CREDIT_FIELD[type(record)], record.pk, **facts), hours))
                continue
            if any(getattr(credit, name) != value for name, value in facts.items()):
                for name, value in facts.items():
                    setattr(credit, name, value)
                credit.updated_at = now
                changed_credits.append(credit)
            entry = entries.get(credit.pk)
            if not entry_current(entry, date=days[-1], hours=hours, bucket=Bucket.PRACTICE, title=title):
                later.append(_recording(actor, cadre, credit, entry, days[-1], hours, title))
        # What is left no longer has a day in the year: moved out of it, or its record deleted.
        for credit in credits.values():
            with stored_language():
                why = _("The practice record no longer falls in %(year)s.") % {"year": year}
            later.append(_withdrawal(actor, cadre, credit, entries.get(credit.pk), why))
    for chunk in _chunks(changed_credits):
        PracticeCredit.objects.bulk_update(chunk, ["title", "days", "first_day", "last_day", "updated_at"])
    for write in later:
        write()
    if new:
        _create_entries(new, author, now)


def _plan(spans: Iterable[Any], reports: Iterable[Any], first: dt.date, last: dt.date) -> list[tuple[Any, list]]:
    """``hours.claimed_days`` over records in hand: (record, the days of first..last it counts), in order."""
    if last < first:
        return []
    mine = sorted(
        (r for r in spans if r.start_date <= last and r.end_date >= first),
        key=lambda r: (r.start_date, ORDER[type(r)], r.pk),
    )
    claimed: set[dt.date] = set()
    plan = []
    one = dt.timedelta(days=1)
    for record in mine:
        day = max(record.start_date, first)
        span = [day + one * n for n in range((min(record.end_date, last) - day).days + 1)]
        days = [d for d in span if d not in claimed] if claimed else span
        claimed.update(days)
        plan.append((record, days))
    for report in sorted((r for r in reports if first <= r.date <= last), key=lambda r: (r.date, r.pk)):
        days = [] if report.date in claimed else [report.date]
        claimed.update(days)
        plan.append((report, days))
    return plan


def _title(titles: dict[tuple, str], record, days: int) -> str:
    """``credit_title``, once for all the deployments of a campaign at a place for as many days (a text
    rendered in the stored language costs more than the rest of a record's sync)."""
    if not isinstance(record, Stint):
        return credit_title(record, days)
    key = (record.campaign_id, record.place_id, days)
    if key not in titles:
        titles[key] = credit_title(record, days)
    return titles[key]


def _key(record) -> tuple[str, int]:
    return CREDIT_FIELD[type(record)], record.pk


def _credit_key(credit: PracticeCredit) -> tuple[str, int] | None:
    for field in CREDIT_FIELD.values():
        pk = getattr(credit, f"{field}_id")
        if pk is not None:
            return field, pk
    return None


def _recording(actor, cadre, credit, entry, date, hours, title) -> Callable[[], Any]:
    def write():
        try:
            return ledger_record(
                actor=actor,
                cadre=cadre,
                date=date,
                hours=hours,
                bucket=Bucket.PRACTICE,
                source=Source.PRACTICE,
                source_id=credit.pk,
                title=title,
                entry=entry,
                source_object=credit,
            )
        except ValidationError as exc:
            exc.cadre_id = cadre.pk
            raise

    return write


def _withdrawal(actor, cadre, credit, entry, reason: str) -> Callable[[], Any]:
    def write():
        if entry is None or entry.status == EntryStatus.REJECTED:
            return None
        return ledger_withdraw(
            actor=actor, cadre=cadre, source=Source.PRACTICE, source_id=credit.pk, reason=reason, entry=entry
        )

    return write


@dataclasses.dataclass(slots=True)
class NewCredit:
    """A ``PracticeCredit`` to insert (a model instance each would cost more than its row)."""

    cadre: Cadre
    year: int
    field: str  # the credit's field naming the record (CREDIT_FIELD)
    record_id: int
    title: str
    days: int
    first_day: dt.date
    last_day: dt.date
    pk: int | None = None

    @property
    def cadre_id(self) -> int:
        return self.cadre.pk


def _create_entries(new: list[tuple[NewCredit, Any]], author: Author, now) -> None:
    """New credits and their confirmed entries (``Rows``); an audit event per entry, as ``ledger_record``
    writes it; the cadres' totals rebuilt."""
    rows = Rows(PracticeCredit(cadre_id=new[0][0].cadre_id, year=new[0][0].year, title=""))
    fields = [f"{name}_id" for name in CREDIT_FIELD.values()]
    for credit, _hours in new:
        rows.add(
            cadre=credit.cadre_id,
            year=credit.year,
            **{credit.field: credit.record_id},
            title=credit.title,
            days=credit.days,
            first_day=credit.first_day,
            last_day=credit.last_day,
        )
    rows.execute()
    # Their keys: a record has one credit a year.
    keys = {}
    for chunk in _chunks([credit for credit, _hours in new]):
        for pk, year, *records in PracticeCredit.objects.filter(
            cadre_id__in={c.cadre_id for c in chunk}, year__in={c.year for c in chunk}
        ).values_list("pk", "year", *fields):
            keys.update(
                ((field, record, year), pk) for field, record in zip(fields, records, strict=True) if record is not None
            )
    for credit, _hours in new:
        credit.pk = keys[(f"{credit.field}_id", credit.record_id, credit.year)]
    user = author.user
    template = LedgerEntry(
        cadre=new[0][0].cadre,
        date=new[0][0].last_day,
        hours=Decimal(0),
        bucket=Bucket.PRACTICE,
        source=Source.PRACTICE,
        source_type=ContentType.objects.get_for_model(PracticeCredit),
        title="",
        status=EntryStatus.CONFIRMED,
        reason="",
        evidence="",
        created_by=user,
        decided_by=user,
        decided_at=now,
    )
    rows = Rows(template)
    for credit, hours in new:
        # ledger_record's checks that need no query (LedgerEntry.clean: the hours' bounds, the date from the
        # cadre's birth; never after today here), its message when one fails.
        born = credit.cadre.birth_date
        if not (0 <= hours <= MAX_ENTRY_HOURS and credit.last_day >= max(EARLIEST_DATE, born or EARLIEST_DATE)):
            facts = SimpleNamespace(
                hours=hours, date=credit.last_day, cadre_id=credit.cadre_id, cadre=credit.cadre, _meta=LedgerEntry._meta
            )
            try:
                LedgerEntry.clean(facts)
            except ValidationError as exc:
                exc.cadre_id = credit.cadre_id
                raise
        rows.add(
            cadre=credit.cadre_id, date=credit.last_day, hours=hours, source_id=credit.pk, title=credit.title[:200]
        )
    rows.execute()
    # The entries' keys, for their audit events: by the credits they count (a source is counted once).
    keys = {}
    for chunk in _chunks([credit for credit, _hours in new]):
        keys.update(
            LedgerEntry.objects.filter(
                cadre_id__in={c.cadre_id for c in chunk},
                source=Source.PRACTICE,
                source_id__in=[c.pk for c in chunk],
            ).values_list("source_id", "pk")
        )
    # entry_snapshot's labels are those of every entry here (confirmed, 实践锻炼, from practice).
    common = entry_snapshot(template)

    def events():
        for credit, hours in new:
            title = credit.title[:200]
            template.pk = keys[credit.pk]
            after = {
                **common,
                "cadre": credit.cadre.name,
                "date": credit.last_day.isoformat(),
                "hours": str(hours),
                "title": title,
            }
            # str(entry), as ledger_record's event names it.
            yield author.created(template, after, repr_=f"{credit.cadre} {credit.last_day} {title} {hours}")

    author.insert(events())
    totals.refresh(sorted({credit.cadre_id for credit, _hours in new}))
