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
import types
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.core.collector import paused_collection
from ganxun.roster.models import (
    COUNTY_DIVISION_LEADERSHIP,
    COUNTY_DIVISION_RANKS,
    Cadre,
    CadrePeriod,
    Status,
    Tier,
)
from ganxun.roster.models import Unit as OrgUnit

from .models import (
    MAX_CYCLE_YEARS,
    MAX_MAKEUP_YEARS,
    Bucket,
    BucketCap,
    ConversionRule,
    EntryStatus,
    HistoryRule,
    HourTotal,
    JoinPolicy,
    LeavePolicy,
    LedgerEntry,
    Requirement,
    Source,
)
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
# The standings as module constants: the judging loop of a city reads them a million times.
_MET, _ON_TRACK, _BEHIND, _NOT_MET, _NONE = (
    Standing.MET,
    Standing.ON_TRACK,
    Standing.BEHIND,
    Standing.NOT_MET,
    Standing.NONE,
)
GOOD_STANDINGS = frozenset({Standing.MET, Standing.ON_TRACK, Standing.NONE})


def tier_of(rank: str, leadership_level: str) -> str:
    """Cadre.tier from the two fields, for rows read with values_list."""
    if rank in COUNTY_DIVISION_RANKS or leadership_level in COUNTY_DIVISION_LEADERSHIP:
        return Tier.COUNTY_DIVISION
    return Tier.TOWNSHIP_SECTION


@dataclasses.dataclass(frozen=True)
class HistoryPolicy:
    """A year's HistoryRule as the judge reads it; without a row anywhere up the path, these defaults."""

    join_policy: str = JoinPolicy.PRORATE
    leave_policy: str = LeavePolicy.PRORATE
    promotion_makeup_years: int = 1


DEFAULT_HISTORY = HistoryPolicy()

# The rule tables, as named in ``RuleBook.sources`` and on the rules page.
REQUIREMENTS, CAPS, HISTORY, CONVERSIONS = "requirements", "caps", "history", "conversions"


@dataclasses.dataclass(frozen=True)
class RuleBook:
    """The rules that judge year ``year`` for one 单位 (or the system default).

    Requirements covering the year, the caps of every year they reach back to, the history rule, and the cycle
    requirements that ended within the make-up window (they apply only to a cadre promoted during them).
    ``sources`` says, per table, which unit's rows apply (None: the system-wide default).
    """

    year: int
    requirements: tuple[Requirement, ...]
    caps: Mapping[tuple[int, str], Decimal]  # (year, bucket) -> cap
    history: HistoryPolicy = DEFAULT_HISTORY
    makeup: tuple[Requirement, ...] = ()
    unit_id: int | None = None
    sources: Mapping[str, int | None] = dataclasses.field(default_factory=dict)
    # (year, bucket) -> cap of the caps whose surplus carries over into the next year, from the year before the
    # first one the requirements reach back to (its surplus counts in that first year).
    carries: Mapping[tuple[int, str], Decimal] = dataclasses.field(default_factory=dict)

    @property
    def first_year(self) -> int:
        return min((r.start_year for r in self.requirements + self.makeup), default=self.year)

    def for_tier(self, tier: str) -> list[Requirement]:
        return [r for r in self.requirements if not r.tier or r.tier == tier]


