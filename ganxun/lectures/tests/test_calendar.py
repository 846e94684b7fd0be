"""The working-day calendar against the State Council's published dates (2025, 2026), the package's covered
range found from its data, the administrator's table for an uncovered year, and a row overriding the package."""

from __future__ import annotations

import datetime as dt

import pytest

from ganxun.lectures.calendar import (
    PACKAGE_SOURCE,
    CalendarUnknown,
    admin_source,
    covered,
    day_answer,
    is_working_day,
    last_working_day,
    package_years,
)
from ganxun.lectures.models import CalendarDay, CalendarYear, DayKind

D = dt.date

# The last working day of each month, by hand from the State Council's notices (国办发明电).
LAST_2025 = [
    D(2025, 1, 27),  # 春节 1-28…2-4; Sunday 1-26 and Monday 1-27 were worked
    D(2025, 2, 28),
    D(2025, 3, 31),
    D(2025, 4, 30),  # 劳动节 5-1…5-5
    D(2025, 5, 30),  # 5-31 端午
    D(2025, 6, 30),
    D(2025, 7, 31),
    D(2025, 8, 29),  # 8-31 is a Sunday
    D(2025, 9, 30),  # 国庆/中秋 10-1…10-8
    D(2025, 10, 31),
    D(2025, 11, 28),  # 11-30 is a Sunday
    D(2025, 12, 31),
]
LAST_2026 = [
    D(2026, 1, 30),  # 1-31 is a Saturday
    D(2026, 2, 28),  # a Saturday, made a workday for 春节 (2-15…2-23)
    D(2026, 3, 31),
    D(2026, 4, 30),
    D(2026, 5, 29),  # 5-31 is a Sunday
    D(2026, 6, 30),
    D(2026, 7, 31),
    D(2026, 8, 31),
    D(2026, 9, 30),  # 中秋 9-25…9-27, 国庆 from 10-1
    D(2026, 10, 30),  # 10-31 is a Saturday
    D(2026, 11, 30),
    D(2026, 12, 31),
]


@pytest.mark.django_db
@pytest.mark.parametrize("expected", LAST_2025 + LAST_2026, ids=str)
def test_last_working_day_of_every_month(expected: dt.date):
    assert last_working_day(expected.year, expected.month) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 26), True),  # Sunday, make-up workday
        (D(2025, 2, 8), True),  # Saturday, make-up workday
        (D(2025, 1, 31), False),  # Friday in 春节
        (D(2025, 9, 28), True),  # Sunday, make-up workday
        (D(2025, 10, 11), True),  # Saturday, make-up workday
        (D(2025, 10, 8), False),  # Wednesday in 国庆
        (D(2025, 10, 12), False),  # an ordinary Sunday
        (D(2026, 2, 14), True),
        (D(2026, 9, 20), True),
        (D(2026, 10, 10), True),
        (D(2026, 2, 23), False),  # Monday, last day of 春节
    ],
)
def test_working_days_including_make_up_weekends(day: dt.date, working: bool):
    assert is_working_day(day) is working


def test_the_packages_covered_years_are_read_from_its_data():
    assert package_years() == (2004, 2026)


@pytest.mark.django_db
def test_threshold_years_first_and_last_covered_and_either_side():
    assert covered(2004) == PACKAGE_SOURCE == "chinese-calendar 1.11.0"
    assert covered(2026) == PACKAGE_SOURCE
    assert covered(2003) is None
    assert covered(2027) is None
    assert last_working_day(2026, 12) == D(2026, 12, 31)
    with pytest.raises(CalendarUnknown, match="2027"):
        last_working_day(2027, 1)
    with pytest.raises(CalendarUnknown, match="2003"):
        is_working_day(D(2003, 5, 6))


@pytest.mark.django_db
def test_an_uncovered_year_answers_from_a_complete_table_only():
    CalendarDay.objects.create(date=D(2027, 4, 30), kind=DayKind.HOLIDAY, name="劳动节")
    CalendarDay.objects.create(date=D(2027, 2, 27), kind=DayKind.WORKDAY, name="春节调休上班")
    CalendarYear.objects.create(year=2027, complete=False)
    assert covered(2027) is None
    with pytest.raises(CalendarUnknown):
        last_working_day(2027, 4)
    CalendarYear.objects.filter(year=2027).update(complete=True)
    assert covered(2027) == admin_source() == "管理员录入"
    assert last_working_day(2027, 4) == D(2027, 4, 29)  # 4-30 Friday a holiday in the table
    assert last_working_day(2027, 2) == D(2027, 2, 27)  # Saturday worked
    assert last_working_day(2027, 1) == D(2027, 1, 29)  # 1-31 Sunday, 1-30 Saturday: weekends rest
    assert is_working_day(D(2027, 3, 1)) is True


@pytest.mark.django_db
def test_a_table_row_overrides_the_package_in_a_covered_year():
    assert is_working_day(D(2026, 12, 31)) is True
    CalendarDay.objects.create(date=D(2026, 12, 31), kind=DayKind.HOLIDAY, name="局机关停电检修")
    answer = day_answer(D(2026, 12, 31))
    assert (answer.working, answer.source, answer.name) == (False, "管理员录入", "局机关停电检修")
    assert last_working_day(2026, 12) == D(2026, 12, 30)
    assert day_answer(D(2026, 12, 30)).source == PACKAGE_SOURCE
    assert day_answer(D(2026, 10, 1)).name == "国庆节"
