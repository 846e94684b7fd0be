"""``lecture_schedule --year Y``: 12 lines starting with the date; an unknown year is a Chinese error."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ganxun.lectures.models import CalendarDay, CalendarYear, DayKind


def run(year: int) -> list[str]:
    out = StringIO()
    call_command("lecture_schedule", "--year", str(year), stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_a_covered_year_prints_twelve_dates_with_weekday_and_source():
    lines = run(2025)
    assert len(lines) == 12
    assert [line[:10] for line in lines][:3] == ["2025-01-27", "2025-02-28", "2025-03-31"]
    assert lines[0] == "2025-01-27 星期一 chinese-calendar 1.11.0"
    assert lines[8].startswith("2025-09-30 星期二")


@pytest.mark.django_db
def test_an_admin_table_year_prints_its_dates_and_source():
    CalendarDay.objects.create(date=dt.date(2027, 12, 31), kind=DayKind.HOLIDAY, name="元旦")
    CalendarYear.objects.create(year=2027, complete=True)
    lines = run(2027)
    assert len(lines) == 12
    assert lines[11] == "2027-12-30 星期四 管理员录入"
    assert lines[0] == "2027-01-29 星期五 管理员录入"


@pytest.mark.django_db
def test_an_unknown_year_is_an_error_in_chinese():
    CalendarYear.objects.create(year=2027, complete=False)  # begun, not complete
    with pytest.raises(CommandError, match="2027年的工作日历未知"):
        run(2027)
