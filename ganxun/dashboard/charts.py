"""The charts' numbers: each chart is categories and series of numbers, the same for the chart, the table behind it
and the JSON endpoint, read in a fixed number of queries whatever the number of rows.

A ``Board`` holds one user's scope and year and reads what several charts share once (the year's compliance).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry
from ganxun.hours.queries import BUCKETS, ZERO, ComplianceReport, compliance, from_cents
from ganxun.plans.models import TrainingPlan
from ganxun.plans.queries import plan_execution
from ganxun.roster.models import Tier, Unit
from ganxun.training.models import Activity, Classroom, Session

from .scope import Scope

MONTHS = range(1, 13)
HUNDRED = Decimal(100)


def number(value: Decimal | int) -> float | int:
    """A figure for JSON: whole numbers as int, 学时 to two places."""
    if isinstance(value, int):
        return value
    value = Decimal(value).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def share(part: Decimal | int, whole: Decimal | int) -> float:
    """A share in per cent, one decimal, rounded down (99.96 % is not 100 %)."""
    if not whole:
        return 0.0
    return float((Decimal(part) * 1000 / Decimal(whole)).to_integral_value(rounding=ROUND_FLOOR) / 10)


@dataclasses.dataclass
class Series:
    name: str
    data: list
    type: str = "bar"  # bar or line
    stack: str = ""
    table_only: bool = False  # shown in the table, not drawn


@dataclasses.dataclass
class Chart:
    key: str
    title: str
    unit: str  # what the y axis counts
    categories: list[str]
    series: list[Series]
    link: str
    link_text: str
    links: list[str] = dataclasses.field(default_factory=list)  # each category's records ("" for none)
    mark: dict[str, Any] | None = None  # a reference line: {"name", "value"}
    horizontal: bool = False
    category_label: str = ""
    note: str = ""

    @property
    def element_id(self) -> str:
        return f"dash-{self.key}-data"

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for s in self.series for v in s.data)

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["empty"] = self.empty
        return data

    def rows(self) -> list[tuple[str, str, list]]:
        """The table behind the chart: (category, its link, the value of each series)."""
        links = self.links or [""] * len(self.categories)
        return [(category, links[i], [s.data[i] for s in self.series]) for i, category in enumerate(self.categories)]


def _url(name: str, **query: Any) -> str:
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return reverse(name) + ("?" + urlencode(query) if query else "")


class Board:
    """One user's charts of one year, as of ``today``."""

    def __init__(self, scope: Scope, year: int, today: dt.date) -> None:
        self.scope = scope
        self.year = year
        self.today = today
        self.as_of = min(today, dt.date(year, 12, 31))
        # The record pages (compliance, activities, online) are an administrator's or a section head's; a
        # 领导干部 reads the aggregates here, and their charts link only to what they may open (the plan).
        self.records_open = scope.user.is_admin or scope.kind == "section"

    def _url(self, name: str, **query: Any) -> str:
        return _url(name, **query) if self.records_open else ""

    # --- shared reads ---------------------------------------------------------------------------------------
    @cached_property
    def report(self) -> ComplianceReport:
        scope = self.scope
        return compliance(
            year=self.year,
            cadres=scope.cadres(self.year),
            as_of=self.as_of,
            unit=scope.unit if scope.is_unit else None,
            section_id=scope.section_id,
        )

    def _entries(self):
        entries = LedgerEntry.objects.filter(
            status=EntryStatus.CONFIRMED, date__gte=dt.date(self.year, 1, 1), date__lte=dt.date(self.year, 12, 31)
        )
        scope = self.scope
        if scope.kind == "cadre":
            return entries.filter(cadre_id=scope.cadre_id)
        if scope.kind == "section":
            return entries.filter(section_id=scope.section_id)
        if scope.unit is not None:
            return entries.filter(unit__path__startswith=scope.unit.path)
        return entries

    def _activities(self):
        scope = self.scope
        if scope.user.is_admin or scope.kind == "section":
            return Activity.objects.visible_to(scope.user)
        return Activity.objects.filter(unit__path__startswith=scope.unit.path)

    # --- the charts ------------------------------------------------------------------------------------------
    def hours(self) -> Chart:
        """Confirmed 学时 by month and category (stacked), counted toward the unit or 科室 of each entry's date; a
        cadre's own with the running total against the year's requirement."""
        rows = (
            self._entries()
            .annotate(month=ExtractMonth("date"))
            .values("month", "bucket")
            .annotate(h=Sum("hours"))
            .order_by()
        )
        cells: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
        for row in rows:
            cells[(row["month"], row["bucket"])] += row["h"] or ZERO
        categories = [pgettext("month number", "%d月") % m for m in MONTHS]
        series = [Series(str(Bucket(b).label), [number(cells[(m, b)]) for m in MONTHS], stack="hours") for b in BUCKETS]
        totals = [sum((cells[(m, b)] for b in BUCKETS), ZERO) for m in MONTHS]
        series.append(Series(_("Total"), [number(t) for t in totals], table_only=True))
        mark = None
        if self.scope.kind == "cadre":
            running, cumulative = ZERO, []
            for t in totals:
                running += t
                cumulative.append(number(running))
            series.append(Series(_("Cumulative"), cumulative, type="line"))
            own = self._own_requirement()
            if own is not None:
                mark = {"name": own.requirement.name, "value": number(own.required)}
            link = reverse("hours:my_learning")
        else:
            link = self._url("hours:compliance", year=self.year)
        return Chart(
            key="hours",
            title=_("Hours by month and category, %(year)s") % {"year": self.year},
            unit=_("hours"),
            categories=categories,
            series=series,
            link=link,
            link_text=_("My learning") if self.scope.kind == "cadre" else _("Hour compliance"),
            mark=mark,
            category_label=_("Month"),
        )

    def _own_requirement(self):
        """A cadre's requirement of this year alone, the one over every category first (the 90 学时, not the
        online 50), or None."""
        yearly = [
            result
            for row in self.report.rows
            for result in row.results
            if result.requirement.start_year == result.requirement.end_year == self.year
        ]
        yearly.sort(key=lambda r: (bool(r.requirement.buckets), -r.required))
        return yearly[0] if yearly else None

    def activities(self) -> Chart:
        """Activities of each classroom held in each month: an activity with sessions in two months counts in
        both; the sessions held beside them in the table."""
        sessions = Session.objects.filter(date__year=self.year, activity__in=self._activities().values("pk")).annotate(
            month=ExtractMonth("date")
        )
        rows = (
            sessions.values("month", "activity__kind__classroom")
            .annotate(n=Count("activity", distinct=True), s=Count("pk"))
            .order_by()
        )
        held: dict[tuple[int, str], int] = defaultdict(int)
        sittings: dict[int, int] = defaultdict(int)
        for row in rows:
            held[(row["month"], row["activity__kind__classroom"])] += row["n"]
            sittings[row["month"]] += row["s"]
        classrooms = list(Classroom.values)
        series = [
            Series(str(Classroom(c).label), [held[(m, c)] for m in MONTHS], stack="activities") for c in classrooms
        ]
        series.append(Series(_("Sessions"), [sittings[m] for m in MONTHS], table_only=True))
        return Chart(
            key="activities",
            title=_("Activities of the three classrooms by month, %(year)s") % {"year": self.year},
            unit=_("activities"),
            categories=[pgettext("month number", "%d月") % m for m in MONTHS],
            series=series,
            link=self._url("training:activity_list"),
            link_text=pgettext("dashboard link", "Activities"),
            links=[self._url("training:activity_list", month=f"{self.year}-{m:02d}") for m in MONTHS],
            category_label=_("Month"),
        )

    def _progress(self, rows) -> tuple[int, int, Decimal, Decimal, Decimal]:
        """(cadres, met, done within the required, required, expected by now) over rows' requirements."""
        met, done, required, expected = 0, ZERO, ZERO, ZERO
        for row in rows:
            met += row.meets_the_year
            for result in row.results:
                done += min(result.done, result.required)
                required += result.required
                expected += min(result.expected, result.required)
        return len(rows), met, done, required, expected

    def _compliance_chart(self, key: str, title: str, groups: list[tuple[str, str, list]], label: str) -> Chart:
        cadres, met, rate, progress, expected = [], [], [], [], []
        for _name, _link, rows in groups:
            n, m, done, required, exp = self._progress(rows)
            cadres.append(n)
            met.append(m)
            rate.append(share(m, n))
            progress.append(share(done, required))
            expected.append(share(exp, required))
        return Chart(
            key=key,
            title=title,
            unit="%",
            categories=[name for name, _l, _r in groups],
            series=[
                Series(_("Cadres"), cadres, table_only=True),
                Series(pgettext("standing", "Met"), met, table_only=True),
                Series(_("Compliance rate (%)"), rate),
                Series(_("Hours done of required (%)"), progress),
                Series(_("Expected by now (%)"), expected, type="line"),
            ],
            link=self._url("hours:compliance", year=self.year),
            link_text=_("Hour compliance"),
            links=[link for _n, link, _r in groups],
            horizontal=len(groups) > 6,
            category_label=label,
            note=_("Expected by now: the share of each requirement's period elapsed on %(date)s.")
            % {"date": f"{self.as_of:%Y-%m-%d}"},
        )

    def compliance_by_section(self) -> Chart:
        groups: dict[int, tuple[str, list]] = {}
        for row in self.report.rows:
            groups.setdefault(row.section_id, (row.section_name, []))[1].append(row)
        return self._compliance_chart(
            "sections",
            _("Compliance by section, %(year)s") % {"year": self.year},
            [
                (name, self._url("hours:compliance", year=self.year, section=pk), rows)
                for pk, (name, rows) in groups.items()
            ],
            _("Section"),
        )

    def compliance_by_tier(self) -> Chart:
        by_tier: dict[str, list] = {t: [] for t in Tier.values}
        for row in self.report.rows:
            by_tier[row.tier].append(row)
        return self._compliance_chart(
            "tiers",
            _("Compliance by tier, %(year)s") % {"year": self.year},
            [
                (str(Tier(t).label), self._url("hours:compliance", year=self.year, tier=t), rows)
                for t, rows in by_tier.items()
            ],
            _("Tier"),
        )

    def online(self) -> Chart:
        """Per 科室: the cadres, those with online 学时 confirmed this year, and the online 学时 (within the cap)."""
        position = BUCKETS.index(Bucket.ONLINE)
        groups: dict[int, list] = {}
        names: dict[int, str] = {}
        for row in self.report.rows:
            groups.setdefault(row.section_id, []).append(row)
            names[row.section_id] = row.section_name
        cadres, learners, rate, hours = [], [], [], []
        for rows in groups.values():
            n = len(rows)
            with_online = sum(1 for r in rows if r.bucket_cents[position] > 0)
            cadres.append(n)
            learners.append(with_online)
            rate.append(share(with_online, n))
            hours.append(number(from_cents(sum(r.bucket_cents[position] for r in rows))))
        return Chart(
            key="online",
            title=_("Online learning progress, %(year)s") % {"year": self.year},
            unit="%",
            categories=list(names.values()),
            series=[
                Series(_("Cadres"), cadres, table_only=True),
                Series(_("Learning online"), learners, table_only=True),
                Series(_("Share learning online (%)"), rate),
                Series(_("Online hours"), hours, table_only=True),
            ],
            link=self._url("online:index", year=self.year),
            link_text=_("Online learning"),
            horizontal=len(groups) > 6,
            category_label=_("Section"),
        )

    def plan(self) -> Chart | None:
        """The unit's annual plan: each item's sessions planned and held, and the people reached."""
        plans = TrainingPlan.objects.visible_to(self.scope.user).filter(year=self.year)
        if self.scope.unit is not None:
            plans = plans.filter(unit=self.scope.unit)
        plan = plans.select_related("unit").order_by("unit__path", "pk").first()
        if plan is None:
            return None
        execution = plan_execution(plan, self.today)
        rows = execution.rows
        return Chart(
            key="plan",
            title=_("Execution of the annual plan, %(year)s") % {"year": self.year},
            unit=_("sessions"),
            categories=[row.item.title for row in rows],
            series=[
                Series(_("Sessions planned"), [row.item.sessions for row in rows]),
                Series(_("Sessions held"), [row.sessions_done for row in rows]),
                Series(_("Hours planned"), [number(row.item.hours) for row in rows], table_only=True),
                Series(_("Hours held"), [number(row.hours_done) for row in rows], table_only=True),
                Series(_("People reached"), [row.reached for row in rows], table_only=True),
            ],
            link=reverse("plans:plan_detail", args=[plan.pk]),
            link_text=plan.title,
            horizontal=True,
            category_label=_("Plan item"),
        )

    def units(self) -> Chart | None:
        """Per unit directly below the scope's (and the scope's own staff as 本级): cadres, 达标, 学时."""
        top = self.scope.unit
        units = Unit.objects.subtree(top) if top is not None else Unit.objects.all()
        tree = {pk: (path, name) for pk, path, name in units.values_list("pk", "path", "name")}
        depth = len(top.ancestor_ids()) if top is not None else 0
        children = {
            pk: name
            for pk, (path, name) in tree.items()
            if len([p for p in path.strip("/").split("/") if p]) == depth + 1
        }
        if not children:
            return None
        groups: dict[int, list] = {pk: [] for pk in ([top.pk] if top is not None else []) + list(children)}
        for row in self.report.rows:
            if row.unit_id not in tree:
                continue
            ids = [int(p) for p in tree[row.unit_id][0].strip("/").split("/") if p]
            group = ids[depth] if len(ids) > depth else top.pk
            groups.setdefault(group, []).append(row)
        own = _("%(unit)s (own staff)")
        categories, cadres, met, rate, hours, per_cadre = [], [], [], [], [], []
        for pk, rows in groups.items():
            name = own % {"unit": top.name} if top is not None and pk == top.pk else children[pk]
            categories.append(name)
            n = len(rows)
            total = from_cents(sum(sum(r.bucket_cents) for r in rows))
            cadres.append(n)
            m = sum(1 for r in rows if r.meets_the_year)
            met.append(m)
            rate.append(share(m, n))
            hours.append(number(total))
            per_cadre.append(number((total / n).quantize(Decimal("0.01"))) if n else 0)
        return Chart(
            key="units",
            title=_("The unit and the units below, %(year)s") % {"year": self.year},
            unit=_("hours"),
            categories=categories,
            series=[
                Series(_("Cadres"), cadres, table_only=True),
                Series(pgettext("standing", "Met"), met, table_only=True),
                Series(_("Compliance rate (%)"), rate, table_only=True),
                Series(_("Hours"), hours, table_only=True),
                Series(_("Hours per cadre"), per_cadre),
            ],
            link=self._url("hours:compliance", year=self.year),
            link_text=_("Hour compliance"),
            horizontal=len(categories) > 6,
            category_label=pgettext("organisation", "Unit"),
        )

    def charts(self) -> list[Chart]:
        """The charts this scope has, in the order shown."""
        if self.scope.kind == "cadre":
            return [self.hours()]
        found = [self.hours(), self.activities(), self.compliance_by_section(), self.compliance_by_tier()]
        found.append(self.online())
        if self.scope.is_unit:
            found += [c for c in (self.plan(), self.units()) if c is not None]
        return found


CHARTS = ("hours", "activities", "sections", "tiers", "online", "plan", "units")


def chart(board: Board, key: str) -> Chart | None:
    """One chart by its key, or None when this scope has none such."""
    method = {
        "hours": board.hours,
        "activities": board.activities,
        "sections": board.compliance_by_section,
        "tiers": board.compliance_by_tier,
        "online": board.online,
        "plan": board.plan,
        "units": board.units,
    }[key]
    return method()
