"""The organisation department's statistics tables and the 年度考核 list, read from the records.

Who is counted (在册): for year Y and a unit, every cadre in service in the unit's subtree on 31 December of Y by
their periods of service (``hours.queries.compliance`` lists who served at any time in Y; those who left during it
are not on the register at the year's end and are left out of the tables; the 考核 list shows them with a note).
A cadre counts under the tier, 科室 and unit of the period in force on 31 December.

The figures of a cadre, for year Y:

- 学时: the year's confirmed 学时 per category as compliance counts them (each year's caps applied: surplus
  beyond a cap does not count); 集中 = 集中培训, 网络 = 网络培训, 其他 = 中心组学习 + 自学 + 实践锻炼.  Hours earned
  before joining the unit go with the cadre (compliance judges the person).
- 参训: at least one confirmed ledger entry dated in Y (of any source, a lecture given included).
- 培训类型: the four kinds of the 条例 (``training.TrainingType``).  A session attended counts under its activity
  kind's ``training_type``; every other confirmed entry (an outside class, a 调训 class, online learning, a
  micro-lesson, practice, a self-report) counts as 在职培训, which is what they are under the 条例 (they have no kind
  that could say otherwise); a lecture given is teaching, not training, and counts under none.  A cadre counts
  once per type, and may count under several.
- 调训: the cadre's nominations confirmed by the higher unit (``NominationStatus.CONFIRMED``) into classes that
  start in Y, per kind of class (中青班, 青干班, 党校主体班, 其他), in 人次.
- 达标: every yearly requirement that applies to the cadre met (pro-rated for joiners as compliance does) and no
  cycle requirement behind schedule or past its end unmet (a 5-year cycle on track is not a failure in its 3rd
  year).  A cadre with no requirement is not judged; 达标率 = 达标 / judged.

A constant number of queries for any number of cadres: compliance's four, one for the training types, one for the
nominations, one each for the units and 科室 named in the tables (and, for the 考核 list, the cadres' probation dates
and their secondments).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source, plain_hours
from ganxun.hours.queries import (
    BUCKETS,
    CadreCompliance,
    RequirementResult,
    Standing,
    compliance,
    from_cents,
)
from ganxun.nominations.models import ClassKind, Nomination, NominationStatus
from ganxun.practice.models import Secondment, SecondmentKind
from ganxun.roster.models import Cadre, Section, Tier, Unit
from ganxun.training.models import Session, TrainingType

CLASS_KINDS: tuple[str, ...] = tuple(ClassKind.values)
TRAINING_TYPES: tuple[str, ...] = tuple(TrainingType.values)
LECTURE = "lecture"  # a lecture given: counted as 参训, under no training type
OTHER_BUCKETS = frozenset({Bucket.STUDY_GROUP, Bucket.SELF_STUDY, Bucket.PRACTICE})
_CENTRALISED = BUCKETS.index(Bucket.CENTRALISED)
_ONLINE = BUCKETS.index(Bucket.ONLINE)


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- The columns of the statistics tables: (group label or None, [(key, label)]) ------------------------------

CLASS_LABELS = {
    ClassKind.MID_YOUNG: pgettext_lazy("orgstats column", "Mid-young class"),
    ClassKind.YOUNG: pgettext_lazy("orgstats column", "Young cadres class"),
    ClassKind.PARTY_SCHOOL: pgettext_lazy("orgstats column", "Party school main class"),
    ClassKind.OTHER: pgettext_lazy("orgstats column", "Other classes"),
}
TYPE_LABELS = {
    TrainingType.INDUCTION: pgettext_lazy("orgstats column", "Induction"),
    TrainingType.APPOINTMENT: pgettext_lazy("orgstats column", "Appointment"),
    TrainingType.SPECIALISED: pgettext_lazy("orgstats column", "Specialised"),
    TrainingType.IN_SERVICE: pgettext_lazy("orgstats column", "In-service"),
}

COLUMN_GROUPS: list[tuple[object | None, list[tuple[str, object]]]] = [
    (None, [("cadres", gettext_lazy("Cadres on the register"))]),
    (None, [("trained", gettext_lazy("Cadres trained"))]),
    (
        pgettext_lazy("orgstats column", "Hours"),
        [
            ("hours", pgettext_lazy("orgstats column", "Total")),
            ("per_cadre", pgettext_lazy("orgstats column", "Per cadre")),
        ],
    ),
    (
        pgettext_lazy("orgstats column", "Hours by kind"),
        [
            ("centralised", pgettext_lazy("orgstats column", "Centralised")),
            ("online", pgettext_lazy("orgstats column", "Online")),
            ("other", pgettext_lazy("orgstats column", "Other")),
        ],
    ),
    (
        pgettext_lazy("orgstats column", "Classes called up to (person-times)"),
        [(f"called_{kind}", CLASS_LABELS[kind]) for kind in CLASS_KINDS],
    ),
    (
        pgettext_lazy("orgstats column", "Training type (people)"),
        [(f"type_{kind}", TYPE_LABELS[kind]) for kind in TRAINING_TYPES],
    ),
    (
        pgettext_lazy("orgstats column", "Hours requirement"),
        [
            ("met", pgettext_lazy("orgstats column", "Met")),
            ("rate", pgettext_lazy("orgstats column", "Rate (%)")),
        ],
    ),
]
COLUMN_KEYS: list[str] = [key for _group, columns in COLUMN_GROUPS for key, _label in columns]


@dataclasses.dataclass
class Line:
    """One row of a statistics table: the figures of a set of cadres, added up."""

    label: str
    cadres: int = 0
    trained: int = 0
    bucket_cents: list[int] = dataclasses.field(default_factory=lambda: [0] * len(BUCKETS))
    called: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(CLASS_KINDS, 0))
    types: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(TRAINING_TYPES, 0))
    judged: int = 0
    met: int = 0
    key: str = ""  # tier value, "section:<id>", "unit:<id>" or "total", for tests and links

    def add(self, fact: CadreYear) -> None:
        self.cadres += 1
        self.trained += fact.trained
        for position, cents in enumerate(fact.row.bucket_cents):
            self.bucket_cents[position] += cents
        for kind, count in fact.called.items():
            self.called[kind] += count
        for kind in fact.types:
            self.types[kind] += 1
        if fact.judged:
            self.judged += 1
            self.met += fact.met

    @property
    def hours(self) -> Decimal:
        return from_cents(sum(self.bucket_cents))

    @property
    def per_cadre(self) -> Decimal | None:
        if not self.cadres:
            return None
        return (self.hours / self.cadres).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def centralised(self) -> Decimal:
        return from_cents(self.bucket_cents[_CENTRALISED])

    @property
    def online(self) -> Decimal:
        return from_cents(self.bucket_cents[_ONLINE])

    @property
    def other(self) -> Decimal:
        return from_cents(sum(c for b, c in zip(BUCKETS, self.bucket_cents, strict=True) if b in OTHER_BUCKETS))

    @property
    def rate(self) -> Decimal | None:
        """达标率 in percent, one decimal, rounded down as the charts and the year-end report round it (99.96 % is not
        100 %); None when nobody was judged."""
        if not self.judged:
            return None
        return (Decimal(self.met * 100) / self.judged).quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    def value(self, key: str):
        if key.startswith("called_"):
            return self.called[key.removeprefix("called_")]
        if key.startswith("type_"):
            return self.types[key.removeprefix("type_")]
        return getattr(self, key)

    def values(self) -> list:
        return [self.value(key) for key in COLUMN_KEYS]


@dataclasses.dataclass
class Block:
    """Rows under one heading of a table (按层级, 按科室, 本级, 下属单位)."""

    label: str
    lines: list[Line]


@dataclasses.dataclass
class Table:
    title: str
    unit: Unit
    year: int
    blocks: list[Block]
    total: Line

    @property
    def lines(self) -> list[Line]:
        return [line for block in self.blocks for line in block.lines]


@dataclasses.dataclass
class CadreYear:
    """One cadre's year as the tables and the 考核 list read it."""

    row: CadreCompliance
    unit_path: str
    trained: bool
    types: frozenset[str]
    called: dict[str, int]

    @property
    def yearly(self) -> list[RequirementResult]:
        return [r for r in self.row.results if not r.requirement.is_cycle]

    @property
    def judged(self) -> bool:
        return not self.row.apart and bool(self.row.results)

    @property
    def met(self) -> bool:
        """Every yearly requirement met, and no cycle requirement behind or past its end unmet."""
        return self.judged and self.row.meets_the_year

    @property
    def on_register(self) -> bool:
        """In service in the scope on 31 December (not left during the year)."""
        return self.row.left_on is None and not self.row.apart


