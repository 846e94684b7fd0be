"""``manage.py bench_data --cadres N``: a synthetic city for benchmarks — 科室, cadres and a ledger of 学时.

Cadres are written with ``bulk_create`` in batches; ledger entries, the bulk of the rows, through the
driver's own bulk path (COPY on PostgreSQL, ``executemany`` elsewhere) so that two million rows take
seconds, not hours, and memory stays flat (one batch at a time).  Nothing here is audited: the rows
are synthetic.  The command refuses a database that holds real cadres unless ``--force``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import time
from collections.abc import Iterator
from decimal import Decimal

from django.core.management import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.demo.bureau import GIVEN_EITHER, GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source
from ganxun.hours.queries import rulebook
from ganxun.roster.idcard import check_digit
from ganxun.roster.models import Cadre, Gender, LeadershipLevel, PoliticalStatus, Rank, Section, Status
from ganxun.roster.services import name_initials

SECTION_PREFIX = "基准科室"
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
_COLUMNS += ("evidence_file", "witness", "status", "reason", "created_at")


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
) -> Built:
    """Add ``cadres`` cadres in ``sections`` 科室 with ledger entries: ``entries`` in all when given,
    otherwise ``entries_per_cadre`` each on average (some cadres have more, some fewer)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    year = year or timezone.localdate().year
    first_year = min(rulebook(year).first_year, year)
    built = Built()
    section_ids = _sections(sections)
    built.sections = len(section_ids)
    taken = set(Cadre.objects.values_list("id_number", flat=True))
    offset = Cadre.objects.count()
    cadre_ids: list[int] = []
    for batch in _cadre_batches(rng, cadres, offset, section_ids, taken):
        with transaction.atomic():
            cadre_ids.extend(c.pk for c in Cadre.objects.bulk_create(batch))
    built.cadres = len(cadre_ids)
    source_id = (LedgerEntry.objects.aggregate(last=Max("source_id"))["last"] or 0) + 1
    total = entries if entries is not None else entries_per_cadre * len(cadre_ids)
    counts = _entry_counts(rng, len(cadre_ids), total)
    for rows in _entry_batches(rng, cadre_ids, counts, first_year, year, source_id):
        with transaction.atomic():
            _write_entries(rows)
        built.entries += len(rows)
    _analyze()
    built.seconds = time.perf_counter() - started
    return built


def _sections(count: int) -> list[int]:
    names = [f"{SECTION_PREFIX}{n:03d}" for n in range(1, count + 1)]
    Section.objects.bulk_create(
        [Section(name=name, sort_order=1000 + n) for n, name in enumerate(names)], ignore_conflicts=True
    )
    return list(Section.objects.filter(name__in=names).order_by("sort_order").values_list("pk", flat=True))


def _name(rng: random.Random, gender: str) -> str:
    pool = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
    given = rng.choice(pool)
    if rng.random() < 0.7:
        given = rng.choice(GIVEN_EITHER + pool) + given
    return rng.choice(SURNAMES) + given


def _cadre_batches(
    rng: random.Random, count: int, offset: int, section_ids: list[int], taken: set[str]
) -> Iterator[list[Cadre]]:
    initials: dict[str, str] = {}
    units = dict(Section.objects.filter(pk__in=section_ids).values_list("pk", "unit_id"))
    batch: list[Cadre] = []
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
        batch.append(
            Cadre(
                name=name,
                name_initials=initials[name],
                gender=gender,
                birth_date=birth,
                id_number=number,
                section_id=section_ids[made % len(section_ids)],
                unit_id=units[section_ids[made % len(section_ids)]],
                rank=rng.choice(_COUNTY_RANKS if county else _OTHER_RANKS),
                leadership_level=(
                    (LeadershipLevel.DEPUTY_DIVISION_CHIEF if county else LeadershipLevel.SECTION_CHIEF)
                    if leader
                    else ""
                ),
                political_status=PoliticalStatus.CPC_MEMBER if rng.random() < 0.7 else PoliticalStatus.MASSES,
                hire_date=birth + dt.timedelta(days=365 * 23),
                status=Status.ACTIVE,
            )
        )
        made += 1
        if len(batch) >= CADRE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


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
    rng: random.Random, cadre_ids: list[int], counts: Iterator[int], first_year: int, year: int, source_id: int
) -> Iterator[list[tuple]]:
    """Rows of ENTRY_BATCH or so, spread over the years first_year..year, in column order _COLUMNS."""
    start = dt.date(first_year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    kinds = [k for k in _KINDS for _ in range(k[1])]
    statuses = [s for s, weight in _STATUSES for _ in range(weight)]
    hours_cache: dict[str, Decimal] = {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    dates = [connection.ops.adapt_datefield_value(start + dt.timedelta(days=d)) for d in range(days)]
    titles = {bucket: f"{Bucket(bucket).label}（基准）" for bucket, *_ in _KINDS}
    rows: list[tuple] = []
    for cadre_id, count in zip(cadre_ids, counts, strict=False):
        for _n in range(count):
            bucket, _weight, source, choices = rng.choice(kinds)
            text = rng.choice(choices)
            hours = hours_cache.get(text) or hours_cache.setdefault(text, Decimal(text))
            this_id = None
            if source != Source.SELF_REPORT:
                this_id, source_id = source_id, source_id + 1
            status = rng.choice(statuses)
            rows.append(
                (
                    cadre_id,
                    dates[rng.randrange(days)],
                    hours,
                    bucket,
                    source,
                    this_id,
                    titles[bucket],
                    "",
                    "",
                    "",
                    status,
                    "不符合要求" if status == EntryStatus.REJECTED else "",
                    now,
                )
            )
        if len(rows) >= ENTRY_BATCH:
            yield rows
            rows = []
    if rows:
        yield rows


def _write_entries(rows: list[tuple]) -> None:
    table = LedgerEntry._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(_COLUMNS))
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
        parser.add_argument("--year", type=int, default=None, help="the year judged (default: this year)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--force", action="store_true", help="run even though the database has real cadres")

    def handle(self, *args, cadres: int, entries_per_cadre: int, sections: int, year, seed: int, force: bool, **opts):
        if cadres < 1 or entries_per_cadre < 0 or sections < 1:
            raise CommandError(_("--cadres and --sections must be at least 1, --entries-per-cadre at least 0."))
        if has_real_data() and not force:
            raise CommandError(
                _("This database holds real cadres; bench_data only adds to an empty or benchmark database (--force).")
            )
        built = build_city(cadres=cadres, entries_per_cadre=entries_per_cadre, sections=sections, year=year, seed=seed)
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
