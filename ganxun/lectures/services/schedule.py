"""The series' schedule: a lecture a month on the month's last working day, moved by the administrator with a
reason; and the demo's pool and schedule."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster.models import Cadre, DerivedGroup, Unit
from ganxun.training.models import TopicModule

from ..calendar import CalendarUnknown, YearCalendar
from ..models import DEFAULT_SERIES_NAME, LecturerKind, LecturerProfile, LectureSeries, ScheduledLecture
from .common import snapshot
from .lecturers import lecturer_save


def series_for_unit(unit: Unit | int) -> LectureSeries:
    """The unit's series, 杨房课堂·月末讲坛 unless it was renamed (made on first use)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    series = LectureSeries.objects.filter(unit_id=unit_id).order_by("pk").first()
    if series is None:
        series, _created = LectureSeries.objects.get_or_create(unit_id=unit_id, name=DEFAULT_SERIES_NAME)
    return series


@transaction.atomic
def schedule_generate(*, actor, series: LectureSeries, year: int) -> list[ScheduledLecture]:
    """Fill the year with a lecture a month on the month's last working day.

    A month already scheduled keeps its row; one not moved by hand follows its default date when the calendar
    changed (an administrator's table entered since).  An unknown calendar is a ValidationError, nothing written.
    """
    try:
        calendar = YearCalendar(year)
        defaults = {month: calendar.last_working_day(month) for month in range(1, 13)}
    except CalendarUnknown as unknown:
        raise ValidationError(str(unknown)) from unknown
    # Two administrators generating at once: the second waits for the first and finds its rows.
    LectureSeries.objects.select_for_update().filter(pk=series.pk).first()
    existing = {row.month: row for row in ScheduledLecture.objects.filter(series=series, year=year)}
    created = refreshed = 0
    for month, default in defaults.items():
        row = existing.get(month)
        if row is None:
            row = ScheduledLecture(
                series=series, year=year, month=month, date=default, default_date=default, source=calendar.source
            )
            row.full_clean()
            row.save()
            existing[month] = row
            created += 1
        elif row.default_date != default:
            if not row.moved:
                row.date = default
            row.default_date, row.source = default, calendar.source
            row.save(update_fields=["date", "default_date", "source"])
            refreshed += 1
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=series,
        summary=_("Schedule of %(year)s generated (%(source)s): %(created)s new, %(refreshed)s updated")
        % {"year": year, "source": calendar.source, "created": created, "refreshed": refreshed},
    )
    return [existing[month] for month in range(1, 13)]


@transaction.atomic
def lecture_update(
    *, actor, lecture: ScheduledLecture, lecturers=None, before: dict[str, Any] | None = None
) -> ScheduledLecture:
    """Change a month's lecture.  A date other than the default needs a reason; it stays in the schedule's year.
    A non-working day is allowed (the page warns)."""
    errors: dict[str, str] = {}
    if lecture.date.year != lecture.year:
        errors["date"] = _("The date must be in %(year)s, the year of the schedule.") % {"year": lecture.year}
    if lecture.date != lecture.default_date and not lecture.moved_reason.strip():
        errors["moved_reason"] = _("Give the reason for moving the lecture from %(date)s.") % {
            "date": f"{lecture.default_date:%Y-%m-%d}"
        }
    if lecture.date == lecture.default_date:
        lecture.moved_reason = ""
    if errors:
        raise ValidationError(errors)
    lecture.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    lecture.full_clean()
    lecture.save()
    if lecturers is not None:
        lecture.lecturers.set(lecturers)
    audit_record(actor=actor, action=Action.UPDATE, obj=lecture, before=before or {}, after=snapshot(lecture))
    return lecture


DEMO_OUTSIDE = [
    ("周明华", "上海市房屋管理局"),
    ("陈晓岚", "同济大学建筑与城市规划学院"),
]
DEMO_TITLES = {
    "旧区改造": "旧区改造征收政策与群众工作方法",
    "住房保障": "保障性租赁住房的筹集与管理",
    "房产市场": "房地产市场监测与调控",
    "物业管理": "住宅小区物业管理的矛盾化解",
    "房屋安全": "老旧房屋安全隐患排查",
    "依法行政": "行政执法规范与案例",
    "党建理论": "学习贯彻党的创新理论",
    "信访工作": "信访接待与矛盾调处",
}


def demo_lectures(*, unit: Unit, year: int) -> LectureSeries:
    """The demo's lecturer pool (the unit's leading cadres and section heads, two outside lecturers) and the
    series' schedule of ``year`` with topics, titles and lecturers (called by ``ganxun.demo``, as the system).
    Deterministic and idempotent; a year whose calendar is unknown gets the pool but no schedule."""
    series = series_for_unit(unit)
    topics = list(TopicModule.objects.filter(is_active=True).order_by("sort_order", "name"))
    pool: list[LecturerProfile] = list(LecturerProfile.objects.filter(unit=unit).order_by("pk"))
    if not pool:
        groups = (
            (DerivedGroup.LEADER, LecturerKind.LEADER, 2),
            (DerivedGroup.SECTION_HEAD, LecturerKind.SECTION_HEAD, 3),
        )
        for number, (group, kind, count) in enumerate(groups):
            for index, cadre in enumerate(Cadre.objects.in_group(group).filter(unit=unit).order_by("pk")[:count]):
                chosen = topics[(number * 3 + index) % len(topics) : (number * 3 + index) % len(topics) + 2]
                pool.append(
                    lecturer_save(
                        actor=None, lecturer=LecturerProfile(unit=unit, cadre=cadre, kind=kind), topics=chosen
                    )
                )
        for index, (name, organisation) in enumerate(DEMO_OUTSIDE):
            profile = LecturerProfile(
                unit=unit, outside_name=name, organisation=organisation, kind=LecturerKind.OUTSIDE
            )
            pool.append(lecturer_save(actor=None, lecturer=profile, topics=topics[index : index + 1]))
    try:
        rows = schedule_generate(actor=None, series=series, year=year)
    except ValidationError:
        return series
    for row in rows:
        if row.topic_id or not topics:
            continue
        before = snapshot(row)
        row.topic = topics[(row.month - 1) % len(topics)]
        row.title = DEMO_TITLES.get(row.topic.name, row.topic.name)
        teachers = [p for p in pool if row.topic in p.topics.all()] or pool[(row.month - 1) % len(pool) :][:1]
        lecture_update(actor=None, lecture=row, lecturers=teachers[:1], before=before)
    return series