@dataclasses.dataclass
class YearFacts:
    year: int
    unit: Unit
    facts: list[CadreYear]  # everyone compliance lists (leavers and those listed apart too), in its order
    units: dict[int, Unit]  # the units of the subtree, by id


def year_facts(*, year: int, unit: Unit, cadres: QuerySet[Cadre], as_of: dt.date) -> YearFacts:
    """Every cadre of ``cadres`` who served in ``unit``'s subtree during ``year``, with their figures."""
    report = compliance(year=year, cadres=cadres, as_of=as_of, unit=unit)
    rows = report.rows + report.apart
    ids = [row.cadre_id for row in rows]
    units = {u.pk: u for u in Unit.objects.subtree(unit).order_by("path")}
    start, end = year_span(year)
    kind_of_session = Subquery(
        Session.objects.filter(pk=OuterRef("source_id")).values("activity__kind__training_type")[:1]
    )
    entries = (
        LedgerEntry.objects.filter(status=EntryStatus.CONFIRMED, date__gte=start, date__lte=end, cadre_id__in=ids)
        .annotate(
            training_type=Case(
                When(source=Source.SESSION, then=kind_of_session),
                When(source=Source.LECTURE, then=Value(LECTURE)),
                default=Value(TrainingType.IN_SERVICE),
                output_field=CharField(),
            )
        )
        .values_list("cadre_id", "training_type")
        .distinct()
        .order_by()
    )
    trained: set[int] = set()
    types: dict[int, set[str]] = {}
    for cadre_id, training_type in entries:
        trained.add(cadre_id)
        if training_type in TRAINING_TYPES:
            types.setdefault(cadre_id, set()).add(training_type)
    called: dict[int, dict[str, int]] = {}
    nominations = Nomination.objects.filter(
        status=NominationStatus.CONFIRMED,
        programme__start_date__gte=start,
        programme__start_date__lte=end,
        cadre_id__in=ids,
    ).values_list("cadre_id", "programme__kind")
    for cadre_id, kind in nominations:
        counts = called.setdefault(cadre_id, {})
        counts[kind] = counts.get(kind, 0) + 1
    facts = [
        CadreYear(
            row=row,
            unit_path=units[row.unit_id].path if row.unit_id in units else "",
            trained=row.cadre_id in trained,
            types=frozenset(types.get(row.cadre_id, ())),
            called=called.get(row.cadre_id, {}),
        )
        for row in rows
    ]
    return YearFacts(year=year, unit=unit, facts=facts, units=units)


