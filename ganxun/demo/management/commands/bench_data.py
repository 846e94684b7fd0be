"""``manage.py bench_data --cadres N``: a synthetic city for benchmarks — units, 科室, cadres with their
history (任职经历) and a ledger of 学时 with its maintained totals.

With ``--units U`` the city is a tree: one root (the city's organisation department), about U/20 districts
under it and the remaining units (bureaus) under the districts, each with its 科室; without, the 科室 are the
home unit's.  A cadre's history has about one change in the five years up to the judged year (another 科室,
sometimes in another unit; a promotion that changes the tier; leaving: retired, transferred, resigned), written
as periods of service; the cadre's own columns hold the latest.  Each entry carries the unit and 科室 of the
period in force on its date, and the totals are built after the entries in one ``INSERT … SELECT … GROUP BY``.

Cadres are written with ``bulk_create`` in batches; periods and ledger entries, the bulk of the rows, through
the driver's own bulk path (COPY on PostgreSQL, ``executemany`` elsewhere) so that millions of rows take
minutes, not hours, and memory stays flat (one batch at a time).  Nothing here is audited: the rows are
synthetic.  The command refuses a database that holds real cadres unless ``--force``.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import random
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.core.management import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.demo.bureau import GIVEN_EITHER, GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from ganxun.hours import totals
from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source
from ganxun.hours.queries import rulebook
from ganxun.roster.idcard import check_digit
from ganxun.roster.models import (
    Cadre,
    CadrePeriod,
    Gender,
    LeadershipLevel,
    PoliticalStatus,
    Rank,
    Section,
    Status,
    Unit,
    UnitKind,
    home_unit_id,
)
from ganxun.roster.services import name_initials

SECTION_PREFIX = "基准科室"
UNIT_PREFIX = "基准单位"
UNIT_CODE_PREFIX = "BENCH-"
UNITS_PER_DISTRICT = 20
CADRE_BATCH = 5_000
ENTRY_BATCH = 50_000
# Regions × birth days × sequence numbers give distinct ID numbers for the index of each cadre.
_REGIONS = ("310110", "310101", "310104", "310105", "310106", "310107", "310109", "310112", "310113", "310115")
_BIRTH_DAYS = 12_000  # about 33 years of birthdays, from 1965
_SEQUENCES = 1_000
_BIRTH_FROM = dt.date(1965, 1, 1)

# (bucket, weight, source, hour choices): what a city's ledger looks like.
_KINDS = (
    (Bucket.CENTRALISED, 35, Source.SESSION, ("3", "4", "8", "8", "16")),
    (Bucket.ONLINE, 30, Source.ONLINE_RECORD, ("1.5", "4", "8", "12", "16")),
    (Bucket.STUDY_GROUP, 10, Source.SESSION, ("3",)),
    (Bucket.SELF_STUDY, 15, Source.SELF_REPORT, ("1", "2", "3", "4", "6")),
    (Bucket.PRACTICE, 10, Source.SELF_REPORT, ("4", "8")),
)
_STATUSES = ((EntryStatus.CONFIRMED, 85), (EntryStatus.PENDING, 8), (EntryStatus.REJECTED, 7))
_COUNTY_RANKS = (Rank.RESEARCHER_2, Rank.RESEARCHER_3, Rank.RESEARCHER_4)
_OTHER_RANKS = tuple(r for r in Rank.values if r not in {*_COUNTY_RANKS, Rank.INSPECTOR_1, Rank.INSPECTOR_2})
_COLUMNS = ("cadre_id", "date", "hours", "bucket", "source", "source_id", "title", "evidence")
_COLUMNS += ("evidence_file", "witness", "status", "reason", "created_at", "unit_id", "section_id")
_PERIOD_COLUMNS = ("cadre_id", "valid_from", "valid_to", "unit_id", "section_id", "post", "rank")
_PERIOD_COLUMNS += ("leadership_level", "status", "note", "created_at")
# A cadre's changes in the five years up to the judged year: none, one or two (about one on average) …
_CHANGES = ((0, 15), (1, 75), (2, 10))
# … each another 科室 (a quarter of them in another unit), a promotion (the tier may change) or leaving.
_CHANGE_KINDS = (("section", 45), ("rank", 40), ("status", 15))
_LEAVING = (Status.RETIRED, Status.TRANSFERRED, Status.RESIGNED)


def id_number(index: int) -> tuple[str, dt.date, str]:
    """A valid ID number that only cadre number ``index`` gets, with its birth date and gender."""
    birth = _BIRTH_FROM + dt.timedelta(days=index % _BIRTH_DAYS)
    sequence = index // _BIRTH_DAYS % _SEQUENCES
    region = _REGIONS[index // (_BIRTH_DAYS * _SEQUENCES) % len(_REGIONS)]
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17), birth, Gender.MALE if sequence % 2 else Gender.FEMALE


@dataclasses.dataclass
class Built:
    sections: int = 0
    cadres: int = 0
    entries: int = 0
    seconds: float = 0.0
    units: int = 0
    periods: int = 0
    totals: int = 0
    root_unit_id: int | None = None


@dataclasses.dataclass(slots=True)
class History:
    """A cadre's periods before the cadre has a primary key: (first day, unit, 科室, rank, status) each."""

    periods: list[tuple[dt.date, int, int, str, str]]


