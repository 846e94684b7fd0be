"""The plan against what was done, read in a fixed number of queries whatever the plan holds.

Per item: the sessions and 学时 planned and those held (the sessions, up to today, of the activities linked to it,
``training``), the people reached (distinct cadres marked present in them, ``attendance``), the audience as
enrolment defines it today (``training.services.activities.audience_members`` of the plan's unit) and the share
of it reached; an item is overdue when its last planned month has passed and nothing was held.  Beside them the
professional classroom's activities of the unit held in the year that carry out no item.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Min, Sum
from django.utils import translation

from ganxun.roster.models import Cadre
from ganxun.training.models import Activity, AttendanceStatus, Classroom, Session, attendance_rows
from ganxun.training.services.activities import audience_members

from .hooks import NominationsDone, nomination_execution
from .models import PlanItem, PlanLink, TrainingPlan
from .services import audience_text, plan_items


@dataclasses.dataclass
class ItemRow:
    item: PlanItem
    audience: str
    activities: list[tuple[PlanLink, int, Decimal]]  # (link, sessions held, 学时 held)
    audience_size: int = 0
    sessions_done: int = 0
    hours_done: Decimal = Decimal(0)
    reached: int = 0  # distinct cadres present at least once
    reached_in_audience: int = 0
    overdue: bool = False
    nominations: NominationsDone | None = None  # a 调训 item's classes (hooks.nomination_execution)

    @property
    def share(self) -> Decimal | None:
        """The share of the audience reached, in per cent (one decimal); None without an audience."""
        if not self.audience_size:
            return None
        return (Decimal(self.reached_in_audience * 100) / self.audience_size).quantize(Decimal("0.1"))

    @property
    def sessions_share(self) -> int:
        return min(100, round(self.sessions_done * 100 / self.item.sessions)) if self.item.sessions else 0

    @property
    def hours_share(self) -> int:
        return min(100, round(self.hours_done * 100 / self.item.hours)) if self.item.hours else 0


@dataclasses.dataclass
class Outside:
    activity: Activity
    first_date: dt.date
    sessions: int


@dataclasses.dataclass
class Execution:
    plan: TrainingPlan
    today: dt.date
    rows: list[ItemRow]
    outside: list[Outside]

    @property
    def overdue(self) -> list[ItemRow]:
        return [r for r in self.rows if r.overdue]

    @property
    def planned_sessions(self) -> int:
        return sum(r.item.sessions for r in self.rows)

    @property
    def done_sessions(self) -> int:
        return sum(r.sessions_done for r in self.rows)

    @property
    def planned_hours(self) -> Decimal:
        return sum((r.item.hours for r in self.rows), Decimal(0))

    @property
    def done_hours(self) -> Decimal:
        return sum((r.hours_done for r in self.rows), Decimal(0))

    @property
    def budget(self) -> Decimal:
        return sum((r.item.budget or Decimal(0) for r in self.rows), Decimal(0))


def is_overdue(item: PlanItem, year: int, today: dt.date, sessions_done: int) -> bool:
    """The last planned month is over (before today's month of the plan's year, or the year is past) and nothing
    was held."""
    if sessions_done or not item.months:
        return False
    return (year, max(item.months)) < (today.year, today.month)


def _audiences(plan: TrainingPlan, items: list[PlanItem], on: dt.date) -> dict[int, set[int]]:
    """Each item's audience (cadre ids) as enrolment would draw it on ``on``: a query for everyone in post in the
    unit and those below, one for their tags, one per group the items use."""
    groups = sorted({g for item in items for g in item.groups})
    with translation.override(settings.LANGUAGE_CODE):
        found = audience_members(everyone=True, sections=[], groups=groups, tags=[], cadres=[], on=on, unit=plan.unit)
    everyone_qs = found[-1][1]
    people = dict(everyone_qs.values_list("pk", "section_id"))
    by_group = {g: set(qs.values_list("pk", flat=True)) for g, (_via, qs) in zip(groups, found[:-1], strict=True)}
    by_tag: dict[int, set[int]] = defaultdict(set)
    if any(item.tags.all() for item in items):
        for cadre_id, tag_id in Cadre.tags.through.objects.filter(cadre_id__in=everyone_qs.values("pk")).values_list(
            "cadre_id", "tag_id"
        ):
            by_tag[tag_id].add(cadre_id)
    result = {}
    for item in items:
        if item.everyone:
            result[item.pk] = set(people)
            continue
        members: set[int] = set()
        section_ids = {s.pk for s in item.sections.all()}
        if section_ids:
            members |= {pk for pk, section_id in people.items() if section_id in section_ids}
        for group in item.groups:
            members |= by_group[group]
        for tag in item.tags.all():
            members |= by_tag[tag.pk]
        result[item.pk] = members
    return result


def plan_execution(plan: TrainingPlan, today: dt.date) -> Execution:
    """Everything the plan page, the workbook and the document show."""
    items = list(plan_items(plan))
    links = list(
        PlanLink.objects.filter(item__plan=plan)
        .select_related("activity__kind", "activity__organiser")
        .order_by("item_id", "activity__title", "pk")
    )
    activity_ids = [link.activity_id for link in links]
    held = Session.objects.filter(activity_id__in=activity_ids, date__year=plan.year, date__lte=today)
    per_activity = {
        row["activity_id"]: (row["n"], row["h"] or Decimal(0))
        for row in held.values("activity_id").annotate(n=Count("pk"), h=Sum("hours"))
    }
    item_of = {link.activity_id: link.item_id for link in links}
    present: dict[int, set[int]] = defaultdict(set)
    for activity_id, cadre_id in (
        attendance_rows()
        .filter(session__in=held, status=AttendanceStatus.PRESENT)
        .values_list("session__activity_id", "cadre_id")
        .distinct()
    ):
        present[item_of[activity_id]].add(cadre_id)
    on = min(today, dt.date(plan.year, 12, 31))
    audiences = _audiences(plan, items, on) if items else {}
    by_item: dict[int, list[PlanLink]] = defaultdict(list)
    for link in links:
        by_item[link.item_id].append(link)
    by_class = nomination_execution(plan, items, today) if items else {}
    rows = []
    for item in items:
        done = [(link, *per_activity.get(link.activity_id, (0, Decimal(0)))) for link in by_item[item.pk]]
        row = ItemRow(item=item, audience=audience_text(item), activities=done)
        row.sessions_done = sum(n for _link, n, _h in done)
        row.hours_done = sum((h for _link, _n, h in done), Decimal(0))
        reached = present[item.pk]
        row.reached = len(reached)
        row.audience_size = len(audiences.get(item.pk, ()))
        row.reached_in_audience = len(reached & audiences.get(item.pk, set()))
        row.nominations = by_class.get(item.pk)
        if row.nominations is not None:
            row.sessions_done += row.nominations.held
            row.hours_done += row.nominations.hours
            row.reached += row.nominations.confirmed
        row.overdue = is_overdue(item, plan.year, today, row.sessions_done)
        rows.append(row)
    outside_qs = (
        Activity.objects.filter(
            unit_id=plan.unit_id,
            kind__classroom=Classroom.PROFESSIONAL,
            sessions__date__year=plan.year,
            plan_link__isnull=True,
        )
        .annotate(first=Min("sessions__date"), n=Count("sessions"))
        .select_related("kind")
        .order_by("first", "pk")
    )
    outside = [Outside(activity=a, first_date=a.first, sessions=a.n) for a in outside_qs]
    return Execution(plan=plan, today=today, rows=rows, outside=outside)
