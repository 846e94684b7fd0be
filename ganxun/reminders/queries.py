"""The deadlines of a set of cadres, read in a fixed number of queries whatever their number.

The cadres (1), their periods of service (1), their completed 初任/任职 classes (1: confirmed ledger entries of
sessions whose activity's kind has that training type; a class not completed has its entries rejected) and the
year's compliance (``hours.queries.compliance``: 4).  ``deadlines.py`` works the rest out in Python.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.hours.queries import compliance, tier_of
from ganxun.roster.models import Cadre, CadrePeriod, Status
from ganxun.training.models import Session, TrainingType

from .deadlines import (
    DAYS_AHEAD,
    LOOKBACK_DAYS,
    Deadline,
    Kind,
    Period,
    appointment_deadline,
    hours_deadline,
    induction_deadline,
    sort_key,
)


def days_ahead() -> int:
    return getattr(settings, "REMINDERS_DAYS_AHEAD", DAYS_AHEAD)


@dataclasses.dataclass(slots=True)
class CadreDeadlines:
    """One cadre with their deadlines, trouble first."""

    cadre_id: int
    name: str
    section_id: int
    section_name: str
    phone: str
    deadlines: list[Deadline]

    @property
    def notices(self) -> list[Deadline]:
        """The deadlines something is to be said about: overdue, upcoming, behind."""
        return [d for d in self.deadlines if d.stage]


def notice_counts(notice_lists) -> dict[str, int]:
    """How many notices are overdue, due soon, and behind schedule on hours (one may be both due soon and
    behind)."""
    counts = {"overdue": 0, "upcoming": 0, "behind": 0}
    for notices in notice_lists:
        for deadline in notices:
            if deadline.status in ("overdue", "upcoming"):
                counts[deadline.status] += 1
            if deadline.behind:
                counts["behind"] += 1
    return counts


def training_dates(cadres: QuerySet[Cadre]) -> dict[tuple[int, str], list[dt.date]]:
    """{(cadre id, training type): dates of confirmed sessions} of the 初任 and 任职 classes: one query."""
    kind = Session.objects.filter(pk=OuterRef("source_id")).values("activity__kind__training_type")[:1]
    rows = (
        LedgerEntry.objects.filter(
            cadre__in=cadres.values("pk"),
            source=Source.SESSION,
            status=EntryStatus.CONFIRMED,
            source_id__in=Session.objects.filter(
                activity__kind__training_type__in=[TrainingType.INDUCTION, TrainingType.APPOINTMENT]
            ).values("pk"),
        )
        .annotate(training_type=Subquery(kind))
        .values_list("cadre_id", "training_type", "date")
    )
    found: dict[tuple[int, str], list[dt.date]] = defaultdict(list)
    for cadre_id, training_type, day in rows:
        found[(cadre_id, training_type)].append(day)
    return found


def _periods(cadres: QuerySet[Cadre]) -> dict[int, list[Period]]:
    found: dict[int, list[Period]] = defaultdict(list)
    rows = (
        CadrePeriod.objects.filter(cadre__in=cadres.values("pk"))
        .order_by("cadre_id", "valid_from")
        .values_list("cadre_id", "valid_from", "valid_to", "rank", "leadership_level", "status")
    )
    for cadre_id, start, end, rank, level, status in rows:
        found[cadre_id].append(Period(start, end, rank, level, status))
    return found


def _promoted_into(periods: list[Period], tier: str, first_year: int, last_year: int) -> bool:
    """Whether the cadre reached ``tier`` from another while in service within the years (compliance-history)."""
    previous = None
    for period in periods:
        if period.status != Status.ACTIVE:
            previous = None
            continue
        current = tier_of(period.rank, period.leadership_level)
        if (
            previous is not None
            and current == tier
            and previous != tier
            and first_year <= period.valid_from.year <= last_year
        ):
            return True
        previous = current
    return False


def cadre_deadlines(
    cadres: QuerySet[Cadre], today: dt.date | None = None, *, ahead: int | None = None
) -> list[CadreDeadlines]:
    """Every cadre in post of ``cadres`` (already scoped by visibility) with their deadlines on ``today``, in
    the roster's order: seven queries for any number of cadres."""
    today = today or timezone.localdate()
    ahead = days_ahead() if ahead is None else ahead
    in_post = cadres.filter(status=Status.ACTIVE)
    rows = list(
        in_post.order_by("section__sort_order", "section__name", "name", "pk").values_list(
            "pk", "name", "section_id", "section__name", "phone", "hire_date", "probation_end"
        )
    )
    if not rows:
        return []
    periods = _periods(in_post)
    trained = training_dates(in_post)
    report = compliance(year=today.year, cadres=in_post, as_of=today)
    judged = {row.cadre_id: row for row in report.rows}
    makeup = report.book.history.promotion_makeup_years
    result = []
    for pk, name, section_id, section_name, phone, hire_date, probation_end in rows:
        found: list[Deadline] = []
        induction = induction_deadline(
            cadre_id=pk,
            hire_date=hire_date,
            probation_end=probation_end,
            induction_dates=trained.get((pk, TrainingType.INDUCTION), ()),
            today=today,
            days_ahead=ahead,
            lookback_days=LOOKBACK_DAYS,
        )
        if induction is not None:
            found.append(induction)
        appointment = appointment_deadline(
            cadre_id=pk,
            periods=periods.get(pk, []),
            appointment_dates=trained.get((pk, TrainingType.APPOINTMENT), ()),
            today=today,
            days_ahead=ahead,
        )
        if appointment is not None:
            found.append(appointment)
        row = judged.get(pk)
        for outcome in row.results if row is not None else ():
            requirement = outcome.requirement
            extra = 0
            if requirement.is_cycle:
                kind = Kind.CYCLE
                if _promoted_into(periods.get(pk, []), row.tier, requirement.start_year, requirement.end_year):
                    extra = makeup
            elif requirement.buckets == ["online"]:
                kind = Kind.ONLINE
            else:
                kind = Kind.YEARLY
            found.append(
                hours_deadline(
                    cadre_id=pk,
                    kind=kind,
                    requirement_pk=requirement.pk,
                    name=requirement.name,
                    start_year=requirement.start_year,
                    end_year=requirement.end_year,
                    required=outcome.required,
                    done=outcome.done,
                    expected=outcome.expected,
                    makeup_years=extra,
                    today=today,
                    days_ahead=ahead,
                )
            )
        found.sort(key=sort_key)
        result.append(CadreDeadlines(pk, name, section_id, section_name, phone, found))
    return result
