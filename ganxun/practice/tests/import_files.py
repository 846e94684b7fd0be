"""Practice lists built on the fly for the import tests (no binary fixtures in the repository)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ganxun.roster.models import Gender, PoliticalStatus
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, make_id_number
from ganxun.roster.tests.workbooks import xlsx_bytes

DEPLOYMENT_HEADER = ("姓名", "身份证号", "科室", "支援地点", "地点类型", "所属街道", "开始日期", "结束日期", "任务")
COMMUNITY_HEADER = ("姓名", "身份证号", "党支部", "报到居委", "街道", "报到日期", "服务内容")
TEAM_HEADER = ("姓名", "身份证号", "队内职务", "加入日期", "退出日期")
SECONDMENT_HEADER = ("姓名", "身份证号", "派往地区", "挂职单位", "挂职职务", "开始日期", "结束日期")


def cadre(serial: int, name: str, section: str = "旧区改造科", *, party: bool = True, **extra):
    born = dt.date(1980 + serial % 15, 1 + serial % 12, 1 + serial % 27)
    return CadreFactory(
        name=name,
        birth_date=born,
        gender=Gender.MALE,
        id_number=make_id_number(born, Gender.MALE, serial),
        section=SectionFactory(name=section),
        political_status=PoliticalStatus.CPC_MEMBER if party else PoliticalStatus.MASSES,
        **extra,
    )


def workbook(
    path: Path,
    rows: Iterable[dict[str, Any] | Sequence[Any]],
    header: Sequence[str],
    *,
    title: str | None = "2022年社区抗疫下沉人员名单",
) -> Path:
    path.write_bytes(xlsx_bytes(rows, header, title_rows=(title,) if title else ()))
    return path


def stint_row(person, place="长白一村居委", start="2022.4.1", end="2022年4月30日", **extra) -> dict[str, Any]:
    row = {
        "姓名": person.name,
        "身份证号": person.id_number,
        "科室": person.section.name,
        "支援地点": place,
        "地点类型": "居委",
        "所属街道": "长白新村街道",
        "开始日期": start,
        "结束日期": end,
        "任务": "核酸检测秩序维护",
    }
    row.update(extra)
    return row
