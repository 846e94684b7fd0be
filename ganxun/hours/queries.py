"""Compliance: what each cadre has done against the year's requirements, from the ledger and the rule tables.

Nothing here is stored or typed in.  For a year Y the rule book holds the requirements that cover Y and
the yearly caps of every year they reach back to.  One aggregate query sums the confirmed 学时 per
cadre, category and year (grouped by cadre, one ``SUM … FILTER`` column per category and year, in whole
cents); Python then caps each year's sum (surplus beyond a cap does not count) and adds up, per
requirement, its categories over its period up to Y.  A constant number of queries for any number of
cadres: ``benchmarks/compliance.py`` holds it against hand-written SQL for 50,000 cadres.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from operator import itemgetter

from django.db import connections
from django.db.models import BigIntegerField, DecimalField, Q, QuerySet, Sum, TextChoices, Value
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.roster.models import COUNTY_DIVISION_LEADERSHIP, COUNTY_DIVISION_RANKS, Cadre, Tier

from .models import Bucket, BucketCap, EntryStatus, LedgerEntry, Requirement, Source
from .services.self_reports import without_section_reviewer

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")
BUCKETS: tuple[str, ...] = tuple(Bucket.values)


class Standing(TextChoices):
    """Where a cadre stands against one requirement (and, the worst of them, overall)."""

    MET = "met", pgettext_lazy("standing", "Met")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind schedule")
    NOT_MET = "not_met", _("Not met")
    NONE = "none", _("No requirement")


# Worst first: a cadre stands where their weakest requirement stands.
_SEVERITY = {Standing.NOT_MET: 0, Standing.BEHIND: 1, Standing.ON_TRACK: 2, Standing.MET: 3, Standing.NONE: 4}
GOOD_STANDINGS = frozenset({Standing.MET, Standing.ON_TRACK, Standing.NONE})


def tier_of(rank: str, leadership_level: str) -> str:
    """Cadre.tier from the two fields, for rows read with values_list."""
    if rank in COUNTY_DIVISION_RANKS or leadership_level in COUNTY_DIVISION_LEADERSHIP:
        return Tier.COUNTY_DIVISION
    return Tier.TOWNSHIP_SECTION


@dataclasses.dataclass(frozen=True)
class RuleBook:
    """The rules that judge year ``year``: requirements covering it, caps of every year they reach back to."""

    year: int
    requirements: tuple[Requirement, ...]
    caps: Mapping[tuple[int, str], Decimal]  # (year, bucket) -> cap

    @property
    def first_year(self) -> int:
        return min((r.start_year for r in self.requirements), default=self.year)

    def for_tier(self, tier: str) -> list[Requirement]:
        return [r for r in self.requirements if not r.tier or r.tier == tier]


def rulebooks(years: Iterable[int]) -> dict[int, RuleBook]:
    """The rule books of several years from two small queries (the archive judges every year it shows)."""
    wanted = sorted(set(years))
    if not wanted:
        return {}
    requirements = list(
        Requirement.objects.filter(start_year__lte=wanted[-1], end_year__gte=wanted[0]).order_by(
            "start_year", "tier", "name", "pk"
        )
    )
    lowest = min([r.start_year for r in requirements] + wanted)
    caps = list(BucketCap.objects.filter(year__gte=lowest, year__lte=wanted[-1]))
    books = {}
    for year in wanted:
        covering = tuple(r for r in requirements if r.start_year <= year <= r.end_year)
        first = min((r.start_year for r in covering), default=year)
        books[year] = RuleBook(
            year=year,
            requirements=covering,
            caps={(c.year, c.bucket): c.cap for c in caps if first <= c.year <= year},
        )
    return books


def rulebook(year: int) -> RuleBook:
    """The year's rule book (two small queries)."""
    return rulebooks([year])[year]


def elapsed_share(requirement: Requirement, year: int, as_of: dt.date) -> Decimal:
    """How much of the requirement's period has passed when judging year ``year`` on ``as_of``.

    Judged at the end of ``year`` (or on ``as_of`` when that comes first), whole years of the period
    count fully and the current one by its days: by the end of the 3rd year of a 5-year cycle, 3/5.
    """
    point = min(as_of, dt.date(year, 12, 31))
    length = requirement.end_year - requirement.start_year + 1
    if point.year < requirement.start_year:
        return ZERO
    if point.year > requirement.end_year:
        return Decimal(1)
    days_in_year = (dt.date(point.year + 1, 1, 1) - dt.date(point.year, 1, 1)).days
    day_share = Decimal(point.timetuple().tm_yday) / Decimal(days_in_year)
    return (Decimal(point.year - requirement.start_year) + day_share) / Decimal(length)