def has_real_data() -> bool:
    """Cadres outside the benchmark's own 科室 are somebody's real roster."""
    return Cadre.objects.exclude(section__name__startswith=SECTION_PREFIX).exists()


def build_city(
    *,
    cadres: int,
    entries_per_cadre: int = 40,
    sections: int = 50,
    year: int | None = None,
    seed: int = 2026,
    entries: int | None = None,
    units: int = 0,
) -> Built:
    """Add ``cadres`` cadres in ``sections`` 科室 (of ``units`` units under a root, when given) with their
    history and ledger entries: ``entries`` in all when given, otherwise ``entries_per_cadre`` each on average
    (some cadres have more, some fewer); then the maintained totals."""
    started = time.perf_counter()
    rng = random.Random(seed)
    year = year or timezone.localdate().year
    first_year = min(rulebook(year).first_year, year)
    built = Built()
    unit_ids = _units(units) if units else [home_unit_id()]
    built.units = len(unit_ids) + (1 if units else 0)
    built.root_unit_id = Unit.objects.get(pk=unit_ids[0]).ancestor_ids()[0] if units else unit_ids[0]
    section_units = _sections(sections, unit_ids)
    built.sections = len(section_units)
    taken = set(Cadre.objects.values_list("id_number", flat=True))
    offset = Cadre.objects.count()
    # The history: about one change per cadre in the five years up to the judged year.
    window = (dt.date(min(first_year, year - 4), 1, 1), min(dt.date(year, 12, 31), timezone.localdate()))
    entries_from = dt.date(first_year, 1, 1)
    cadre_ids: list[int] = []
    # Per cadre, for attributing entries: the day offsets (from the entries' first day) where periods begin, and
    # the (unit, 科室) of each.
    starts: list[list[int]] = []
    places: list[list[tuple[int, int]]] = []
    for batch, histories in _cadre_batches(rng, cadres, offset, section_units, taken, window):
        with transaction.atomic():
            made = Cadre.objects.bulk_create(batch)
            rows = []
            now = timezone.now()
            for cadre, history in zip(made, histories, strict=True):
                cadre_ids.append(cadre.pk)
                periods = history.periods
                starts.append([(p[0] - entries_from).days for p in periods])
                places.append([(p[1], p[2]) for p in periods])
                for position, (valid_from, unit_id, section_id, rank, status) in enumerate(periods):
                    valid_to = periods[position + 1][0] if position + 1 < len(periods) else None
                    note = "" if position == 0 else "基准变动"
                    leadership = cadre.leadership_level
                    rows.append(
                        (cadre.pk, valid_from, valid_to, unit_id, section_id, "", rank, leadership, status, note, now)
                    )
            _write(CadrePeriod._meta.db_table, _PERIOD_COLUMNS, rows)
            built.periods += len(rows)
    built.cadres = len(cadre_ids)
    source_id = (LedgerEntry.objects.aggregate(last=Max("source_id"))["last"] or 0) + 1
    total = entries if entries is not None else entries_per_cadre * len(cadre_ids)
    counts = _entry_counts(rng, len(cadre_ids), total)
    for rows in _entry_batches(rng, cadre_ids, counts, first_year, year, source_id, starts, places):
        with transaction.atomic():
            _write(LedgerEntry._meta.db_table, _COLUMNS, rows)
        built.entries += len(rows)
    with transaction.atomic():
        built.totals = totals.rebuild(cadre_ids=None if offset == 0 else cadre_ids)
    _analyze()
    built.seconds = time.perf_counter() - started
    return built