class RuleTables:
    """Every rule row of the system default and of the given units, for a span of years: two queries.

    The rules that apply to a 单位 for a year and table are those of the nearest unit up its path (itself
    first) that has rows for that year and table, else the default's (rows without a unit).  ``book(year,
    path)`` resolves that in Python, so a report over many units still reads the rules once.
    """

    def __init__(self, years: Iterable[int], unit_ids: Iterable[int] = ()) -> None:
        wanted = sorted(set(years))
        self.unit_ids = sorted(set(unit_ids))
        owners = Q(org_unit__isnull=True) | Q(org_unit__in=self.unit_ids) if self.unit_ids else Q(org_unit__isnull=True)
        low, high = (wanted[0], wanted[-1]) if wanted else (0, -1)
        self.requirements: list[Requirement] = (
            list(
                Requirement.objects.filter(owners, start_year__lte=high, end_year__gte=low - MAX_MAKEUP_YEARS).order_by(
                    "start_year", "tier", "name", "pk"
                )
            )
            if wanted
            else []
        )
        lowest = min([r.start_year for r in self.requirements] + [low])
        self.caps: list[tuple[int | None, int, str, Decimal, bool]] = []  # owner, year, bucket, cap, carry_over
        self.history: dict[tuple[int | None, int], HistoryPolicy] = {}
        if wanted:
            # Caps and history rules in one UNION ALL: the same columns, cast alike, so one round trip.
            figure = DecimalField(max_digits=7, decimal_places=2)
            caps = (
                # From the year before the first: its surplus may carry over into the first (BucketCap.carry_over).
                BucketCap.objects.filter(owners, year__gte=lowest - 1, year__lte=high)
                .annotate(
                    rule_kind=Value(CAPS, output_field=CharField()),
                    text_a=Cast("bucket", CharField()),
                    text_b=Case(
                        When(carry_over=True, then=Value("carry")), default=Value(""), output_field=CharField()
                    ),
                    figure=Cast("cap", figure),
                )
                .values_list("rule_kind", "org_unit_id", "year", "text_a", "text_b", "figure")
                .order_by()
            )
            history = (
                HistoryRule.objects.filter(owners, year__gte=low, year__lte=high)
                .annotate(
                    rule_kind=Value(HISTORY, output_field=CharField()),
                    text_a=Cast("join_policy", CharField()),
                    text_b=Cast("leave_policy", CharField()),
                    figure=Cast(F("promotion_makeup_years"), figure),
                )
                .values_list("rule_kind", "org_unit_id", "year", "text_a", "text_b", "figure")
                .order_by()
            )
            for kind, owner, year, text_a, text_b, value in caps.union(history, all=True).order_by():
                if kind == CAPS:
                    self.caps.append((owner, year, text_a, Decimal(value), text_b == "carry"))
                else:
                    self.history[(owner, year)] = HistoryPolicy(text_a, text_b, int(value))
        self._requirement_years = {
            (r.org_unit_id, year) for r in self.requirements for year in range(r.start_year, r.end_year + 1)
        }
        self._cap_years = {(owner, year) for owner, year, _b, _c, _carry in self.caps}
        self._books: dict[tuple[int, tuple[int, ...]], RuleBook] = {}

    @staticmethod
    def _nearest(path: Sequence[int], has: Callable[[int | None], bool]) -> int | None:
        for unit_id in reversed(path):
            if has(unit_id):
                return unit_id
        return None

    def source(self, table: str, year: int, path: Sequence[int]) -> int | None:
        """The unit whose rows of ``table`` apply for ``year`` to the unit at the end of ``path`` (None: default)."""
        if table == REQUIREMENTS:
            return self._nearest(path, lambda unit: (unit, year) in self._requirement_years)
        if table == CAPS:
            return self._nearest(path, lambda unit: (unit, year) in self._cap_years)
        if table == HISTORY:
            return self._nearest(path, lambda unit: (unit, year) in self.history)
        raise ValueError(table)

    def book(self, year: int, path: Sequence[int] = ()) -> RuleBook:
        key = (year, tuple(path))
        if (found := self._books.get(key)) is not None:
            return found
        source = self.source(REQUIREMENTS, year, path)
        covering = tuple(r for r in self.requirements if r.org_unit_id == source and r.start_year <= year <= r.end_year)
        history_source = self.source(HISTORY, year, path)
        history = self.history.get((history_source, year), DEFAULT_HISTORY)
        makeup: list[Requirement] = []
        for back in range(1, history.promotion_makeup_years + 1):
            ended = year - back
            owner = self.source(REQUIREMENTS, ended, path)
            makeup += [r for r in self.requirements if r.org_unit_id == owner and r.is_cycle and r.end_year == ended]
        first = min((r.start_year for r in covering + tuple(makeup)), default=year)
        caps: dict[tuple[int, str], Decimal] = {}
        carries: dict[tuple[int, str], Decimal] = {}
        for cap_year in range(first - 1, year + 1):
            owner = self.source(CAPS, cap_year, path)
            for o, y, b, c, carry in self.caps:
                if o == owner and y == cap_year:
                    if cap_year >= first:
                        caps[(y, b)] = c
                    if carry and cap_year < year:
                        carries[(y, b)] = c
        book = RuleBook(
            year=year,
            requirements=covering,
            caps=caps,
            history=history,
            makeup=tuple(makeup),
            unit_id=path[-1] if path else None,
            sources={REQUIREMENTS: source, CAPS: self.source(CAPS, year, path), HISTORY: history_source},
            carries=carries,
        )
        self._books[key] = book
        return book


def rulebooks(years: Iterable[int], unit: OrgUnit | None = None) -> dict[int, RuleBook]:
    """The rule books of several years for one 单位 (None: the system default), from two small queries."""
    wanted = sorted(set(years))
    if not wanted:
        return {}
    path = unit.ancestor_ids() if unit is not None else []
    tables = RuleTables(wanted, path)
    return {year: tables.book(year, path) for year in wanted}


def rule_sources(year: int, unit: OrgUnit | None) -> dict[str, int | None]:
    """Per table (CONVERSIONS, REQUIREMENTS, CAPS, HISTORY), the unit whose rows apply to ``unit`` for ``year``
    (itself, an ancestor, or None: the system default): what the rules page says and edits."""
    path = unit.ancestor_ids() if unit is not None else []
    tables = RuleTables([year], path)
    sources = {table: tables.source(table, year, path) for table in (REQUIREMENTS, CAPS, HISTORY)}
    owners = set(
        ConversionRule.objects.filter(year=year, org_unit__in=path).values_list("org_unit_id", flat=True).distinct()
    )
    sources[CONVERSIONS] = RuleTables._nearest(path, lambda owner: owner in owners)
    return sources


