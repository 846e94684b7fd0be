"""A platform's export imported against plain openpyxl reading: ``python -m benchmarks.online_import --rows 100000``.

Builds, in a temporary directory, a 干部在线学习 export as the platform gives it (a title row, the statistics period
in a second title row, Chinese headers, ID numbers as text, 必修/选修/总学时, a 合计 row at the end) of ``--rows``
people, every one of them a cadre of a fresh database (a temporary SQLite file, or a scratch database on the
server given with ``--database-url``), then times, alternately and the fastest of ``--repeat`` runs each:

(a) openpyxl's own read-only iteration over every cell of the file: the floor any import stands on;
(b) the system's whole import of it (``online_import(write=True)``, as ``import_online`` and the upload page run
    it): every cell parsed, the people matched by ID number, each figure checked against the outlier rules and the
    figures already there, then in one committed transaction the import record with its stored file, every figure
    (the per-person history), the credits, their confirmed ledger entries with their audit events and the cadres'
    totals — into an emptied database each time.

It also times the check alone (``write=False``: the preview and ``--dry-run``) and the re-import of the same
file (all unchanged), and measures peak memory (tracemalloc) at two sizes, of the check and of the import: both
stream the file and write a thousand rows at a time, so neither should grow with the rows.
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
HEADER = ("序号", "姓名", "身份证号", "单位/部门", "必修学时", "选修学时", "总学时", "完成课程数", "年度")
YEAR = 2025
PLATFORM = "干部在线学习"
ACTOR: dict = {}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.online_import", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="people in the timed export (default 100000)")
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


def build_list(path: Path, cadres: list[tuple[str, str, str]], seed: int = 7, more: float = 0) -> None:
    """The export: one row per person, figures with halves and the odd hundredth; saved as Excel saves a sheet
    (with its <dimension>: a write-only workbook has none and openpyxl's plain reading would parse it twice)."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学员学时统计"
    sheet.append([f"{PLATFORM} {YEAR}年度学员学时统计（基准测试）"])
    sheet.append([f"统计时间：{YEAR}-01-01至{YEAR}-12-31"])
    sheet.append(list(HEADER))
    for n, (name, number, section) in enumerate(cadres):
        required = rng.randrange(0, 80) / 2 + more
        elective = rng.randrange(0, 6000) / 100
        sheet.append(
            [n + 1, name, number, section, required, elective, round(required + elective, 2), rng.randrange(40), YEAR]
        )
    sheet.append(["合 计", f"{len(cadres)}人"])
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
    from ganxun.online.imports import online_import
    from ganxun.online.models import Platform

    platform = Platform.objects.get(name=PLATFORM)
    result = online_import(
        path, platform=platform, file_name=path.name, year=YEAR, write=write, actor=ACTOR.get("actor")
    )
    if not result.ok:
        sys.exit("the benchmark list did not import:\n" + "\n".join(str(e) for e in result.errors[:20]))
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    small_rows = args.memory_rows or max(args.rows // 4, 1)
    with scratch_database(args.database_url, max(args.rows, small_rows)) as workdir:
        report(args, workdir, small_rows)


def reset() -> None:
    """Empty what an import writes, between runs (not timed)."""
    from ganxun.audit.models import AuditEvent
    from ganxun.hours.models import HourTotal, LedgerEntry
    from ganxun.online.models import OnlineCredit, OnlineFigure, OnlineImport

    LedgerEntry.objects.all().delete()
    HourTotal.objects.all().delete()
    OnlineFigure.objects.all().delete()
    OnlineCredit.objects.all().delete()
    OnlineImport.objects.all().delete()
    AuditEvent.objects.all().delete()


def report(args: argparse.Namespace, workdir: Path, small_rows: int) -> None:
    from django.db import connection

    from ganxun.accounts.models import Role, User
    from ganxun.hours.models import LedgerEntry
    from ganxun.roster.models import home_unit_id

    cadres = people(args.rows)
    seed_roster(cadres, SECTIONS)
    ACTOR["actor"] = User.objects.create(username="benchmark", role=Role.TRAINING_ADMIN, unit_id=home_unit_id())
    big, small = workdir / f"online-{args.rows}.xlsx", workdir / f"online-{small_rows}.xlsx"
    build_list(big, cadres)
    build_list(small, cadres[:small_rows], seed=11)
    later = workdir / f"online-{args.rows}-later.xlsx"
    build_list(later, cadres, more=5)  # the next month's export: every figure 5 higher
    print(f"database: {connection.vendor}; export: {args.rows} people, {big.stat().st_size / 1048576:.1f} MB")
    cells = baseline(big)  # warm up: file cache, imports
    check(big, write=False)
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
    higher = timed(lambda: check(later, write=True))  # every figure higher: all updated
    print(f"baseline  openpyxl read-only, {cells} cells:   {base:7.2f} s  {args.rows / base:9.0f} rows/s")
    print(f"check     parse, match, compare (dry run):  {checked:7.2f} s  {args.rows / checked:9.0f} rows/s")
    print(f"import    check, write, audit, 学时, commit: {full:7.2f} s  {args.rows / full:9.0f} rows/s")
    print(f"          ({entries} ledger entries, {LedgerEntry.objects.filter(status='confirmed').count()} confirmed)")
    print(f"re-import all unchanged:                    {again:7.2f} s  {args.rows / again:9.0f} rows/s")
    print(f"next export, all updated:                   {higher:7.2f} s  {args.rows / higher:9.0f} rows/s")

    sizes = ((small, small_rows), (big, args.rows))
    # openpyxl holds a workbook's shared strings (here every name and ID number) in memory however the sheet is
    # read: the plain reading's own peak shows how much of any growth is that, not the import's.
    plain = {rows: peak_memory(lambda path=path: baseline(path)) for path, rows in sizes}
    checks = {rows: peak_memory(lambda path=path: check(path)) for path, rows in sizes}
    imports = {}
    for path, rows in sizes:
        reset()
        imports[rows] = peak_memory(lambda path=path: check(path, write=True))
    for rows in (small_rows, args.rows):
        print(
            f"peak memory at {rows:6d} rows: openpyxl {plain[rows] / 1048576:7.1f} MB, "
            f"check {checks[rows] / 1048576:7.1f} MB, import {imports[rows] / 1048576:7.1f} MB"
        )
    print(
        f"memory growth {small_rows} -> {args.rows} rows: check {checks[args.rows] / checks[small_rows]:.2f}x, "
        f"import {imports[args.rows] / imports[small_rows]:.2f}x; beyond openpyxl's own: check "
        f"{(checks[args.rows] - plain[args.rows]) / 1048576:.1f} MB vs {(checks[small_rows] - plain[small_rows]) / 1048576:.1f} MB, "
        f"import {(imports[args.rows] - plain[args.rows]) / 1048576:.1f} MB vs "
        f"{(imports[small_rows] - plain[small_rows]) / 1048576:.1f} MB"
    )
    print(f"ratio={full / base:.2f}")


if __name__ == "__main__":
    main()
