"""A unit's 中心组学习 archive for one year, read in a fixed number of queries whatever the year holds.

What it gathers: the year's plan of topics; every sitting of a study-register kind (党委会学习, 中心组学习: kinds
marked ``is_study_session``) organised by the unit, with its register (``training.Session``), who should have
come (the activity's enrolment), who came and who did not and why (attendance), its materials and minutes; and
the leaders' self-study of the year.  The page, the Word document and the zip all read this one object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch, Q

from ganxun.roster.models import COUNTY_DIVISION_LEADERSHIP, Cadre, CadrePeriod, Status, Unit, home_unit_id
from ganxun.training.models import AttendanceStatus, Enrolment, Material, Session, attendance_rows

from .models import SelfStudy, StudyPlan


@dataclasses.dataclass
class Absence:
    name: str
    status: str  # 缺席 / 请假 / 未登记
    reason: str


@dataclasses.dataclass
class Sitting:
    """One sitting of the year with its register and attendance."""

    session: Session
    kind: str
    title: str
    expected: int  # 应到: enrolled in the activity
    present: int  # 实到
    present_names: list[str]
    absences: list[Absence]
    materials: list[Material]

    @property
    def date(self) -> dt.date:
        return self.session.date


@dataclasses.dataclass
class LeaderStudy:
    """A leader's self-study of the year: the records and their sums."""

    cadre: Cadre
    records: list[SelfStudy]

    @property
    def pages(self) -> int:
        return sum(r.pages or 0 for r in self.records)

    @property
    def hours(self) -> Decimal:
        return sum((r.hours or Decimal(0) for r in self.records), Decimal(0))


@dataclasses.dataclass
class YearArchive:
    unit: Unit
    year: int
    plan: StudyPlan | None
    sittings: list[Sitting]
    leaders: list[LeaderStudy]

    @property
    def title(self) -> str:
        return f"{self.unit.name}{self.year}年度理论学习中心组学习档案"

    @property
    def kinds(self) -> list[tuple[str, list[Sitting]]]:
        """The sittings grouped by kind, in the kinds' order, 中心组学习 first."""
        groups: dict[str, list[Sitting]] = defaultdict(list)
        for sitting in self.sittings:
            groups[sitting.kind].append(sitting)
        return sorted(groups.items(), key=lambda item: (0 if "中心组" in item[0] else 1, item[0]))

    @property
    def topics(self) -> list:
        return list(self.plan.topics.all()) if self.plan is not None else []

    @property
    def self_study_count(self) -> int:
        return sum(len(leader.records) for leader in self.leaders)

    def files(self) -> list[tuple[str, object]]:
        """Every attachment of the archive as (folder inside the zip, FieldFile): materials (and minutes filed as
        materials) per sitting, then the self-study attachments per leader."""
        found: list[tuple[str, object]] = []
        for number, sitting in enumerate(self.sittings, start=1):
            folder = f"{number:02d}_{sitting.date:%Y-%m-%d}_{sitting.kind}"
            found += [(folder, material.file) for material in sitting.materials if material.file]
        for leader in self.leaders:
            found += [(f"领导干部自学_{leader.cadre.name}", r.attachment) for r in leader.records if r.attachment]
        return found


def archive_units(user):
    """The units whose archive ``user`` may open: an administrator's reach, a leader's own unit."""
    if user.is_admin:
        return Unit.objects.visible_to(user).order_by("path", "pk")
    return Unit.objects.filter(pk=user.cadre.unit_id)


def default_unit(user) -> Unit:
    """The archive shown first: the administrator's (or leader's) own unit; the home unit for a system
    administrator of the whole system."""
    unit = user.unit_scope
    return unit if unit is not None else Unit.objects.get(pk=home_unit_id())


def study_sessions(unit: Unit, year: int):
    """The year's sittings of the study-register kinds organised by ``unit``."""
    return Session.objects.filter(activity__unit=unit, activity__kind__is_study_session=True, date__year=year).order_by(
        "date", "start_time", "pk"
    )


def year_archive(unit: Unit, year: int) -> YearArchive:
    """Everything the archive shows, in seven queries."""
    plan = StudyPlan.objects.filter(unit=unit, year=year).prefetch_related("topics").first()
    sessions = list(
        study_sessions(unit, year)
        .select_related("activity__kind")
        .prefetch_related(Prefetch("activity__materials", queryset=Material.objects.order_by("uploaded_at", "pk")))
    )
    activity_ids = {s.activity_id for s in sessions}
    enrolled: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for activity_id, cadre_id, name in (
        Enrolment.objects.filter(activity_id__in=activity_ids)
        .order_by("section__sort_order", "cadre__name", "pk")
        .values_list("activity_id", "cadre_id", "cadre__name")
    ):
        enrolled[activity_id].append((cadre_id, name))
    rows: dict[int, dict[int, tuple[str, str, str]]] = defaultdict(dict)
    for session_id, cadre_id, name, status, reason in (
        attendance_rows()
        .filter(session_id__in=[s.pk for s in sessions])
        .values_list("session_id", "cadre_id", "cadre__name", "status", "reason")
    ):
        rows[session_id][cadre_id] = (name, status, reason)
    labels = dict(AttendanceStatus.choices)
    sittings = []
    for session in sessions:
        marks = rows[session.pk]
        expected = enrolled[session.activity_id]
        names = dict(expected)
        present = [names.get(c, marks[c][0]) for c, mark in marks.items() if mark[1] == AttendanceStatus.PRESENT]
        absences = [
            Absence(name, str(labels[status]), reason)
            for _cadre, (name, status, reason) in marks.items()
            if status != AttendanceStatus.PRESENT
        ]
        absences += [Absence(name, "未登记", "") for cadre_id, name in expected if cadre_id not in marks]
        sittings.append(
            Sitting(
                session=session,
                kind=session.activity.kind.name,
                title=session.activity.title,
                expected=len(expected) or len(marks),
                present=len(present),
                present_names=present,
                absences=absences,
                materials=list(session.activity.materials.all()),
            )
        )
    leaders = leader_studies(unit, year)
    return YearArchive(unit=unit, year=year, plan=plan, sittings=sittings, leaders=leaders)


def leader_studies(unit: Unit, year: int) -> list[LeaderStudy]:
    """Each leader of the unit during ``year`` (a 领导职务 held there on any day of it, by the dated periods of
    service: one who left in March is still in that year's archive, one appointed next year is not), and anyone of
    the unit with a record of the year, with their self-study of it."""
    periods = CadrePeriod.objects.overlapping(dt.date(year, 1, 1), dt.date(year, 12, 31)).filter(unit=unit)
    leader_ids = periods.filter(status=Status.ACTIVE, leadership_level__in=COUNTY_DIVISION_LEADERSHIP).values(
        "cadre_id"
    )
    records = (
        SelfStudy.objects.filter(Q(cadre__unit=unit) | Q(cadre__in=periods.values("cadre_id")), start_date__year=year)
        .select_related("cadre")
        .order_by("cadre__name", "start_date", "pk")
    )
    by_cadre: dict[int, LeaderStudy] = {}
    for leader in Cadre.objects.filter(pk__in=leader_ids).order_by("name", "pk"):
        by_cadre[leader.pk] = LeaderStudy(leader, [])
    for record in records:
        by_cadre.setdefault(record.cadre_id, LeaderStudy(record.cadre, [])).records.append(record)
    return list(by_cadre.values())
