"""The gap (缺什么) and what closes it (补什么), read in a few set queries whatever the number of cadres.

When a topic counts as *taken*: the cadre was marked present (出席) at a session, held on or before the reference
day, of an activity whose topic module is the need's topic, within the need's period counted back from the
reference day — the session's date is *after* the same calendar day N years earlier.  A session exactly N years
ago no longer counts: taken on 1 March 2025 every 2 years, the topic is due again on 1 March 2027 (the gap opens
on the anniversary).  Leave and absence do not count; a session still to come does not either (it closes the gap
once attended).

The gap of every cadre is one SQL statement: per need, the cadres of the need's posts without such an attendance
(an anti-join ``NOT EXISTS``), the needs' parts joined by ``UNION ALL``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Count, Exists, IntegerField, Max, Min, OuterRef, Q, QuerySet, Value

from ganxun.attendance.models import Attendance
from ganxun.roster.models import Cadre, years_before
from ganxun.training.models import Activity, AttendanceStatus

from .models import Need, PostName, Requirement

UNION_PARTS = 100  # SQLite allows 500 terms in a compound SELECT; a menu has far fewer needs


def counts_from(on: dt.date, years: int) -> dt.date:
    """The first day a session counts toward a need taken every ``years`` years, judged on ``on``."""
    return years_before(on, years) + dt.timedelta(days=1)


def needs_in_force() -> list[Need]:
    return list(Need.objects.in_force().select_related("family", "topic"))


def posts_by_family() -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for family_id, name in PostName.objects.values_list("family_id", "name"):
        found[family_id].append(name)
    return found


def taken(need: Need, on: dt.date, cadre: str = "pk") -> Exists:
    """Whether the cadre (``OuterRef(cadre)``) attended a session of the need's topic within its period."""
    return Exists(
        Attendance.objects.filter(
            cadre_id=OuterRef(cadre),
            status=AttendanceStatus.PRESENT,
            session__activity__topic_id=need.topic_id,
            session__date__gte=counts_from(on, need.every_years),
            session__date__lte=on,
        )
    )


def gap_rows(
    cadres: QuerySet[Cadre],
    on: dt.date,
    needs: Sequence[Need] | None = None,
    posts: dict[int, list[str]] | None = None,
) -> list[tuple[int, int, int, int]]:
    """(cadre id, 科室 id, unit id, need id) for every need of ``cadres`` not taken within its period."""
    needs = needs_in_force() if needs is None else needs
    posts = posts_by_family() if posts is None else posts
    parts = [
        cadres.filter(post__in=posts[need.family_id])
        .filter(~taken(need, on))
        .annotate(need_id=Value(need.pk, output_field=IntegerField()))
        .order_by()
        .values_list("pk", "section_id", "unit_id", "need_id")
        for need in needs
        if posts.get(need.family_id)
    ]
    rows: list[tuple[int, int, int, int]] = []
    for start in range(0, len(parts), UNION_PARTS):
        chunk = parts[start : start + UNION_PARTS]
        query = chunk[0].union(*chunk[1:], all=True).order_by() if len(chunk) > 1 else chunk[0]
        rows.extend(query)
    return rows


@dataclasses.dataclass
class NeedFigures:
    """A need over a set of cadres: how many need it and how many have it as a gap."""

    need: Need
    needed: int = 0
    gaps: int = 0


@dataclasses.dataclass
class PlaceFigures:
    """A 科室 or unit: cadres with a menu, those with a 必修 gap, and the gaps by kind."""

    pk: int
    name: str = ""
    with_menu: int = 0
    with_required_gap: int = 0
    required_gaps: int = 0
    elective_gaps: int = 0


@dataclasses.dataclass
class GapSummary:
    needs: list[NeedFigures]
    sections: list[PlaceFigures]
    units: list[PlaceFigures]
    with_menu: int
    with_required_gap: int


