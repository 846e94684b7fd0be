"""The permission policy of 杨房课堂 · 月末讲坛 (run by ``test_permissions_lectures``).

Everyone signed in reads their unit's schedule and the year's lectures by topic module.  The lecturer pool (list,
export, a lecturer's page) is read by administrators and 科室负责人, who propose lecturers; only administrators
keep it.  Generating and changing the schedule and the working-day table are the administrators'.  An empty POST
to a form is the form again with its errors (400); generating with no year given generates this year's (a
redirect); deleting a day: the training administrator deletes it (a redirect), the system administrator after
finds nothing (404).
"""

from __future__ import annotations

import datetime as dt

from ganxun.core.tests.test_permissions import (
    FORBIDDEN,
    INVALID,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Rule,
    admins_only,
    roles,
)

GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)
POOL_READERS = roles(FORBIDDEN, section_head=OK, training_admin=OK, system_admin=OK)
ADMINS_POST = roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT)
DELETED_ONCE = roles(FORBIDDEN, training_admin=REDIRECT, system_admin=NOT_FOUND)

POLICY: dict[str, list[Rule]] = {
    "lectures:schedule": [Rule(get=roles(OK), post=GET_ONLY)],
    "lectures:schedule_generate": [Rule(get=POST_ONLY, post=ADMINS_POST)],
    "lectures:lecture_update": [admins_only("lectures_lecture", post=INVALID)],
    "lectures:lecturer_list": [Rule(get=POOL_READERS, post=GET_ONLY)],
    "lectures:lecturer_export": [Rule(get=POOL_READERS, post=GET_ONLY)],
    "lectures:lecturer_create": [admins_only(post=INVALID)],
    "lectures:lecturer_detail": [Rule(get=POOL_READERS, post=GET_ONLY, target="lectures_lecturer")],
    "lectures:lecturer_update": [admins_only("lectures_lecturer", post=INVALID)],
    "lectures:topic_lectures": [Rule(get=roles(OK), post=GET_ONLY)],
    "lectures:calendar_list": [Rule(get=roles(FORBIDDEN, training_admin=OK, system_admin=OK), post=GET_ONLY)],
    "lectures:calendar_year_update": [
        Rule(get=POST_ONLY, post=roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID))
    ],
    "lectures:calendar_day_create": [admins_only(post=INVALID)],
    "lectures:calendar_day_update": [admins_only("lectures_day", post=INVALID)],
    "lectures:calendar_day_delete": [Rule(get=POST_ONLY, post=DELETED_ONCE, target="lectures_day")],
}


def add_targets(world) -> None:
    """The home unit's series with a lecture, a lecturer of its pool (a cadre of the 科室) and a day of the table."""
    from ganxun.lectures.models import CalendarDay, DayKind, LecturerKind, LecturerProfile, ScheduledLecture
    from ganxun.lectures.services import series_for_unit

    series = series_for_unit(world.home_unit)
    world.lectures_lecture = ScheduledLecture.objects.create(
        series=series, year=2026, month=3, date=dt.date(2026, 3, 31), default_date=dt.date(2026, 3, 31)
    )
    world.lectures_lecturer = LecturerProfile.objects.create(
        unit=world.home_unit, cadre=world.head_cadre, kind=LecturerKind.SECTION_HEAD
    )
    world.lectures_day = CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