def rulebook(year: int, unit: OrgUnit | None = None) -> RuleBook:
    """The year's rule book for a 单位 (two small queries)."""
    return rulebooks([year], unit)[year]


def elapsed_share(requirement: Requirement, year: int, as_of: dt.date, extra_years: int = 0) -> Decimal:
    """How much of the requirement's period has passed when judging year ``year`` on ``as_of``.

    Judged at the end of ``year`` (or on ``as_of`` when that comes first), whole years of the period
    count fully and the current one by its days: by the end of the 3rd year of a 5-year cycle, 3/5.
    ``extra_years`` lengthens the period (the make-up window of a cadre promoted during a cycle).
    """
    point = min(as_of, dt.date(year, 12, 31))
    end_year = requirement.end_year + extra_years
    length = end_year - requirement.start_year + 1
    if point.year < requirement.start_year:
        return ZERO
    if point.year > end_year:
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
    # What this cadre must reach: the requirement's hours, or less when pro-rated by months in service.
    required_cents: int | None = None

    @property
    def required(self) -> Decimal:
        if self.required_cents is None:
            return self.requirement.hours
        return from_cents(self.required_cents)

    @property
    def prorated(self) -> bool:
        return self.required_cents is not None and self.required_cents != to_cents(self.requirement.hours)

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
    # Where the record stood for the year (docs/compliance-history.md): the unit listed under, the status at the
    # year's end or on leaving (with the leaving date: the first day out), the first day in service when the
    # cadre joined during the year, the full months in service the yearly requirements were pro-rated by (12:
    # not pro-rated), and whether the cadre is listed apart (left during the year; not judged).
    unit_id: int | None = None
    status: str = Status.ACTIVE
    left_on: dt.date | None = None
    joined_on: dt.date | None = None
    months: int = 12
    apart: bool = False

    @property
    def buckets(self) -> dict[str, Decimal]:
        return {bucket: from_cents(cents) for bucket, cents in zip(BUCKETS, self.bucket_cents, strict=True)}

    @property
    def total(self) -> Decimal:
        return from_cents(sum(self.bucket_cents))

    @property
    def in_good_standing(self) -> bool:
        return self.standing in GOOD_STANDINGS

    @property
    def meets_the_year(self) -> bool:
        """达标 for the year, as the 组织部 tables, the charts and the year-end report count it: every yearly
        requirement met, and no cycle requirement behind schedule or ended unmet (a five-year cycle on track does not
        hold the year back).  A cadre without a requirement does not meet one."""
        if not self.results:
            return False
        for result in self.results:
            if result.requirement.is_cycle:
                if result.standing in (Standing.BEHIND, Standing.NOT_MET):
                    return False
            elif result.standing != Standing.MET:
                return False
        return True

    def get_standing_display(self) -> str:
        return str(Standing(self.standing).label)

    def get_tier_display(self) -> str:
        return str(Tier(self.tier).label)

    def get_status_display(self) -> str:
        return str(Status(self.status).label)

    @property
    def status_text(self) -> str:
        """在职, or the status with the date it took effect: "退休 2025-06-15"."""
        if self.left_on is None:
            return self.get_status_display()
        return f"{self.get_status_display()} {self.left_on:%Y-%m-%d}"

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


Plan = list[tuple[Requirement, int, int, bool, Callable[[list[int]], tuple[int, ...]]]]