def gap_summary(cadres: QuerySet[Cadre], on: dt.date) -> GapSummary:
    """The gaps of ``cadres`` summed per need, per 科室 and per unit: three queries and the union."""
    from ganxun.roster.models import Section, Unit

    needs = needs_in_force()
    posts = posts_by_family()
    family_of = {name: family_id for family_id, names in posts.items() for name in names}
    needs_of: dict[int, list[Need]] = defaultdict(list)
    for need in needs:
        needs_of[need.family_id].append(need)
    # Who has a menu, per 科室 and post: one GROUP BY.
    with_menu = (
        cadres.filter(post__in=list(family_of))
        .order_by()
        .values("section_id", "unit_id", "post")
        .annotate(count=Count("pk"))
        .values_list("section_id", "unit_id", "post", "count")
    )
    figures = {need.pk: NeedFigures(need) for need in needs}
    sections: dict[int, PlaceFigures] = {}
    units: dict[int, PlaceFigures] = {}
    total_with_menu = 0
    for section_id, unit_id, post, count in with_menu:
        total_with_menu += count
        sections.setdefault(section_id, PlaceFigures(section_id)).with_menu += count
        units.setdefault(unit_id, PlaceFigures(unit_id)).with_menu += count
        for need in needs_of.get(family_of[post], []):
            figures[need.pk].needed += count
    required = {need.pk for need in needs if need.requirement == Requirement.REQUIRED}
    short: set[int] = set()
    short_section: Counter[int] = Counter()
    short_unit: Counter[int] = Counter()
    for cadre_id, section_id, unit_id, need_id in gap_rows(cadres, on, needs, posts):
        figures[need_id].gaps += 1
        place = sections.setdefault(section_id, PlaceFigures(section_id))
        unit = units.setdefault(unit_id, PlaceFigures(unit_id))
        if need_id in required:
            place.required_gaps += 1
            unit.required_gaps += 1
            if cadre_id not in short:
                short.add(cadre_id)
                short_section[section_id] += 1
                short_unit[unit_id] += 1
        else:
            place.elective_gaps += 1
            unit.elective_gaps += 1
    for section_id, count in short_section.items():
        sections[section_id].with_required_gap = count
    for unit_id, count in short_unit.items():
        units[unit_id].with_required_gap = count
    section_names = {
        pk: (order, name)
        for pk, order, name in Section.objects.filter(pk__in=list(sections)).values_list("pk", "sort_order", "name")
    }
    unit_names = dict(Unit.objects.filter(pk__in=list(units)).values_list("pk", "name"))
    for place in sections.values():
        place.name = section_names.get(place.pk, (0, ""))[1]
    for place in units.values():
        place.name = unit_names.get(place.pk, "")
    return GapSummary(
        needs=list(figures.values()),
        sections=sorted(sections.values(), key=lambda p: (section_names.get(p.pk, (0, ""))[0], p.name, p.pk)),
        units=sorted(units.values(), key=lambda p: (p.name, p.pk)),
        with_menu=total_with_menu,
        with_required_gap=len(short),
    )


def upcoming_activities(topic_ids: Iterable[int], on: dt.date, activities: QuerySet[Activity]) -> dict[int, list]:
    """{topic id: [activities of ``activities`` with that topic and a session on or after ``on``]}, soonest
    first; each carries ``next_date``, its first session from that day."""
    found: dict[int, list] = defaultdict(list)
    rows = (
        activities.filter(topic_id__in=list(topic_ids), sessions__date__gte=on)
        .annotate(next_date=Min("sessions__date", filter=Q(sessions__date__gte=on)))
        .select_related("unit")
        .order_by("next_date", "pk")
        .distinct()
    )
    for activity in rows:
        found[activity.topic_id].append(activity)
    return found


@dataclasses.dataclass
class MenuLine:
    """One topic of a cadre's menu: when last taken, when due again, whether it is a gap, what closes it."""

    need: Need
    last_taken: dt.date | None
    due: dt.date | None
    is_gap: bool
    upcoming: list = dataclasses.field(default_factory=list)  # (activity, enrolled) pairs


def family_of_cadre(cadre: Cadre):
    post = PostName.objects.filter(name=cadre.post).select_related("family").first()
    return post.family if post else None


def cadre_menu(cadre: Cadre, on: dt.date) -> tuple[object | None, list[MenuLine]]:
    """A cadre's menu as of ``on``: their post family (None: no menu) and a line per topic it needs."""
    family = family_of_cadre(cadre)
    if family is None:
        return None, []
    needs = list(Need.objects.in_force().filter(family=family).select_related("family", "topic"))
    topic_ids = [need.topic_id for need in needs]
    last = dict(
        Attendance.objects.filter(
            cadre=cadre,
            status=AttendanceStatus.PRESENT,
            session__activity__topic_id__in=topic_ids,
            session__date__lte=on,
        )
        .order_by()
        .values_list("session__activity__topic_id")
        .annotate(last=Max("session__date"))
    )
    # What closes a gap: the activities of the topic still to come that the cadre's unit may join (organised by
    # it or a unit above it), or that the cadre is already enrolled in.
    reach = Activity.objects.filter(
        Q(unit_id__in=cadre.unit.ancestor_ids() or [cadre.unit_id]) | Q(enrolments__cadre=cadre)
    )
    upcoming = upcoming_activities(topic_ids, on, reach)
    enrolled = set(cadre.enrolments.filter(activity__topic_id__in=topic_ids).values_list("activity_id", flat=True))
    lines = []
    for need in needs:
        taken_on = last.get(need.topic_id)
        due = due_again(taken_on, need.every_years) if taken_on else None
        is_gap = taken_on is None or taken_on < counts_from(on, need.every_years)
        lines.append(
            MenuLine(
                need=need,
                last_taken=taken_on,
                due=due,
                is_gap=is_gap,
                upcoming=[(a, a.pk in enrolled) for a in upcoming.get(need.topic_id, [])],
            )
        )
    return family, lines


def due_again(day: dt.date, years: int) -> dt.date:
    """The first day a taking on ``day`` no longer counts: the same calendar day ``years`` later (a taking on
    29 February is due on 1 March), as ``counts_from`` judges it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)
