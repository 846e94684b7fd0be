"""The Chinese working-day calendar the series is scheduled by.

Two sources, in this order:

1. The administrator's table (``CalendarDay``): a row decides its day in any year, even one the package covers
   (a local adjustment: the bureau closed on a day, or worked on one).
2. The ``chinese-calendar`` package for the years it covers (found from its data, not written down here).
3. For a year the package does not cover, the administrator's table once the year is marked complete
   (``CalendarYear.complete``): a weekday is a working day unless the table makes it a holiday, a weekend day
   is not unless the table makes it a make-up workday (调休上班).

Any other year is unknown: ``CalendarUnknown`` is raised rather than guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import chinese_calendar
from chinese_calendar import constants
from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarYear, DayKind

PACKAGE_SOURCE = f"chinese-calendar {chinese_calendar.__version__}"
WEEKDAYS = "一二三四五六日"


class CalendarUnknown(Exception):
    """Neither the package nor a complete table of the administrator's knows the year's working days."""

    def __init__(self, year: int) -> None:
        self.year = year
        first, last = package_years()
        super().__init__(
            _(
                "The working-day calendar of %(year)s is unknown: the calendar package covers %(first)s–%(last)s; "
                "enter the year's holidays and make-up workdays and mark its table complete."
            )
            % {"year": year, "first": first, "last": last}
        )


def admin_source() -> str:
    return _("entered by the administrator")


@cache
def package_years() -> tuple[int, int]:
    """The first and last year the package covers, read from its own data."""
    years = {day.year for day in constants.holidays} | {day.year for day in constants.workdays}
    first, last = min(years), max(years)
    for year in (first, last):  # the package agrees it answers for them
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    return first, last


def package_covers(year: int) -> bool:
    first, last = package_years()
    return first <= year <= last


def covered(year: int) -> str | None:
    """Which source answers for the year's working days, or ``None`` when none does."""
    if package_covers(year):
        return PACKAGE_SOURCE
    if CalendarYear.objects.filter(year=year, complete=True).exists():
        return admin_source()
    return None


@dataclass(frozen=True)
class Answer:
    working: bool
    source: str
    name: str = ""


class YearCalendar:
    """One year's working days, with the administrator's rows read once."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.rows = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
        if package_covers(year):
            self.source = PACKAGE_SOURCE
        elif CalendarYear.objects.filter(year=year, complete=True).exists():
            self.source = admin_source()
        else:
            raise CalendarUnknown(year)

    def answer(self, day: dt.date) -> Answer:
        row = self.rows.get(day)
        if row is not None:
            return Answer(row.kind == DayKind.WORKDAY, admin_source(), row.name)
        if self.source == PACKAGE_SOURCE:
            working = chinese_calendar.is_workday(day)
            name = "" if working else (chinese_calendar.get_holiday_detail(day)[1] or "")
            return Answer(working, PACKAGE_SOURCE, _holiday_name(name))
        return Answer(day.weekday() < 5, self.source)

    def is_working_day(self, day: dt.date) -> bool:
        return self.answer(day).working

    def last_working_day(self, month: int) -> dt.date:
        day = (dt.date(self.year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
            if day.month != month:  # a month without a working day: no table should say so
                raise CalendarUnknown(self.year)
        return day


def _holiday_name(english: str) -> str:
    """The package names its holidays in English; its enum carries the Chinese name."""
    for holiday in constants.Holiday:
        if holiday.value == english:
            return holiday.chinese
    return english


def year_calendar(year: int) -> YearCalendar:
    return YearCalendar(year)


def is_working_day(day: dt.date) -> bool:
    return YearCalendar(day.year).is_working_day(day)


def day_answer(day: dt.date) -> Answer:
    return YearCalendar(day.year).answer(day)


def last_working_day(year: int, month: int) -> dt.date:
    return YearCalendar(year).last_working_day(month)


def weekday_name(day: dt.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]