def unit_table(data: YearFacts) -> Table:
    """本单位: the cadres of the unit itself, by tier and by 科室, and the 合计."""
    unit = data.unit
    facts = [f for f in data.facts if f.on_register and f.row.unit_id == unit.pk]
    tiers = {tier: Line(str(label), key=tier) for tier, label in Tier.choices}
    sections: dict[int, Line] = {}
    for section_id, name in Section.objects.filter(unit=unit, is_active=True).values_list("pk", "name"):
        sections[section_id] = Line(name, key=f"section:{section_id}")
    total = Line(_("Total"), key="total")
    for fact in facts:
        tiers[fact.row.tier].add(fact)
        line = sections.get(fact.row.section_id)
        if line is None:  # a 科室 no longer in use that still had cadres at the year's end
            line = sections[fact.row.section_id] = Line(fact.row.section_name, key=f"section:{fact.row.section_id}")
        line.add(fact)
        total.add(fact)
    blocks = [
        Block(_("By tier"), list(tiers.values())),
        Block(_("By section"), list(sections.values())),
    ]
    title = _("Cadre education and training statistics, %(year)s") % {"year": data.year}
    return Table(title=title, unit=unit, year=data.year, blocks=blocks, total=total)


def lower_table(data: YearFacts) -> Table:
    """下属单位: the unit itself (本级) and each unit directly below it with its subtree summed; 合计: the subtree."""
    unit = data.unit
    own = Line(unit.name, key=f"unit:{unit.pk}")
    children = [u for u in data.units.values() if u.parent_id == unit.pk]
    children.sort(key=lambda u: (u.sort_order, u.path))
    lines = {child.pk: Line(child.name, key=f"unit:{child.pk}") for child in children}
    total = Line(_("Total"), key="total")
    for fact in data.facts:
        if not fact.on_register:
            continue
        total.add(fact)
        if fact.row.unit_id == unit.pk:
            own.add(fact)
            continue
        for child in children:
            if fact.unit_path.startswith(child.path):
                lines[child.pk].add(fact)
                break
    blocks = [Block(_("The unit itself"), [own]), Block(_("Units below"), [lines[c.pk] for c in children])]
    title = _("Cadre education and training statistics of the units below, %(year)s") % {"year": data.year}
    return Table(title=title, unit=unit, year=data.year, blocks=blocks, total=total)


# --- 年度考核 -------------------------------------------------------------------------------------------------

PASSED, FAILED, NOT_JUDGED, APART = "met", "not_met", "none", "apart"
RESULT_LABELS = {
    PASSED: pgettext_lazy("assessment", "Met"),
    FAILED: pgettext_lazy("assessment", "Not met"),
    NOT_JUDGED: pgettext_lazy("assessment", "No requirement"),
    APART: pgettext_lazy("assessment", "Not assessed"),
}


