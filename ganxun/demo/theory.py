"""The demo bureau's theory classroom (理论课堂) beyond its study sessions.

- The leadership's study record: the study register of 党委会学习 and 中心组学习 is the training year's
  (``schedule.py``); here, for each calendar year the demo's twelve months touch, the year's plan of 中心组 topics
  (the months' topics the sessions study, the leaders taking turns to lead) and the leaders' own self-study,
  through ``ganxun.study``'s services.
- 线上学习: the year's exports of 干部在线学习 (年度累计学时) and 学习强国 (年度积分), as the platforms give them (a
  title row, a 合计 row, ID numbers as text), imported through ``ganxun.online``'s import as the training
  administrator: most cadres between 30 and 70 学时, one figure over the 400-学时 rule held for review, and one
  person the roster does not know (a cadre on loan from another unit) listed apart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from ganxun.accounts.models import Role, User
from ganxun.online.imports.engine import online_import
from ganxun.online.models import Platform
from ganxun.roster.models import Cadre
from ganxun.study.models import SelfStudy
from ganxun.study.services import demo_study

from .schedule import CENTRE_TOPICS, window_months

SEED = 20261130


@dataclasses.dataclass
class TheoryYear:
    plans: int = 0
    self_study: int = 0
    online_people: int = 0  # cadres with a figure from a platform's export
    online_flagged: int = 0  # figures held for review
    online_unmatched: int = 0  # people of the exports not on the roster


def load_theory_year(*, today: dt.date) -> TheoryYear:
    result = TheoryYear()
    admin = User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise ValueError("load the demo bureau (with its training administrator) first")
    unit = admin.unit
    months = window_months(today)
    for year in sorted({y for y, _m in months}):
        # The plan of each year holds the topics of the year's months the demo covers.
        topics = {m: CENTRE_TOPICS[m] for y, m in months if y == year and m in CENTRE_TOPICS}
        if topics:
            demo_study(unit=unit, year=year, topics=topics, today=today)
            result.plans += 1
    result.self_study = SelfStudy.objects.filter(cadre__unit=unit).count()
    _online(admin, today, result)
    return result


def _online(admin: User, today: dt.date, result: TheoryYear) -> None:
    rng = random.Random(SEED)
    people = [
        c
        for c in Cadre.objects.visible_to(admin).active().select_related("section").order_by("pk")
        if c.pk != admin.cadre_id and (c.hire_date is None or c.hire_date <= today)
    ]
    if not people:
        return
    stranger = ("周借调", "310110199001010000")  # not on the roster: an ID number the roster does not hold
    hours_rows = []
    for n, cadre in enumerate(people, start=1):
        required = Decimal(rng.randrange(20, 41))
        elective = Decimal(rng.randrange(0, 61)) / 2
        if cadre.hire_date is not None and cadre.hire_date.year == today.year:
            # A recruit of this year studies from the month they joined.
            share = Decimal(today.month - cadre.hire_date.month + 1) / 12
            required, elective = (
                (required * share).quantize(Decimal("0.5")),
                (elective * share).quantize(Decimal("0.5")),
            )
        if n == 7:
            elective = Decimal(395)  # over 400 in the year: held for the administrator's review
        hours_rows.append(
            [
                n,
                cadre.name,
                cadre.id_number,
                cadre.section.name if cadre.section else "",
                required,
                elective,
                required + elective,
            ]
        )
    hours_rows.append(
        [
            len(hours_rows) + 1,
            stranger[0],
            _valid_id(stranger[1]),
            "区住房保障中心",
            Decimal(30),
            Decimal(12),
            Decimal(42),
        ]
    )
    points_rows = [
        [n, cadre.name, cadre.phone, rng.randrange(3000, 12000)]
        for n, cadre in enumerate(people, start=1)
        if cadre.phone
    ]
    month = f"{today.year}年1月—{today.month}月"
    with tempfile.TemporaryDirectory(prefix="ganxun-demo-") as folder:
        exports = [
            (
                "干部在线学习",
                f"干部在线学习{today.year}年度学时统计.xlsx",
                [f"干部在线学习平台 {today.year}年度学员学时统计（{month}）"],
                ["序号", "姓名", "身份证号", "单位/部门", "必修学时", "选修学时", "总学时"],
                hours_rows,
            ),
        ]
        if points_rows:
            exports.append(
                (
                    "学习强国",
                    f"学习强国{today.year}年度积分.xlsx",
                    [f"“学习强国”学习平台 {today.year}年度积分统计（{month}）"],
                    ["序号", "姓名", "手机号", "年度积分"],
                    points_rows,
                )
            )
        for name, file_name, titles, header, rows in exports:
            platform = Platform.objects.filter(name=name).first()
            if platform is None:
                continue
            path = Path(folder) / file_name
            _workbook(path, titles, header, rows)
            found = online_import(
                path, platform=platform, file_name=file_name, actor=admin, year=today.year, write=True
            )
            if not found.written:
                raise ValueError(f"the demo's {name} export did not import: {found.errors[:5]}")
            result.online_people = max(result.online_people, found.created + found.flagged)
            result.online_flagged += found.flagged
            result.online_unmatched += found.unmatched


def _valid_id(first17_or_full: str) -> str:
    from ganxun.roster.idcard import check_digit

    first17 = first17_or_full[:17]
    return first17 + check_digit(first17)


def _workbook(path: Path, titles: list[str], header: list[str], rows: list[list]) -> None:
    """As a platform exports it: title rows, the header, the rows (ID numbers and phones as text), a 合计 row."""
    workbook = Workbook()
    sheet = workbook.active
    for title in titles:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for position, name in enumerate(header, start=1):
            if name in ("身份证号", "手机号"):
                sheet.cell(sheet.max_row, position).number_format = "@"
    sheet.append(["合计", f"{len(rows)}人"])
    workbook.save(path)
