"""Deployment list import against plain openpyxl reading: ``python -m benchmarks.practice_import --rows 20000``.

Builds, in a temporary directory, a deployment list as a bureau keeps it (a title row, Chinese headers, dates in
the roster's spellings — 2022.4.1, 2022年4月30日, 2022.4, Excel dates —, 居委 written with and without spaces, a
合计 row at the end) naming cadres of a fresh database (a temporary SQLite file, or a scratch database on the
server given with ``--database-url``) that has the year's conversion rules, then times, alternately and the
fastest of ``--repeat`` runs each:

(a) openpyxl's own read-only iteration over every cell of the file: the floor any import stands on;
(b) the system's whole import of it (``practice_import(write=True)``, as ``import_practice`` and the upload
    page run it): every cell parsed, the cadres matched, the places looked up, each row compared with the
    campaign's deployments, then in one committed transaction the campaign and the new places, every
    deployment with its attribution and audit event, and the 学时 of every cadre (credits, ledger entries with
    their audit events, the totals) — into an emptied database each time.

It also times the check alone (``write=False``: the preview and ``--dry-run``) and the re-import of the same
file (everything already there: all unchanged), and measures peak memory (tracemalloc) at two sizes, of the check
(the file is streamed: flat in the rows) and of the import (which writes each batch of rows as it is checked,
inside the import's one transaction: flat too).
The last line is ``ratio=<import time / baseline time>``; the target is 4 or less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

from .common import peak_memory, scratch_database, seed_roster, timed

SECTIONS = ("办公室", "组织人事科", "旧区改造科", "住房保障科", "物业管理科", "房屋安全科", "法规科", "执法大队")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅晓东文斌海燕雪丹俊鹏飞佳怡子涵浩然欣"
STREETS = ("长白新村街道", "延吉新村街道", "殷行街道", "控江路街道", "五角场街道")
TASKS = ("核酸检测秩序维护", "物资配送", "流调排查", "楼组值守", "信息登记", "")
HEADER = ("序号", "姓名", "身份证号", "科室", "支援地点", "地点类型", "所属街道", "开始日期", "结束日期", "任务")
CAMPAIGN = "2022年社区抗疫（基准测试）"
ACTOR: dict = {}  # the administrator who imports (set once the database is there)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.practice_import", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the timed list (default 20000)")
    parser.add_argument(
        "--memory-rows", type=int, default=None, help="the smaller size whose peak memory is compared (default rows/4)"
    )
    parser.add_argument(
        "--database-url",
        help="run in a fresh test database on this server (e.g. postgres://postgres@127.0.0.1:5432/postgres); "
        "default: a temporary SQLite file",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the fastest counts (default 3)")
    return parser.parse_args(argv)


def places() -> list[tuple[str, str, str]]:
    """(支援地点, 地点类型, 所属街道): 13 居委 and 33 小区 as in the seed's year, the key sites, some spelt with spaces."""
    found = []
    for n in range(13):
        street = STREETS[n % len(STREETS)]
        found.append((f"第{n + 1}村居委", "居委", street))
        found.append((f"第{n + 1}村 居委", "", street))  # the same place, written with a space and no kind
    for n in range(33):
        found.append((f"第{n % 13 + 1}村{n}号小区", "小区", STREETS[n % len(STREETS)]))
    found += [("浦东机场", "机场", ""), ("虹桥隔离酒店", "隔离点", ""), ("国家会展中心方舱", "医学观察点", "")]
    return found


def people(count: int, seed: int = 2022) -> list[tuple[str, str, str]]:
    """(name, ID number, 科室) of ``count`` cadres with valid, distinct ID numbers."""
    from ganxun.roster.idcard import check_digit

    rng = random.Random(seed)
    used: set[str] = set()
    found = []
    while len(found) < count:
        born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(30 * 365))
        first17 = f"310110{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = first17 + check_digit(first17)
        if number in used:
            continue
        used.add(number)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        found.append((name, number, SECTIONS[len(found) % len(SECTIONS)]))
    return found