def to_cents(hours: Decimal) -> int:
    return int((hours * HUNDRED).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


@dataclasses.dataclass(slots=True)
class RequirementResult:
    """One requirement for one cadre: what was required, what is done, what should be done by now.

    Figures are kept in whole cents of a 学时 (a city's worth of results is built at once) and read
    as Decimal.
    """

    requirement: Requirement
    done_cents: int
    expected_cents: int
    standing: str

    @property
    def required(self) -> Decimal:
        return self.requirement.hours

    @property
    def done(self) -> Decimal:
        return from_cents(self.done_cents)

    @property
    def expected(self) -> Decimal:
        return from_cents(self.expected_cents)

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.done, ZERO)

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return int(min(self.done * HUNDRED / self.required, HUNDRED))

    @property
    def expected_percent(self) -> int:
        if not self.required:
            return 100
        return int(min(self.expected * HUNDRED / self.required, HUNDRED))

    def get_standing_display(self) -> str:
        return str(Standing(self.standing).label)


@dataclasses.dataclass(slots=True)
class CadreCompliance:
    """One cadre's year: capped 学时 per category in the year and the result of each requirement."""

    cadre_id: int
    name: str
    section_id: int
    section_name: str
    tier: str
    bucket_cents: tuple[int, ...]  # in the order of BUCKETS
    results: list[RequirementResult]
    standing: str

    @property
    def buckets(self) -> dict[str, Decimal]:
        return {bucket: from_cents(cents) for bucket, cents in zip(BUCKETS, self.bucket_cents, strict=True)}

    @property
    def total(self) -> Decimal:
        return from_cents(sum(self.bucket_cents))

    @property
    def in_good_standing(self) -> bool:
        return self.standing in GOOD_STANDINGS

    def get_standing_display(self) -> str:
        return str(Standing(self.standing).label)

    def get_tier_display(self) -> str:
        return str(Tier(self.tier).label)

    def result_for(self, requirement: Requirement) -> RequirementResult | None:
        for result in self.results:
            if result.requirement.pk == requirement.pk:
                return result
        return None

    def bucket_list(self) -> list[tuple[str, str, Decimal]]:
        """(value, label, 学时) in the categories' order, for templates."""
        return [
            (bucket, str(Bucket(bucket).label), from_cents(cents))
            for bucket, cents in zip(BUCKETS, self.bucket_cents, strict=True)
        ]


def picker(places: list[int]) -> Callable[[list[int]], tuple[int, ...]]:
    """A function taking the values at ``places`` out of a list, always as a tuple (itemgetter is fast)."""
    if len(places) == 1:
        only = places[0]
        return lambda values: (values[only],)
    if not places:
        return lambda values: ()
    return itemgetter(*places)


class Judge:
    """Judges cadres against one rule book on one day; the per-requirement work is done once, up front.

    A cadre's hours come as one vector of whole cents, one place per (category, year) in ``keys``:
    the categories of the judged year (to show them) and those earlier years a requirement counts.
    Each place is capped, then the places of each requirement are added: a handful of integer
    operations per cadre, however many cadres.
    """

    def __init__(self, book: RuleBook, as_of: dt.date) -> None:
        self.book = book
        wanted = {(bucket, book.year) for bucket in BUCKETS}
        for requirement in book.requirements:
            for bucket in requirement.buckets or BUCKETS:
                wanted.update((bucket, year) for year in range(requirement.start_year, book.year + 1))
        self.keys: list[tuple[str, int]] = sorted(wanted, key=lambda key: (key[1], BUCKETS.index(key[0])))
        place = {key: position for position, key in enumerate(self.keys)}
        self.caps = [(place[(b, y)], to_cents(cap)) for (y, b), cap in book.caps.items() if (b, y) in place]
        self.in_year = picker([place[(bucket, book.year)] for bucket in BUCKETS])
        self.plans: dict[str, list[tuple[Requirement, int, int, bool, Callable[[list[int]], tuple[int, ...]]]]] = {}
        for tier in Tier.values:
            plans = []
            for requirement in book.for_tier(tier):
                share = elapsed_share(requirement, book.year, as_of)
                expected = to_cents((requirement.hours * share).quantize(CENTS))
                places = [
                    place[(bucket, year)]
                    for bucket in requirement.buckets or BUCKETS
                    for year in range(requirement.start_year, book.year + 1)
                ]
                plans.append((requirement, to_cents(requirement.hours), expected, share >= 1, picker(places)))
            self.plans[tier] = plans

    def __call__(self, tier: str, cents: list[int]) -> tuple[tuple[int, ...], list[RequirementResult], str]:
        """(capped cents per category in the year, one result per requirement, overall standing).

        The hot loop of a city-wide report: kept to plain comparisons and additions.
        """
        for position, cap in self.caps:
            if cents[position] > cap:
                cents[position] = cap
        results = []
        worst = Standing.NONE
        for requirement, required, expected, over, take in self.plans[tier]:
            done = sum(take(cents))
            # 达标 when done reaches the hours; otherwise judged against what the time passed asks for.
            if done >= required:
                standing = Standing.MET
            elif over:
                standing = Standing.NOT_MET
            elif done >= expected:
                standing = Standing.ON_TRACK
            else:
                standing = Standing.BEHIND
            if _SEVERITY[standing] < _SEVERITY[worst]:
                worst = standing
            results.append(RequirementResult(requirement, done, expected, standing))
        return self.in_year(cents), results, worst

    def from_sums(
        self, tier: str, sums: Mapping[tuple[str, int], Decimal]
    ) -> tuple[tuple[int, ...], list[RequirementResult], str]:
        """The same judgement from a mapping of (category, year) to uncapped 学时."""
        return self(tier, [to_cents(sums.get(key, ZERO)) for key in self.keys])