def _units(count: int) -> list[int]:
    """A root, about count/20 districts under it and the other units under the districts (made once, found
    again on a second run): the ids of the units below the root, which hold the 科室."""
    districts = max(1, count // UNITS_PER_DISTRICT)
    wanted = [(f"{UNIT_CODE_PREFIX}ROOT", f"{UNIT_PREFIX}市委组织部", UnitKind.ORGANISATION_DEPARTMENT, None)]
    wanted += [
        (f"{UNIT_CODE_PREFIX}D{n:03d}", f"{UNIT_PREFIX}第{n}区委组织部", UnitKind.ORGANISATION_DEPARTMENT, 0)
        for n in range(1, districts + 1)
    ]
    wanted += [
        (f"{UNIT_CODE_PREFIX}U{n:04d}", f"{UNIT_PREFIX}{n:04d}局", UnitKind.BUREAU, 1 + n % districts)
        for n in range(1, max(count - districts, 0) + 1)
    ]
    existing = dict(Unit.objects.filter(code__startswith=UNIT_CODE_PREFIX).values_list("code", "pk"))
    ids: list[int] = []
    paths: list[str] = []
    for position, (code, name, kind, parent) in enumerate(wanted):
        if code not in existing:
            parent_id = ids[parent] if parent is not None else None
            unit = Unit.objects.create(code=code, name=name, kind=kind, parent_id=parent_id, sort_order=1000 + position)
            path = (paths[parent] if parent is not None else "/") + f"{unit.pk}/"
            Unit.objects.filter(pk=unit.pk).update(path=path, depth=path.count("/") - 2)
            existing[code] = unit.pk
        ids.append(existing[code])
        paths.append(Unit.objects.filter(pk=existing[code]).values_list("path", flat=True)[0])
    return ids[1:]


def _sections(count: int, unit_ids: list[int]) -> dict[int, int]:
    """{科室 id: unit id}: ``count`` 科室 spread over the units, at least two a unit when there are several."""
    per_unit = max(2, -(-count // len(unit_ids))) if len(unit_ids) > 1 else count
    wanted = [
        (unit_id, f"{SECTION_PREFIX}{n * per_unit + k + 1:03d}")
        for n, unit_id in enumerate(unit_ids)
        for k in range(per_unit)
    ]
    Section.objects.bulk_create(
        [Section(unit_id=unit_id, name=name, sort_order=1000 + n) for n, (unit_id, name) in enumerate(wanted)],
        ignore_conflicts=True,
    )
    rows = Section.objects.filter(unit_id__in=unit_ids, name__startswith=SECTION_PREFIX).order_by("sort_order", "pk")
    return dict(rows.values_list("pk", "unit_id"))


def _name(rng: random.Random, gender: str) -> str:
    pool = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
    given = rng.choice(pool)
    if rng.random() < 0.7:
        given = rng.choice(GIVEN_EITHER + pool) + given
    return rng.choice(SURNAMES) + given


def _history(
    rng: random.Random,
    hired: dt.date,
    section_id: int,
    rank: str,
    section_units: dict[int, int],
    section_ids: Sequence[int],
    by_unit: dict[int, list[int]],
    window: tuple[dt.date, dt.date],
) -> History:
    """The cadre's periods: the first from hiring (or the window's start, whichever is first), then the changes."""
    unit_id = section_units[section_id]
    periods = [(min(hired, window[0]), unit_id, section_id, rank, Status.ACTIVE)]
    changes = rng.choices([n for n, _w in _CHANGES], [w for _n, w in _CHANGES])[0]
    span = (window[1] - window[0]).days
    days = sorted(rng.sample(range(1, span), changes)) if changes and span > changes + 1 else []
    for day in days:
        _from, unit_id, section_id, rank, status = periods[-1]
        kind = rng.choices([k for k, _w in _CHANGE_KINDS], [w for _k, w in _CHANGE_KINDS])[0]
        if kind == "section":
            pool = section_ids if rng.random() < 0.25 else by_unit[unit_id]
            section_id = rng.choice(pool)
            unit_id = section_units[section_id]
        elif kind == "rank":
            rank = rng.choice([r for r in _COUNTY_RANKS if r != rank])  # a promotion: the tier may change
        else:
            status = rng.choice(_LEAVING)
        periods.append((window[0] + dt.timedelta(days=day), unit_id, section_id, rank, status))
        if status != Status.ACTIVE:
            break  # nothing changes after leaving
    return History(periods)


def _cadre_batches(
    rng: random.Random,
    count: int,
    offset: int,
    section_units: dict[int, int],
    taken: set[str],
    window: tuple[dt.date, dt.date],
) -> Iterator[tuple[list[Cadre], list[History]]]:
    """Cadres in batches, each with its history; the cadre's columns are the latest period's."""
    initials: dict[str, str] = {}
    section_ids = list(section_units)
    by_unit: dict[int, list[int]] = {}
    for section_id, unit_id in section_units.items():
        by_unit.setdefault(unit_id, []).append(section_id)
    batch: list[Cadre] = []
    histories: list[History] = []
    index = offset
    made = 0
    while made < count:
        number, birth, gender = id_number(index)
        index += 1
        if number in taken:
            continue
        name = _name(rng, gender)
        if name not in initials:
            initials[name] = name_initials(name)
        county = rng.random() < 0.08
        leader = rng.random() < 0.1
        hired = birth + dt.timedelta(days=365 * 23)
        history = _history(
            rng,
            hired,
            section_ids[made % len(section_ids)],
            rng.choice(_COUNTY_RANKS if county else _OTHER_RANKS),
            section_units,
            section_ids,
            by_unit,
            window,
        )
        _from, unit_id, section_id, rank, status = history.periods[-1]
        batch.append(
            Cadre(
                name=name,
                name_initials=initials[name],
                gender=gender,
                birth_date=birth,
                id_number=number,
                section_id=section_id,
                unit_id=unit_id,
                rank=rank,
                leadership_level=(
                    (LeadershipLevel.DEPUTY_DIVISION_CHIEF if county else LeadershipLevel.SECTION_CHIEF)
                    if leader
                    else ""
                ),
                political_status=PoliticalStatus.CPC_MEMBER if rng.random() < 0.7 else PoliticalStatus.MASSES,
                hire_date=hired,
                status=status,
            )
        )
        histories.append(history)
        made += 1
        if len(batch) >= CADRE_BATCH:
            yield batch, histories
            batch, histories = [], []
    if batch:
        yield batch, histories


def _entry_counts(rng: random.Random, cadres: int, total: int) -> Iterator[int]:
    """How many entries each cadre gets: ``total`` in all, spread by ±50 % in pairs so that the sum is exact."""
    base, extra = divmod(total, cadres) if cadres else (0, 0)
    spread = 0
    for index in range(cadres):
        count = base + (1 if index < extra else 0)
        if index % 2 == 0 and index + 1 < cadres:
            spread = rng.randint(0, base // 2)
            yield count + spread
        else:
            yield count - spread
            spread = 0


def _entry_batches(
    rng: random.Random,
    cadre_ids: list[int],
    counts: Iterator[int],
    first_year: int,
    year: int,
    source_id: int,
    starts: list[list[int]],
    places: list[list[tuple[int, int]]],
) -> Iterator[list[tuple]]:
    """Rows of ENTRY_BATCH or so, spread over the years first_year..year, in column order _COLUMNS, each with
    the unit and 科室 of the cadre's period in force on its date (``starts``/``places``: per cadre, the day
    offsets where the periods begin and their unit and 科室)."""
    start = dt.date(first_year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    kinds = [k for k in _KINDS for _ in range(k[1])]
    statuses = [s for s, weight in _STATUSES for _ in range(weight)]
    hours_cache: dict[str, Decimal] = {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    dates = [connection.ops.adapt_datefield_value(start + dt.timedelta(days=d)) for d in range(days)]
    titles = {bucket: f"{Bucket(bucket).label}（基准）" for bucket, *_ in _KINDS}
    rows: list[tuple] = []
    for position, (cadre_id, count) in enumerate(zip(cadre_ids, counts, strict=False)):
        begins, where = starts[position], places[position]
        single = where[0] if len(where) == 1 else None
        for _n in range(count):
            bucket, _weight, source, choices = rng.choice(kinds)
            text = rng.choice(choices)
            hours = hours_cache.get(text) or hours_cache.setdefault(text, Decimal(text))
            this_id, title = None, titles[bucket]
            if source != Source.SELF_REPORT:
                this_id, source_id = source_id, source_id + 1
            else:
                title = f"{title}{_n}"  # a cadre's live reports differ in day or title (self_report_counted_once)
            status = rng.choice(statuses)
            day = rng.randrange(days)
            unit_id, section_id = single or where[max(bisect.bisect_right(begins, day) - 1, 0)]
            rows.append(
                (
                    cadre_id,
                    dates[day],
                    hours,
                    bucket,
                    source,
                    this_id,
                    title,
                    "",
                    "",
                    "",
                    status,
                    "不符合要求" if status == EntryStatus.REJECTED else "",
                    now,
                    unit_id,
                    section_id,
                )
            )
        if len(rows) >= ENTRY_BATCH:
            yield rows
            rows = []
    if rows:
        yield rows


def _write(table: str, column_names: Sequence[str], rows: list[tuple]) -> None:
    """Rows into a table through the driver's bulk path: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    columns = ", ".join(connection.ops.quote_name(c) for c in column_names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            adapt_date, adapt_time = connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value
            if table == CadrePeriod._meta.db_table:  # the entries come adapted already
                rows = [(r[0], adapt_date(r[1]), adapt_date(r[2]), *r[3:10], adapt_time(r[10])) for r in rows]
            marks = ", ".join(["%s"] * len(column_names))
            cursor.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({marks})", rows)


def _analyze() -> None:
    """Fresh planner statistics: the query plans of a benchmark should be those of a maintained database."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = (
        "Build a synthetic city for benchmarks: N cadres in S sections with about M ledger entries each, "
        "spread over the years of the rules that judge --year.  Refuses a database with real cadres unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, required=True, help="number of cadres to add")
        parser.add_argument("--entries-per-cadre", type=int, default=40, help="average ledger entries (default 40)")
        parser.add_argument("--sections", type=int, default=50, help="number of sections (default 50)")
        parser.add_argument(
            "--units", type=int, default=0, help="units under a root, holding the sections (default 0: the home unit)"
        )
        parser.add_argument("--year", type=int, default=None, help="the year judged (default: this year)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--force", action="store_true", help="run even though the database has real cadres")

    def handle(
        self, *args, cadres: int, entries_per_cadre: int, sections: int, units: int, year, seed: int, force, **opts
    ):
        if cadres < 1 or entries_per_cadre < 0 or sections < 1 or units < 0:
            raise CommandError(
                _("--cadres and --sections must be at least 1, --entries-per-cadre and --units at least 0.")
            )
        if has_real_data() and not force:
            raise CommandError(
                _("This database holds real cadres; bench_data only adds to an empty or benchmark database (--force).")
            )
        built = build_city(
            cadres=cadres, entries_per_cadre=entries_per_cadre, sections=sections, year=year, seed=seed, units=units
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Built %(sections)d sections, %(cadres)d cadres and %(entries)d ledger entries in %(seconds).1f s.")
                % {
                    "sections": built.sections,
                    "cadres": built.cadres,
                    "entries": built.entries,
                    "seconds": built.seconds,
                }
            )
        )