@dataclasses.dataclass
class AssessmentRow:
    fact: CadreYear
    unit_name: str
    notes: list[str]

    @property
    def row(self) -> CadreCompliance:
        return self.fact.row

    @property
    def result(self) -> str:
        if self.row.apart:
            return APART
        if not self.fact.judged:
            return NOT_JUDGED
        return PASSED if self.fact.met else FAILED

    @property
    def result_text(self) -> str:
        return str(RESULT_LABELS[self.result])

    @property
    def required_text(self) -> str:
        return "；".join(f"{r.requirement.name} {plain_hours(r.required)}" for r in self.row.results)

    def bucket_hours(self) -> list[Decimal]:
        return [from_cents(c) for c in self.row.bucket_cents]


@dataclasses.dataclass
class Assessment:
    year: int
    unit: Unit
    rows: list[AssessmentRow]

    def sections(self) -> list[tuple[int, str]]:
        seen: dict[int, str] = {}
        for row in self.rows:
            seen.setdefault(row.row.section_id, row.row.section_name)
        return list(seen.items())

    def only(self, *, section_id: int | None = None, result: str = "") -> Assessment:
        rows = [
            r
            for r in self.rows
            if (section_id is None or r.row.section_id == section_id) and (not result or r.result == result)
        ]
        return dataclasses.replace(self, rows=rows)

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys((PASSED, FAILED, NOT_JUDGED, APART), 0)
        for row in self.rows:
            found[row.result] += 1
        return found


def _standing_note(result: RequirementResult) -> str:
    name = result.requirement.name
    done, required = plain_hours(result.done), plain_hours(result.required)
    if result.requirement.is_cycle:
        return _("%(name)s: %(done)s of %(required)s so far (%(standing)s)") % {
            "name": name,
            "done": done,
            "required": required,
            "standing": result.get_standing_display(),
        }
    if result.standing == Standing.MET:
        return ""
    return _("%(name)s: %(shortfall)s short") % {"name": name, "shortfall": plain_hours(result.shortfall)}


def assessment(data: YearFacts) -> Assessment:
    """The 年度考核 list: one row per cadre listed for the year (leavers with their status, those listed apart last),
    with the notes the assessment committee reads: 新进 and 试用期, leaving, pro-rated requirements, 援派, each
    requirement short or a cycle's progress."""
    year = data.year
    start, end = year_span(year)
    ids = [f.row.cadre_id for f in data.facts]
    probation = {
        pk: (hired, ends)
        for pk, hired, ends in Cadre.objects.filter(pk__in=ids, probation_end__gte=start).values_list(
            "pk", "hire_date", "probation_end"
        )
    }
    seconded: dict[int, list[str]] = {}
    # Over the actual dates once known, the planned ones until then (as the secondment's 学时 are counted).
    secondments = (
        Secondment.objects.filter(cadre_id__in=ids)
        .annotate(first=Coalesce("actual_start", "planned_start"), last=Coalesce("actual_end", "planned_end"))
        .filter(first__lte=end, last__gte=start)
        .order_by("first", "pk")
        .values_list("cadre_id", "kind", "region")
    )
    for cadre_id, kind, region in secondments:
        seconded.setdefault(cadre_id, []).append(f"{SecondmentKind(kind).label}（{region}）")
    rows = []
    for fact in data.facts:
        row = fact.row
        notes: list[str] = []
        if row.cadre_id in probation and probation[row.cadre_id][1] is not None:
            hired, ends = probation[row.cadre_id]
            if hired is None or hired <= end:
                notes.append(_("On probation until %(date)s") % {"date": f"{ends:%Y-%m-%d}"})
        if row.joined_on is not None:
            notes.append(_("Joined on %(date)s") % {"date": f"{row.joined_on:%Y-%m-%d}"})
        if row.left_on is not None:
            notes.append(row.status_text)
        if row.apart:
            notes.append(_("Left during the year: listed apart, not assessed"))
        if any(r.prorated for r in row.results):
            notes.append(_("Yearly requirements pro-rated by %(months)s months in service") % {"months": row.months})
        notes += [_("Seconded: %(what)s") % {"what": text} for text in seconded.get(row.cadre_id, [])]
        notes += [text for r in row.results if (text := _standing_note(r))]
        unit = data.units.get(row.unit_id)
        rows.append(AssessmentRow(fact=fact, unit_name=unit.name if unit else "", notes=notes))
    rows.sort(key=lambda r: r.row.apart)  # stable: compliance's order (科室, name), those listed apart last
    return Assessment(year=year, unit=data.unit, rows=rows)