def build_list(path: Path, rows: int, cadres: list[tuple[str, str, str]], seed: int = 7) -> None:
    """The deployment list: each cadre serves a stint after another (a new start date each time round).

    Saved as Excel saves a sheet, with its <dimension> (a write-only openpyxl workbook has none, and openpyxl's
    plain reading then parses the sheet twice, once for its size: an unfair baseline).
    """
    from openpyxl import Workbook

    rng = random.Random(seed)
    where = places()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "下沉人员"
    sheet.append(["2022年社区抗疫下沉人员名单（基准测试）"])
    sheet.append(list(HEADER))
    first = dt.date(2022, 3, 1)
    for n in range(rows):
        name, number, section = cadres[n % len(cadres)]
        start = first + dt.timedelta(days=(n // len(cadres)) * 20 + rng.randrange(10))
        end = start + dt.timedelta(days=rng.randrange(1, 10))
        place, kind, street = where[rng.randrange(len(where))]
        spelling = n % 3
        sheet.append(
            [
                n + 1,
                name,
                number,
                section,
                place,
                kind,
                street,
                (dt.datetime(start.year, start.month, start.day), f"{start:%Y.%-m.%-d}", f"{start:%Y/%m/%d}")[spelling],
                (f"{end.year}年{end.month}月{end.day}日", f"{end:%Y-%m-%d}", dt.datetime(end.year, end.month, end.day))[
                    spelling
                ],
                rng.choice(TASKS),
            ]
        )
    sheet.append(["合 计", f"{rows}人次"])
    workbook.save(path)


def baseline(path: Path) -> int:
    """openpyxl's own read-only iteration over every cell."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        for _value in row:
            cells += 1
    workbook.close()
    return cells


def check(path: Path, *, write: bool = False):
    from ganxun.practice.imports import practice_import

    result = practice_import(
        path, kind="deployment", file_name=path.name, campaign=CAMPAIGN, write=write, actor=ACTOR.get("actor")
    )
    if not result.ok:
        sys.exit("the benchmark list did not import:\n" + "\n".join(str(e) for e in result.errors[:20]))
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    small_rows = args.memory_rows or max(args.rows // 4, 1)
    with scratch_database(args.database_url, max(args.rows, small_rows)) as workdir:
        report(args, workdir, small_rows)


def seed_rules() -> None:
    """The year's conversion rules, so that the import counts 学时 (not timed)."""
    from decimal import Decimal

    from ganxun.hours.models import ConversionRule, Unit

    ConversionRule.objects.create(
        year=2022, unit=Unit.DEPLOYMENT_DAY, per=Decimal(1), hours=Decimal(4), per_item_cap=Decimal(40)
    )


def reset() -> None:
    """Empty what an import writes, between runs (not timed)."""
    from ganxun.audit.models import AuditEvent
    from ganxun.hours.models import HourTotal, LedgerEntry
    from ganxun.practice.models import Campaign, Place, PracticeCredit, Stint

    LedgerEntry.objects.all().delete()
    HourTotal.objects.all().delete()
    PracticeCredit.objects.all().delete()
    Stint.objects.all().delete()
    Campaign.objects.all().delete()
    Place.objects.update(parent=None, merged_into=None)
    Place.objects.all().delete()
    AuditEvent.objects.all().delete()


def report(args: argparse.Namespace, workdir: Path, small_rows: int) -> None:
    from django.db import connection

    from ganxun.accounts.models import Role, User
    from ganxun.hours.models import LedgerEntry
    from ganxun.roster.models import home_unit_id

    cadres = people(max(args.rows // 4, 1))
    seed_roster(cadres, SECTIONS)
    seed_rules()
    ACTOR["actor"] = User.objects.create(username="benchmark", role=Role.TRAINING_ADMIN, unit_id=home_unit_id())
    big, small = workdir / f"deployments-{args.rows}.xlsx", workdir / f"deployments-{small_rows}.xlsx"
    build_list(big, args.rows, cadres)
    build_list(small, small_rows, cadres, seed=11)
    print(
        f"database: {connection.vendor}; list: {args.rows} rows of {len(cadres)} cadres, "
        f"{big.stat().st_size / 1048576:.1f} MB"
    )
    cells = baseline(big)  # warm up: file cache, imports
    check(big)
    # Alternate them so that a busy machine slows each alike; the fastest run of each counts.
    base_times, check_times, import_times = [], [], []
    for _ in range(args.repeat):
        base_times.append(timed(lambda: baseline(big)))
        check_times.append(timed(lambda: check(big)))
        reset()
        import_times.append(timed(lambda: check(big, write=True)))
    base, checked, full = min(base_times), min(check_times), min(import_times)
    entries = LedgerEntry.objects.count()
    again = timed(lambda: check(big, write=True))  # everything already there: all unchanged
    print(f"baseline  openpyxl read-only, {cells} cells:   {base:7.2f} s  {args.rows / base:9.0f} rows/s")
    print(f"check     parse, match, compare (dry run):  {checked:7.2f} s  {args.rows / checked:9.0f} rows/s")
    print(f"import    check, write, audit, 学时, commit: {full:7.2f} s  {args.rows / full:9.0f} rows/s")
    print(f"          ({entries} ledger entries, {LedgerEntry.objects.filter(status='confirmed').count()} confirmed)")
    print(f"re-import all unchanged:                    {again:7.2f} s  {args.rows / again:9.0f} rows/s")

    sizes = ((small, small_rows), (big, args.rows))
    checks = {rows: peak_memory(lambda path=path: check(path)) for path, rows in sizes}
    imports = {}
    for path, rows in sizes:
        reset()
        imports[rows] = peak_memory(lambda path=path: check(path, write=True))
    for rows in (small_rows, args.rows):
        print(
            f"peak memory at {rows:6d} rows: check {checks[rows] / 1048576:7.1f} MB, "
            f"import {imports[rows] / 1048576:7.1f} MB"
        )
    print(
        f"memory growth {small_rows} -> {args.rows} rows: check {checks[args.rows] / checks[small_rows]:.2f}x, "
        f"import {imports[args.rows] / imports[small_rows]:.2f}x"
    )
    print(f"ratio={full / base:.2f}")


if __name__ == "__main__":
    main()