def evaluate(
    book: RuleBook, tier: str, sums: Mapping[tuple[str, int], Decimal], as_of: dt.date
) -> tuple[tuple[int, ...], list[RequirementResult], str]:
    """Judge one cadre from their confirmed 学时 per (category, year) (uncapped; caps applied here)."""
    return Judge(book, as_of).from_sums(tier, sums)


# A filter value on the compliance pages: the cadres not on track, behind schedule or past a deadline unmet.
OFF_TRACK = "off_track"
OFF_TRACK_STANDINGS = frozenset({Standing.BEHIND, Standing.NOT_MET})
# The order standings are counted and shown in: done first, then on the way, then the two kinds of trouble.
STANDING_ORDER: tuple[str, ...] = (
    Standing.MET,
    Standing.ON_TRACK,
    Standing.BEHIND,
    Standing.NOT_MET,
    Standing.NONE,
)


def standing_matches(wanted: str, standing: str) -> bool:
    """Whether a cadre's overall standing passes the standing filter (empty: every standing)."""
    if not wanted:
        return True
    if wanted == OFF_TRACK:
        return standing in OFF_TRACK_STANDINGS
    return standing == wanted


@dataclasses.dataclass(frozen=True)
class StandingShare:
    """One standing of a summary, for templates: how many, and their share of the cadres counted."""

    standing: str
    label: str
    count: int
    percent: int


@dataclasses.dataclass
class SectionSummary:
    """How many cadres of a 科室 (or of the whole selection) stand where; 达标 counts only those who are."""

    section_id: int
    name: str
    counts: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(STANDING_ORDER, 0))

    @property
    def cadres(self) -> int:
        return sum(self.counts.values())

    @property
    def met(self) -> int:
        return self.counts[Standing.MET]

    @property
    def on_track(self) -> int:
        return self.counts[Standing.ON_TRACK]

    @property
    def behind(self) -> int:
        return self.counts[Standing.BEHIND]

    @property
    def not_met(self) -> int:
        return self.counts[Standing.NOT_MET]

    @property
    def no_requirement(self) -> int:
        return self.counts[Standing.NONE]

    @property
    def off_track(self) -> int:
        return self.behind + self.not_met

    @property
    def in_good_standing(self) -> int:
        """Met, on track or without a requirement: everyone not off track."""
        return self.cadres - self.off_track

    def percent(self, count: int) -> int:
        """A share of the cadres counted, in whole percent rounded down (99.6 % is not 100 %)."""
        return count * 100 // self.cadres if self.cadres else 0

    @property
    def rate(self) -> int:
        """达标率: the share that has met every requirement; on track is not 达标."""
        return self.percent(self.met)

    def shares(self) -> list[StandingShare]:
        """Every standing in STANDING_ORDER with its count and share."""
        return [
            StandingShare(standing, str(Standing(standing).label), self.counts[standing], self.percent(count))
            for standing, count in ((s, self.counts[s]) for s in STANDING_ORDER)
        ]


