"""The outlier rules at their thresholds: 8 学时 a day of the period on average (8.0 fine, 8.01 flagged), 400 in a
year (400 fine, 400.01 flagged), a cadre not in post during the period; rule rows an administrator changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ganxun.hours.models import LedgerEntry, Source
from ganxun.online.imports import online_import
from ganxun.online.models import FigureStatus, OnlineFigure, OutlierKind, OutlierRule

from .exports import export, person, platform

pytestmark = pytest.mark.django_db
HEADER = ("姓名", "身份证号", "总学时")
TEN_DAYS = "统计时间：2026-06-01至2026-06-10"
WHOLE_YEAR = "统计时间：2026年1月1日—2026年12月31日"


def run(tmp_path, rows, title):
    path = export(tmp_path / "export.xlsx", HEADER, rows, titles=("干部在线学习学时统计", title))
    return online_import(path, platform=platform("干部在线学习"), file_name=path.name, write=True)


def statuses():
    return dict(OnlineFigure.objects.values_list("cadre__name", "status"))


def test_eight_hours_a_day_on_average_is_fine_and_a_hundredth_more_is_flagged(tmp_path):
    at, above, far_above = person(1, "正好八"), person(2, "多一点"), person(3, "多许多")
    result = run(
        tmp_path,
        [
            (at.name, at.id_number, "80"),
            (above.name, above.id_number, "80.1"),
            (far_above.name, far_above.id_number, "80.01"),
        ],
        TEN_DAYS,
    )
    assert (result.period_start, result.period_end) == (dt.date(2026, 6, 1), dt.date(2026, 6, 10))
    assert statuses() == {"正好八": "created", "多一点": "flagged", "多许多": "flagged"}
    assert LedgerEntry.objects.filter(source=Source.ONLINE_RECORD).count() == 1
    flagged = OnlineFigure.objects.get(cadre=above)
    assert "80.10" in flagged.flags and "10" in flagged.flags


def test_four_hundred_hours_in_a_year_is_fine_and_more_is_flagged(tmp_path):
    at, above = person(1, "四百"), person(2, "四百零一分")
    run(tmp_path, [(at.name, at.id_number, "400"), (above.name, above.id_number, "400.01")], WHOLE_YEAR)
    assert statuses() == {"四百": "created", "四百零一分": "flagged"}


def test_a_figure_for_a_cadre_not_in_post_during_the_period_is_flagged(tmp_path):
    serving = person(1, "在岗")
    joined_later = person(2, "七月入职", hire_date=dt.date(2026, 7, 1))
    joined_on_the_last_day = person(3, "十日入职", hire_date=dt.date(2026, 6, 10))
    rows = [(c.name, c.id_number, "10") for c in (serving, joined_later, joined_on_the_last_day)]
    run(tmp_path, rows, TEN_DAYS)
    assert statuses() == {"在岗": "created", "七月入职": "flagged", "十日入职": "created"}


def test_an_administrator_tightens_or_turns_off_a_rule(tmp_path):
    OutlierRule.objects.filter(kind=OutlierKind.PER_DAY).update(threshold=Decimal("2"))
    OutlierRule.objects.filter(kind=OutlierKind.NOT_IN_POST).update(active=False)
    at, above = person(1, "二十"), person(2, "二十点五")
    later = person(3, "七月入职", hire_date=dt.date(2026, 7, 1))
    rows = [(at.name, at.id_number, "20"), (above.name, above.id_number, "20.5"), (later.name, later.id_number, "1")]
    run(tmp_path, rows, TEN_DAYS)
    assert statuses() == {"二十": "created", "二十点五": "flagged", "七月入职": "created"}


def test_a_flagged_figure_counts_nothing_until_reviewed(tmp_path):
    cadre = person(1, "多许多")
    run(tmp_path, [(cadre.name, cadre.id_number, "100")], TEN_DAYS)
    assert OnlineFigure.objects.get().status == FigureStatus.FLAGGED
    assert not LedgerEntry.objects.filter(cadre=cadre).exists()