class Judge:
    """Judges cadres against one rule book on one day; the per-requirement work is done once, up front.

    A cadre's hours come as one vector of whole cents, one place per (category, year) in ``keys``:
    the categories of the judged year (to show them) and those earlier years a requirement counts.
    Each place is capped, then the places of each requirement are added: a handful of integer
    operations per cadre, however many cadres.  A cadre whose record changed during the year (pro-rated
    months, a promotion's make-up window, a leaving date) gets a plan of their own, made once per variant.
    """

    def __init__(self, book: RuleBook, as_of: dt.date) -> None:
        self.book = book
        self.as_of = as_of
        wanted = {(bucket, book.year) for bucket in BUCKETS}
        for requirement in book.requirements + book.makeup:
            for bucket in requirement.buckets or BUCKETS:
                wanted.update((bucket, year) for year in range(requirement.start_year, book.year + 1))
        # A cap that carries its surplus over: the year's hours are read too when the next year is judged.
        carries = [(y, b, cap) for (y, b), cap in book.carries.items() if (b, y + 1) in wanted]
        wanted.update((b, y) for y, b, _cap in carries)
        self.keys: list[tuple[str, int]] = sorted(wanted, key=lambda key: (key[1], BUCKETS.index(key[0])))
        self.place = {key: position for position, key in enumerate(self.keys)}
        place = self.place
        self.caps = [(place[(b, y)], to_cents(cap)) for (y, b), cap in book.caps.items() if (b, y) in place]
        # (the capped year's place, its cap, the next year's place): that year's own surplus counts in the next.
        self.carries = [(place[(b, y)], to_cents(cap), place[(b, y + 1)]) for y, b, cap in carries]
        self.in_year = picker([place[(bucket, book.year)] for bucket in BUCKETS])
        self._plans: dict[tuple, Plan] = {}
        self.plans: dict[str, Plan] = {tier: self.plan(tier) for tier in Tier.values}

    def plan(
        self,
        tier: str,
        months: int = 12,
        promoted: frozenset[int] = frozenset(),
        point: dt.date | None = None,
        final: bool = False,
    ) -> Plan:
        """The requirements of a tier as (requirement, required, expected, over, picker), for one variant.

        ``months`` < 12 pro-rates the yearly requirements; ``promoted`` are the pks of the cycle requirements
        the cadre reached by a promotion during the cycle (a make-up window of the history rule's years);
        ``point`` judges on an earlier day (a leaver's last day); ``final`` closes the year for a leaver.
        """
        key = (tier, months, promoted, point, final)
        if (found := self._plans.get(key)) is not None:
            return found
        book, place = self.book, self.place
        extra = book.history.promotion_makeup_years
        requirements = book.for_tier(tier) + [
            r for r in book.makeup if r.pk in promoted and (not r.tier or r.tier == tier)
        ]
        plans: Plan = []
        for requirement in requirements:
            share = elapsed_share(
                requirement, book.year, point or self.as_of, extra if requirement.pk in promoted else 0
            )
            required = requirement.hours
            if not requirement.is_cycle:
                if months < 12:
                    required = (requirement.hours * months / 12).quantize(CENTS, rounding=ROUND_HALF_UP)
                if final:
                    share = Decimal(1)
            expected = to_cents((required * share).quantize(CENTS))
            places = [
                place[(bucket, year)]
                for bucket in requirement.buckets or BUCKETS
                for year in range(requirement.start_year, book.year + 1)
            ]
            plans.append((requirement, to_cents(required), expected, share >= 1, picker(places)))
        self._plans[key] = plans
        return plans

    def __call__(
        self, tier: str, cents: Sequence[int], plan: Plan | None = None
    ) -> tuple[tuple[int, ...], list[RequirementResult], str]:
        """(capped cents per category in the year, one result per requirement, overall standing).

        The hot loop of a city-wide report: kept to plain comparisons and additions.  A cap marked to carry
        over adds its year's own surplus (before anything carried into it) to the next year, which is then capped
        by its own cap.
        """
        copied = False
        if self.carries:
            surplus = [(target, cents[source] - cap) for source, cap, target in self.carries if cents[source] > cap]
            if surplus:
                cents, copied = list(cents), True
            for target, extra in surplus:
                cents[target] += extra
        for position, cap in self.caps:
            if cents[position] > cap:
                if not copied:  # the caller's sums are left as they came
                    cents, copied = list(cents), True
                cents[position] = cap
        results = []
        worst = _NONE
        severity = _SEVERITY
        for requirement, required, expected, over, take in self.plans[tier] if plan is None else plan:
            done = sum(take(cents))
            # 达标 when done reaches the hours; otherwise judged against what the time passed asks for.
            if done >= required:
                standing = _MET
            elif over:
                standing = _NOT_MET
            elif done >= expected:
                standing = _ON_TRACK
            else:
                standing = _BEHIND
            if severity[standing] < severity[worst]:
                worst = standing
            results.append(RequirementResult(requirement, done, expected, standing, required))
        return self.in_year(cents), results, worst

    def from_sums(
        self, tier: str, sums: Mapping[tuple[str, int], Decimal], plan: Plan | None = None
    ) -> tuple[tuple[int, ...], list[RequirementResult], str]:
        """The same judgement from a mapping of (category, year) to uncapped 学时."""
        return self(tier, [to_cents(sums.get(key, ZERO)) for key in self.keys], plan)


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
    unit_id: int | None = None
    unit_name: str = ""  # said beside the 科室 when a report spans several units (names repeat across units)

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
    # Cadres who left during the year under a history rule that lists them apart: shown, not judged or counted.
    apart: list[CadreCompliance] = dataclasses.field(default_factory=list)

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        """The requirements shown as columns: the report's own book's, then any other a row was judged by
        (a unit with rules of its own, a promoted cadre's make-up cycle), in the rule book's order."""
        found = {r.pk: r for r in self.book.requirements}
        for row in self.rows:
            for result in row.results:
                found.setdefault(result.requirement.pk, result.requirement)
        if len(found) == len(self.book.requirements):
            return self.book.requirements
        return tuple(sorted(found.values(), key=lambda r: (r.start_year, r.tier, r.name, r.pk)))

    def only(self, standing: str) -> ComplianceReport:
        """The same report narrowed to the cadres whose overall standing passes the filter."""
        if not standing:
            return self
        return dataclasses.replace(
            self, rows=[row for row in self.rows if standing_matches(standing, row.standing)], apart=[]
        )

    def sections(self) -> list[SectionSummary]:
        """Per 科室, in the rows' order: how many cadres stand where."""
        summaries: dict[int, SectionSummary] = {}
        for row in self.rows:
            summary = summaries.get(row.section_id)
            if summary is None:
                summary = summaries[row.section_id] = SectionSummary(
                    row.section_id, row.section_name, unit_id=row.unit_id
                )
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