@dataclasses.dataclass
class ComplianceReport:
    """Every cadre of a set, judged for one year."""

    year: int
    as_of: dt.date
    book: RuleBook
    rows: list[CadreCompliance]

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return self.book.requirements

    def only(self, standing: str) -> ComplianceReport:
        """The same report narrowed to the cadres whose overall standing passes the filter."""
        if not standing:
            return self
        return dataclasses.replace(self, rows=[row for row in self.rows if standing_matches(standing, row.standing)])

    def sections(self) -> list[SectionSummary]:
        """Per 科室, in the rows' order: how many cadres stand where."""
        summaries: dict[int, SectionSummary] = {}
        for row in self.rows:
            summary = summaries.get(row.section_id)
            if summary is None:
                summary = summaries[row.section_id] = SectionSummary(row.section_id, row.section_name)
            summary.counts[row.standing] += 1
        return list(summaries.values())

    def totals(self) -> SectionSummary:
        summary = SectionSummary(0, "")
        for row in self.rows:
            summary.counts[row.standing] += 1
        return summary

    def behind(self) -> list[CadreCompliance]:
        """The cadres not on track: behind schedule or past a deadline unmet."""
        return [row for row in self.rows if row.standing in OFF_TRACK_STANDINGS]


def hour_sums(cadres: QuerySet[Cadre] | None, keys: list[tuple[str, int]]) -> dict[int, list[int]]:
    """{cadre id: [confirmed 学时 in cents for each (category, year) of ``keys``]}, in one GROUP BY query.

    The grouping by category and year is pivoted into columns (``SUM … FILTER``), so that the query
    returns one row per cadre.  The ORM writes the query; it is read through the cursor because for a
    whole city per-value converters would cost more than the query.  The database rounds the sums to
    whole cents, so the rows hold plain integers.
    """
    if not keys:
        return {}
    first_year, last_year = min(y for _b, y in keys), max(y for _b, y in keys)
    entries = LedgerEntry.objects.filter(
        status=EntryStatus.CONFIRMED, date__gte=dt.date(first_year, 1, 1), date__lt=dt.date(last_year + 1, 1, 1)
    )
    if cadres is not None:
        entries = entries.filter(cadre__in=cadres.values("pk"))
    columns = {
        f"h{position}": Cast(
            Coalesce(
                Round(
                    Sum(
                        "hours",
                        filter=Q(bucket=bucket, date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1)),
                    )
                    * 100
                ),
                Value(0),
                output_field=DecimalField(),
            ),
            BigIntegerField(),
        )
        for position, (bucket, year) in enumerate(keys)
    }
    rows = entries.values("cadre_id").annotate(**columns).order_by().values_list("cadre_id", *columns)
    sql, params = rows.query.sql_with_params()
    sums: dict[int, list[int]] = {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(10_000):
            for row in chunk:
                sums[row[0]] = list(row[1:])
    return sums


def compliance(*, year: int, cadres: QuerySet[Cadre], as_of: dt.date | None = None) -> ComplianceReport:
    """Judge every cadre of ``cadres`` (already scoped by visibility and filters) for ``year``.

    A constant number of queries whatever the number of cadres: the rule book (2), the cadres (1) and
    the ledger's GROUP BY (1).
    """
    as_of = as_of or timezone.localdate()
    book = rulebook(year)
    people = cadres.order_by("section__sort_order", "section__name", "section_id", "name", "pk").values_list(
        "pk", "name", "section_id", "section__name", "rank", "leadership_level"
    )
    judge = Judge(book, as_of)
    sums = hour_sums(cadres, judge.keys)
    nothing = [0] * len(judge.keys)
    rows = []
    for pk, name, section_id, section_name, rank, leadership in people:
        tier = tier_of(rank, leadership)
        in_year, results, standing = judge(tier, sums.get(pk) or nothing.copy())
        rows.append(CadreCompliance(pk, name, section_id, section_name, tier, in_year, results, standing))
    return ComplianceReport(year=year, as_of=as_of, book=book, rows=rows)


def cadre_compliance(
    cadre: Cadre, entries: Iterable[LedgerEntry], year: int, as_of: dt.date | None = None, book: RuleBook | None = None
) -> CadreCompliance:
    """One cadre judged from entries already loaded (the archive and 我的学习 list them anyway)."""
    as_of = as_of or timezone.localdate()
    book = book or rulebook(year)
    sums: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        if entry.status == EntryStatus.CONFIRMED and book.first_year <= entry.date.year <= year:
            sums[(entry.bucket, entry.date.year)] += entry.hours
    in_year, results, standing = evaluate(book, cadre.tier, sums, as_of)
    return CadreCompliance(
        cadre.pk, cadre.name, cadre.section_id, cadre.section.name, cadre.tier, in_year, results, standing
    )


# --- Self-report review queues ---------------------------------------------------------------


def self_reports() -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(source=Source.SELF_REPORT).select_related("cadre", "cadre__section")


def _section_waiting(user) -> Q:
    """Reports waiting for this section head's first review: pending, of their 科室, not their own."""
    return Q(status=EntryStatus.PENDING, cadre__section_id=user.section_id_scope) & ~Q(cadre_id=user.cadre_id)


def _decision_waiting(user) -> Q:
    """Reports waiting for an administrator: approved by the 科室, or pending where no one can review first."""
    waiting = Q(status=EntryStatus.SECTION_APPROVED) | (Q(status=EntryStatus.PENDING) & without_section_reviewer())
    if user.cadre_id is not None:
        waiting &= ~Q(cadre_id=user.cadre_id)
    return waiting


def _reviews_section(user) -> bool:
    return user.is_authenticated and user.is_section_head and user.section_id_scope is not None


def section_review_queue(user) -> QuerySet[LedgerEntry]:
    """Pending reports of the section head's 科室, except their own."""
    if not _reviews_section(user):
        return LedgerEntry.objects.none()
    return self_reports().filter(_section_waiting(user)).order_by("created_at", "pk")


def decision_queue(user) -> QuerySet[LedgerEntry]:
    """For administrators: approved by the 科室, or pending where the 科室 has no one to review first."""
    if not (user.is_authenticated and user.is_admin):
        return LedgerEntry.objects.none()
    visible = LedgerEntry.objects.visible_to(user).values("pk")
    return self_reports().filter(_decision_waiting(user), pk__in=visible).order_by("created_at", "pk")


WAITING = "waiting"  # the queue's default: what waits for this reviewer


def review_queue(user, filters: Mapping[str, object]) -> QuerySet[LedgerEntry]:
    """The 学时审核 list: what waits for the user (or, by ``status``, any self-report they may see), filtered.

    ``filters`` are a filter form's cleaned values: q (name), section, bucket, status, date_from, date_to.  Every
    row says whether the user can act on it now (``actionable``), for the batch checkboxes; a constant number
    of queries whatever the number of rows.
    """
    if user.is_authenticated and user.is_admin:
        waiting = _decision_waiting(user)
    elif _reviews_section(user):
        waiting = _section_waiting(user)
    else:
        return LedgerEntry.objects.none()
    status = filters.get("status") or WAITING
    reports = self_reports().filter(pk__in=LedgerEntry.objects.visible_to(user).values("pk"))
    reports = reports.filter(waiting) if status == WAITING else reports.filter(status=status)
    if text := str(filters.get("q") or "").strip():
        reports = reports.filter(Q(cadre__name__icontains=text) | Q(title__icontains=text))
    if section := filters.get("section"):
        reports = reports.filter(cadre__section_id=section)
    if bucket := filters.get("bucket"):
        reports = reports.filter(bucket=bucket)
    if date_from := filters.get("date_from"):
        reports = reports.filter(date__gte=date_from)
    if date_to := filters.get("date_to"):
        reports = reports.filter(date__lte=date_to)
    from django.db.models import BooleanField, ExpressionWrapper

    actionable = ExpressionWrapper(waiting, output_field=BooleanField())
    return reports.annotate(actionable=actionable).order_by("created_at", "pk")


@dataclasses.dataclass(frozen=True)
class CapStanding:
    """A cadre's confirmed 学时 of one category in one year against the year's cap, and after this report."""

    year: int
    bucket: str
    confirmed: Decimal
    cap: Decimal | None
    after: Decimal

    @property
    def over_cap(self) -> Decimal:
        """学时 beyond the cap once approved: they would not count."""
        if self.cap is None:
            return ZERO
        return max(self.after - max(self.cap, self.confirmed), ZERO)

    @property
    def counted_after(self) -> Decimal:
        return self.after if self.cap is None else min(self.after, self.cap)

    def get_bucket_display(self) -> str:
        return str(Bucket(self.bucket).label)


def cap_standing(entry: LedgerEntry) -> CapStanding:
    """Where the report's cadre stands in its category this year: confirmed so far, the cap, and if approved."""
    year = entry.date.year
    confirmed = (
        LedgerEntry.objects.confirmed()
        .in_year(year)
        .filter(cadre_id=entry.cadre_id, bucket=entry.bucket)
        .exclude(pk=entry.pk)
        .aggregate(total=Sum("hours"))["total"]
        or ZERO
    )
    cap = BucketCap.objects.filter(year=year, bucket=entry.bucket).values_list("cap", flat=True).first()
    return CapStanding(year=year, bucket=entry.bucket, confirmed=confirmed, cap=cap, after=confirmed + entry.hours)
