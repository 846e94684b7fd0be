"""``lecture_schedule --year Y``: the year's default lecture dates, the last working day of each month.

One line per month, each starting with the date as YYYY-MM-DD, then the weekday in Chinese and the calendar
source.  A year whose calendar is unknown (neither the package nor a complete table of the administrator's
covers it) is an error with a Chinese message and a non-zero exit."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from ganxun.lectures.calendar import CalendarUnknown, YearCalendar, weekday_name


class Command(BaseCommand):
    help = "Print the year's default dates of the lecture series: the last working day of every month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year: int, **options) -> None:
        with translation.override("zh-hans"):
            try:
                calendar = YearCalendar(year)
                days = [calendar.last_working_day(month) for month in range(1, 13)]
            except CalendarUnknown as unknown:
                raise CommandError(str(unknown)) from unknown
            for day in days:
                self.stdout.write(f"{day:%Y-%m-%d} {weekday_name(day)} {calendar.answer(day).source}")