def hour_sums(cadres: QuerySet[Cadre] | None, keys: list[tuple[str, int]]) -> dict[int, tuple[int, ...]]:
    """{cadre id: (confirmed 学时 in cents for each (category, year) of ``keys``)}, in one query.

    Read from the maintained totals (``HourTotal``: one row per cadre, year, unit and 科室, one column of cents
    per category), not from the ledger: the rows of a cadre's years are summed and pivoted into one column per
    (category, year) (``SUM … FILTER``), so that the query returns one row per cadre.  The ORM writes the
    query; it is read through the cursor because for a whole city per-value converters would cost more than
    the query.
    """
    if not keys:
        return {}
    years = sorted({y for _b, y in keys})
    totals = (
        HourTotal.objects.filter(year__in=years)
        if len(years) < 3
        else HourTotal.objects.filter(year__gte=years[0], year__lte=years[-1])
    )
    if cadres is not None:
        totals = totals.filter(cadre__in=cadres.values("pk"))
    columns = {
        f"h{position}": Coalesce(Sum(bucket, filter=Q(year=year)), Value(0), output_field=BigIntegerField())
        for position, (bucket, year) in enumerate(keys)
    }
    rows = totals.values("cadre_id").annotate(**columns).order_by().values_list("cadre_id", *columns)
    sql, params = rows.query.sql_with_params()
    sums: dict[int, tuple[int, ...]] = {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(10_000):
            for row in chunk:
                sums[row[0]] = row[1:]
    return sums


def section_hours(year: int, sections: QuerySet | None = None) -> dict[int, dict[str, Decimal]]:
    """{科室 id: {category: confirmed 学时}} of ``year``, counted toward the 科室 each cadre was in on the
    entries' dates (a cadre who changed 科室 in June leaves their first half-year's hours behind).  From the
    maintained totals: one GROUP BY over a table of a few rows per cadre."""
    totals = HourTotal.objects.filter(year=year)
    if sections is not None:
        totals = totals.filter(section__in=sections.values("pk"))
    rows = totals.values("section_id").annotate(**{b: Sum(b) for b in BUCKETS}).order_by()
    return {row["section_id"]: {b: from_cents(row[b] or 0) for b in BUCKETS} for row in rows}


def unit_hours(year: int, units: QuerySet | None = None) -> dict[int, dict[str, Decimal]]:
    """{unit id: {category: confirmed 学时}} of ``year``, counted toward the unit of each entry's date."""
    totals = HourTotal.objects.filter(year=year)
    if units is not None:
        totals = totals.filter(unit__in=units.values("pk"))
    rows = totals.values("unit_id").annotate(**{b: Sum(b) for b in BUCKETS}).order_by()
    return {row["unit_id"]: {b: from_cents(row[b] or 0) for b in BUCKETS} for row in rows}


@dataclasses.dataclass(slots=True)  # not frozen: built for every period of a city's report, frozen costs
class Spell:
    """One CadrePeriod as the compliance reads it (a row of the one periods query)."""

    valid_from: dt.date
    valid_to: dt.date | None  # exclusive
    unit_id: int
    unit_path: str
    section_id: int
    section_name: str
    section_order: int
    tier: str
    status: str

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


# A year record without promotions (shared: read, never changed).
NO_PROMOTIONS: Mapping[str, dt.date] = types.MappingProxyType({})


@dataclasses.dataclass(slots=True)  # not frozen: built for every cadre of a city's report, frozen costs
class YearRecord:
    """Where a cadre's record stood for year Y, from their periods (docs/compliance-history.md)."""

    year: int
    spell: Spell  # in force on the reference day: the tier, 科室 and unit the year is judged and listed by
    status: str  # Status.ACTIVE, or how they left (transferred out, retired …)
    left_on: dt.date | None  # the first day no longer in service in the scope, when that fell within Y
    joined_on: dt.date | None  # the first day in service in the scope, when that fell within Y after 1 January
    months: int  # full calendar months of Y in service in the scope
    promoted_at: Mapping[str, dt.date]  # tier -> the first day held, for a tier reached from another while in service

    @property
    def plain(self) -> bool:
        """In service the whole year and not promoted into the tier held: judged by the tier's own plan."""
        return self.left_on is None and self.joined_on is None and self.spell.tier not in self.promoted_at

    @property
    def reference_day(self) -> dt.date:
        """The year's last day, or the last day in service for a cadre who left during it."""
        return self.left_on - dt.timedelta(days=1) if self.left_on else dt.date(self.year, 12, 31)


def full_months(spans: list[tuple[dt.date, dt.date]], year: int) -> int:
    """The calendar months of ``year`` whose every day lies in one of ``spans`` (inclusive, merged, sorted)."""
    count = 0
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        if any(start <= first and last <= end for start, end in spans):
            count += 1
    return count


def year_record(spells: Sequence[Spell], year: int, scope: str = "") -> YearRecord | None:
    """How a cadre's periods (in date order) place them in ``year`` within the unit path prefix ``scope``.

    None when they were never in service within the scope during the year.  In service means status 在职
    (Status.ACTIVE); a cadre who moved to a unit outside the scope while in post left it as 调出.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    last = spells[-1] if spells else None
    if (  # most cadres: in post in the scope from before the year to after it, in one period of it
        last is not None
        and last.valid_from <= start
        and (last.valid_to is None or last.valid_to > end)
        and last.status == Status.ACTIVE
        and last.unit_path.startswith(scope)
    ):
        return YearRecord(year, last, Status.ACTIVE, None, None, 12, _promotions(spells))
    serving = [
        spell
        for spell in spells
        if spell.status == Status.ACTIVE
        and spell.unit_path.startswith(scope)
        and spell.valid_from <= end
        and (spell.valid_to is None or spell.valid_to > start)
    ]
    if not serving:
        return None
    last = serving[-1]
    left_on = None
    status = Status.ACTIVE
    if last.valid_to is not None and last.valid_to <= end:
        left_on = last.valid_to
        after = next((s for s in spells if s.valid_from == left_on), None)
        status = after.status if after is not None and after.status != Status.ACTIVE else Status.TRANSFERRED
    spans: list[tuple[dt.date, dt.date]] = []
    for spell in serving:
        first = max(spell.valid_from, start)
        final = min(spell.valid_to - dt.timedelta(days=1), end) if spell.valid_to else end
        if spans and spans[-1][1] + dt.timedelta(days=1) >= first:
            spans[-1] = (spans[-1][0], max(spans[-1][1], final))
        else:
            spans.append((first, final))
    joined_on = spans[0][0] if spans[0][0] > start else None
    # The whole year in service (most cadres): 12 without counting.
    months = 12 if len(spans) == 1 and spans[0] == (start, end) else full_months(spans, year)
    return YearRecord(year, last, status, left_on, joined_on, months, _promotions(spells))


def _promotions(spells: Sequence[Spell]) -> Mapping[str, dt.date]:
    """{tier: the first day held} for each tier reached from another while in service."""
    if len(spells) == 1:
        return NO_PROMOTIONS
    promoted_at: dict[str, dt.date] = {}
    previous = None
    for spell in spells:
        if spell.status != Status.ACTIVE:
            previous = None
            continue
        if previous is not None and spell.tier != previous:
            promoted_at[spell.tier] = spell.valid_from
        previous = spell.tier
    return promoted_at or NO_PROMOTIONS


def _spells(cadres: QuerySet[Cadre], year: int, first_year: int | None = None) -> dict[int, tuple[str, list[Spell]]]:
    """{cadre id: (name, periods in date order)} over the years a cycle and its make-up reach back: one query."""
    since = dt.date(min(year, first_year or year) - MAX_CYCLE_YEARS - MAX_MAKEUP_YEARS + 1, 1, 1)
    rows = (
        CadrePeriod.objects.filter(cadre__in=cadres.values("pk"))
        .overlapping(since, dt.date(year, 12, 31))
        .order_by("cadre_id", "valid_from")
        .values_list(
            "cadre_id",
            "cadre__name",
            "valid_from",
            "valid_to",
            "unit_id",
            "unit__path",
            "section_id",
            "section__name",
            "section__sort_order",
            "rank",
            "leadership_level",
            "status",
        )
    )
    # Read through the cursor, as hour_sums does: a city has a few hundred thousand periods, and the tier of
    # each (rank, leadership level) pair is worked out once.
    sql, params = rows.query.sql_with_params()
    found: dict[int, tuple[str, list[Spell]]] = {}
    tiers: dict[tuple[str, str], str] = {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(10_000):
            for pk, name, start, end, unit_id, path, section_id, section_name, order, rank, leadership, status in chunk:
                tier = tiers.get((rank, leadership))
                if tier is None:
                    tier = tiers[(rank, leadership)] = tier_of(rank, leadership)
                entry = found.get(pk)
                if entry is None:
                    entry = found[pk] = (name, [])
                entry[1].append(Spell(start, end, unit_id, path, section_id, section_name, order, tier, status))
    return found


def _remap(places: list[int]) -> Callable[[Sequence[int]], tuple[int, ...]]:
    """A function taking the values at ``places`` out of a sequence, as a tuple (a judge's own keys)."""
    return picker(places)


def _path_ids(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in path.strip("/").split("/") if part)


def judge_record(judge: Judge, record: YearRecord, as_of: dt.date) -> tuple[Plan, bool]:
    """(the plan a cadre's year is judged by, whether they are listed apart), from their year record."""
    if record.plain:
        return judge.plan(record.spell.tier), False  # the whole year in service, not promoted: the tier's plan
    book = judge.book
    history = book.history
    tier = record.spell.tier
    left = record.left_on is not None
    if left and history.leave_policy == LeavePolicy.APART:
        return [], True
    months = 12
    if (record.joined_on is not None and history.join_policy == JoinPolicy.PRORATE) or left:
        months = record.months
        if record.joined_on is not None and history.join_policy == JoinPolicy.FULL:
            # Joined (judged in full from January) and left (pro-rated): the months from January to leaving.
            months = full_months([(dt.date(book.year, 1, 1), record.reference_day)], book.year)
    promoted = frozenset()
    since = record.promoted_at.get(tier)
    if since is not None:
        promoted = frozenset(
            r.pk
            for r in book.requirements + book.makeup
            if r.is_cycle and r.tier == tier and r.start_year <= since.year <= r.end_year
        )
    point = None
    final = False
    if left:
        point = record.reference_day
        final = point < as_of
    return judge.plan(tier, months, promoted, point, final), False


@paused_collection()
def compliance(
    *,
    year: int,
    cadres: QuerySet[Cadre],
    as_of: dt.date | None = None,
    unit: OrgUnit | None = None,
    section_id: int | None = None,
    tier: str = "",
) -> ComplianceReport:
    """Judge for ``year`` every cadre of ``cadres`` (already scoped by visibility) who was in service in
    ``unit``'s subtree (None: anywhere) at any time in the year, by their record for the year.

    The tier, 科室 and unit of a cadre are those in force at the year's end, or on their last day when they left
    during it (``section_id`` and ``tier`` filter by those); the rule book is the unit's (inherited up its path);
    the history rule of that book pro-rates joiners and leavers or lists leavers apart, and gives a cadre
    promoted during a cycle its make-up window (docs/compliance-history.md).

    A constant number of queries whatever the number of cadres: the periods (1), the rule tables (2) and the
    ledger's sums (1).
    """
    as_of = as_of or timezone.localdate()
    scope = unit.path if unit is not None else ""
    # (科室 order, 科室 name, 科室 id, cadre name, cadre id, record): sorted as plain tuples, the order listed in.
    records: list[tuple[int, str, int, str, int, YearRecord]] = []
    unit_paths: dict[int, tuple[int, ...]] = {}
    for pk, (name, spells) in _spells(cadres, year).items():
        record = year_record(spells, year, scope)
        if record is None:
            continue
        spell = record.spell
        if section_id is not None and spell.section_id != section_id:
            continue
        if tier and spell.tier != tier:
            continue
        records.append((spell.section_order, spell.section_name, spell.section_id, name, pk, record))
        if spell.unit_id not in unit_paths:
            unit_paths[spell.unit_id] = _path_ids(spell.unit_path)
    records.sort()  # the cadre id is unique: the tuples are ordered before their records would be compared
    scope_path = list(unit.ancestor_ids()) if unit is not None else []
    tables = RuleTables([year], {i for path in unit_paths.values() for i in path} | set(scope_path))
    book = tables.book(year, scope_path)
    judges: dict[int | None, Judge] = {}
    for unit_id, path in unit_paths.items():
        judges[unit_id] = Judge(tables.book(year, path), as_of)
    keys = sorted(
        {key for judge in judges.values() for key in judge.keys} or Judge(book, as_of).keys,
        key=lambda key: (key[1], BUCKETS.index(key[0])),
    )
    place = {key: position for position, key in enumerate(keys)}
    # A judge with keys of its own (a unit with rules of its own) takes its places out of the sums.
    takes: dict[int, Callable[[Sequence[int]], Sequence[int]] | None] = {
        unit_id: None if judge.keys == keys else _remap([place[key] for key in judge.keys])
        for unit_id, judge in judges.items()
    }
    listed = cadres
    if unit is not None:  # the sums only of those who served in the subtree during the year (a subquery)
        served = CadrePeriod.objects.overlapping(dt.date(year, 1, 1), dt.date(year, 12, 31)).filter(
            unit__path__startswith=unit.path
        )
        listed = cadres.filter(pk__in=served.values("cadre_id"))
    sums = hour_sums(listed, keys)
    nothing = (0,) * len(keys)
    rows, apart = [], []
    for _order, section_name, section, name, pk, record in records:
        spell = record.spell
        unit_id = spell.unit_id
        judge = judges[unit_id]
        if record.plain:  # the whole year in service, not promoted (most cadres): the tier's plan
            plan, set_apart = judge.plans[spell.tier], False
        else:
            plan, set_apart = judge_record(judge, record, as_of)
        cents = sums.get(pk, nothing)
        if (take := takes[unit_id]) is not None:
            cents = take(cents)
        in_year, results, standing = judge(spell.tier, cents, plan)
        if set_apart:
            results, standing = [], _NONE
        row = CadreCompliance(
            pk,
            name,
            section,
            section_name,
            spell.tier,
            in_year,
            results,
            standing,
            unit_id,
            record.status,
            record.left_on,
            record.joined_on,
            record.months,
            set_apart,
        )
        (apart if set_apart else rows).append(row)
    return ComplianceReport(year=year, as_of=as_of, book=book, rows=rows, apart=apart)


def cadre_compliance(
    cadre: Cadre, entries: Iterable[LedgerEntry], year: int, as_of: dt.date | None = None, book: RuleBook | None = None
) -> CadreCompliance:
    """One cadre judged by today's record and ``book`` (default: the system default's), from entries already
    loaded.  ``cadre_years`` judges by the record of each year instead."""
    as_of = as_of or timezone.localdate()
    book = book or rulebook(year)
    sums: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:  # the judge picks the years it needs (the one before the first, for a carry-over)
        if entry.status == EntryStatus.CONFIRMED and book.first_year - 1 <= entry.date.year <= year:
            sums[(entry.bucket, entry.date.year)] += entry.hours
    in_year, results, standing = evaluate(book, cadre.tier, sums, as_of)
    return CadreCompliance(
        cadre.pk, cadre.name, cadre.section_id, cadre.section.name, cadre.tier, in_year, results, standing
    )


def cadre_years(
    cadre: Cadre, entries: Iterable[LedgerEntry], years: Iterable[int], as_of: dt.date | None = None
) -> dict[int, CadreCompliance]:
    """One cadre judged for each of ``years`` as ``compliance`` judges them (the record of the year, the rules of
    the unit then, the history rule), from entries already loaded: three queries (periods, rule tables) for any
    number of years.  A year the cadre was not in service at all is judged by today's record, as before history.
    """
    as_of = as_of or timezone.localdate()
    wanted = sorted(set(years))
    if not wanted:
        return {}
    _name, spells = _spells(Cadre.objects.filter(pk=cadre.pk), wanted[-1], wanted[0]).get(cadre.pk, ("", []))
    unit_ids = {i for spell in spells for i in _path_ids(spell.unit_path)}
    tables = RuleTables(wanted, unit_ids)
    latest = spells[-1] if spells else None
    sums: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        if entry.status == EntryStatus.CONFIRMED:
            sums[(entry.bucket, entry.date.year)] += entry.hours
    judged: dict[int, CadreCompliance] = {}
    for year in wanted:
        record = year_record(spells, year)
        spell = record.spell if record is not None else latest
        path = _path_ids(spell.unit_path) if spell is not None else ()
        judge = Judge(tables.book(year, path), as_of)
        if record is None:
            tier = cadre.tier
            in_year, results, standing = judge.from_sums(tier, sums)
            judged[year] = CadreCompliance(
                cadre.pk, cadre.name, cadre.section_id, cadre.section.name, tier, in_year, results, standing
            )
            continue
        plan, apart = judge_record(judge, record, as_of)
        in_year, results, standing = judge.from_sums(record.spell.tier, sums, plan)
        judged[year] = CadreCompliance(
            cadre.pk,
            cadre.name,
            record.spell.section_id,
            record.spell.section_name,
            record.spell.tier,
            in_year,
            [] if apart else results,
            Standing.NONE if apart else standing,
            unit_id=record.spell.unit_id,
            status=record.status,
            left_on=record.left_on,
            joined_on=record.joined_on,
            months=record.months,
            apart=apart,
        )
    return judged


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
    # The cap of the cadre's unit for the year, inherited up its path like every rule table.
    path = _path_ids(entry.cadre.unit.path) if entry.cadre.unit_id is not None else []
    caps = BucketCap.objects.filter(Q(org_unit__isnull=True) | Q(org_unit__in=path), year=year).values_list(
        "org_unit_id", "bucket", "cap"
    )
    found = {(owner, bucket): value for owner, bucket, value in caps}
    owners = {owner for owner, _bucket in found}
    source = RuleTables._nearest(path, lambda unit_id: unit_id in owners)
    cap = found.get((source, entry.bucket))
    return CapStanding(year=year, bucket=entry.bucket, confirmed=confirmed, cap=cap, after=confirmed + entry.hours)
