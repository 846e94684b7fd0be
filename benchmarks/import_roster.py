"""Roster import against plain openpyxl reading: ``python -m benchmarks.import_roster --rows 20000``.

Builds a realistic roster workbook in a temporary directory, times (a) openpyxl's read-only
iteration over every cell of it and (b) the system's whole import of it (read, check every
row, write cadres and their audit events, commit) into a fresh database, and measures the
import's peak memory (tracemalloc) at two sizes.  The import reads and checks the whole file
before it writes, so its memory grows with the rows (the prepared writes), within the row limit.

It then measures how long the write transaction lasts, which on SQLite is how long the import
holds the write lock that every other user's write waits for (at most the busy timeout): at
45,000 rows and at IMPORT_MAX_ROWS, for a first import (all created) and a re-import in which
every cadre changes (all updated).
The last line is ``ratio=<import time / baseline time>``; the target is 4 or less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

SECTIONS = (
    "办公室",
    "组织人事科",
    "党群工作科",
    "旧区改造科",
    "住房保障科",
    "房地产市场科",
    "物业管理科",
    "房屋安全科",
    "法规科",
    "财务科",
    "信访办",
    "执法大队",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅晓东文斌海燕雪梅丹俊杰鹏飞佳怡子涵浩然欣怡梓萱宇轩思远嘉怡明轩诗涵一鸣"
REGIONS = ("310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112", "310113", "310115")
POSTS = ("科员", "副科长", "科长", "主任科员", "办事员", "副主任", "主任")
BRANCHES = ("机关第一党支部", "机关第二党支部", "机关第三党支部", "")
# Every date in the workbook lies before this year's end, so that the roster imports whatever the day it runs
# (hire and rank dates may lie at most a year ahead).
LATEST_YEAR = 2025
HEADER = (
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "部门",
    "现任职务",
    "职级",
    "领导职务",
    "政治面貌",
    "所在党支部",
    "手机号码",
    "参加工作时间",
    "录用日期",
    "现职级任职时间",
    "人员状态",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_roster", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the timed workbook (default 20000)")
    parser.add_argument(
        "--memory-rows",
        type=int,
        default=None,
        help="smaller size whose peak memory is compared with --rows (default a quarter of --rows)",
    )
    parser.add_argument(
        "--database-url",
        help="run in a fresh test database on this server (e.g. postgres://postgres@127.0.0.1:5432/postgres); "
        "default: a temporary SQLite file",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the fastest counts (default 3)")
    parser.add_argument(
        "--lock-rows",
        default="45000,limit",
        help="sizes at which to time the write transaction, 'limit' meaning IMPORT_MAX_ROWS (default 45000,limit); "
        "empty to skip",
    )
    return parser.parse_args(argv)


def build_roster(path: Path, rows: int, seed: int = 2026, post: str | None = None) -> None:
    """A roster as a personnel office keeps it: a title row, Chinese headers, mixed date spellings."""
    from openpyxl import Workbook

    from ganxun.roster.idcard import check_digit
    from ganxun.roster.imports import vocabulary

    rng = random.Random(seed)
    # As personnel files have them: mostly 职级, now and then a 领导职务 level in the same column.
    ranks = [words[0] for words in vocabulary.RANK.values()][4:]
    statuses = ["中共党员"] * 6 + ["群众", "共青团员", "中共预备党员", "九三学社社员", "无党派人士"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("干部名册")
    sheet.append(["区房管局干部名册（基准测试）"])
    sheet.append(list(HEADER))
    used: set[str] = set()
    for n in range(rows):
        while True:
            born = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(28 * 365))
            male = rng.random() < 0.55
            seq = rng.randrange(500) * 2 + (1 if male else 0)
            first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in used:
                used.add(number)
                break
        started = born + dt.timedelta(days=365 * 22 + rng.randrange(2000))
        hired = started + dt.timedelta(days=rng.randrange(3000))
        leader = rng.random() < 0.08
        level = rng.choice((("科级正职", "正科级"), ("科级副职", "副科级")))
        sheet.append(
            [
                rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                number,
                "男" if male else "女",
                (dt.datetime(born.year, born.month, born.day), born.strftime("%Y.%m.%d"), born.strftime("%Y.%m"))[
                    n % 3
                ],
                SECTIONS[n % len(SECTIONS)],
                post or POSTS[n % len(POSTS)],
                level[1] if leader and n % 2 else rng.choice(ranks),
                level[0] if leader else "",
                rng.choice(statuses),
                rng.choice(BRANCHES),
                f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                dt.datetime(started.year, started.month, 1),
                f"{hired:%Y.%m}",
                f"{min(hired.year + rng.randrange(1, 6), LATEST_YEAR)}年{rng.randrange(1, 13)}月",
                "在职",
            ]
        )
    workbook.save(path)


def baseline(path: Path) -> int:
    """openpyxl's own read-only iteration over every cell: the floor any import stands on."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        for _value in row:
            cells += 1
    workbook.close()
    return cells


def run_import(path: Path, actor) -> object:
    from ganxun.roster.imports import roster_import

    result = roster_import(path, file_name=path.name, actor=actor, write=True, max_errors=20)
    if not result.written:
        sys.exit("the benchmark roster did not import:\n" + "\n".join(str(e) for e in result.errors))
    return result


def reset() -> None:
    """Empty the roster between runs (not timed)."""
    from ganxun.audit.models import AuditEvent
    from ganxun.roster.models import Cadre, CadrePeriod

    AuditEvent.objects.all().delete()
    CadrePeriod.objects.all().delete()  # a cadre's periods protect it
    Cadre.objects.all().delete()


def timed(work: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def peak_memory(work: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    small_rows = args.memory_rows or max(args.rows // 4, 1)
    with tempfile.TemporaryDirectory(prefix="ganxun-bench-") as tmp:
        workdir = Path(tmp)
        os.environ["GANXUN_VAR_DIR"] = str(workdir)
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["DJANGO_DEBUG"] = "0"  # DEBUG keeps every SQL statement in memory
        os.environ["IMPORT_MAX_BYTES"] = str(1 << 30)
        os.environ["IMPORT_MAX_UNCOMPRESSED_BYTES"] = str(1 << 32)
        import django

        django.setup()
        from django.conf import settings

        # The limit as configured, for the lock measurement; the timed runs may go past it.
        args.row_limit = int(settings.GANXUN["IMPORT_MAX_ROWS"])
        settings.GANXUN = {
            **settings.GANXUN,
            "IMPORT_MAX_ROWS": max(args.rows, small_rows, args.row_limit, 45_000) + 1,
            "IMPORT_MAX_PART_BYTES": 1 << 32,
        }
        from django.db import connections
        from django.test.utils import setup_databases, teardown_databases

        database = connections["default"].settings_dict
        if database["ENGINE"].endswith("sqlite3"):
            # A file, as in production, rather than the in-memory database Django tests on.
            database["TEST"]["NAME"] = str(workdir / "test.sqlite3")
        else:
            # Not test_<name>: a test run on the same server may be using that one.
            database["TEST"]["NAME"] = f"benchmark_{database['NAME']}"
        databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        try:
            report(args, workdir, small_rows)
        finally:
            teardown_databases(databases, verbosity=0)


def report(args: argparse.Namespace, workdir: Path, small_rows: int) -> None:
    from django.db import connection

    from ganxun.accounts.models import Role, User
    from ganxun.roster.models import Section, home_unit_id

    for order, name in enumerate(SECTIONS):
        Section.objects.create(name=name, sort_order=order)
    actor = User.objects.create(username="benchmark", role=Role.TRAINING_ADMIN, unit_id=home_unit_id())
    big, small = workdir / f"roster-{args.rows}.xlsx", workdir / f"roster-{small_rows}.xlsx"
    build_roster(big, args.rows)
    build_roster(small, small_rows, seed=7)
    print(f"database: {connection.vendor}; workbook: {args.rows} rows, {big.stat().st_size / 1048576:.1f} MB")

    cells = baseline(big)  # warm up: file cache, imports
    # Alternate the two so that a busy machine slows both alike; the fastest run of each counts.
    base_times, import_times = [], []
    for _ in range(args.repeat):
        base_times.append(timed(lambda: baseline(big)))
        reset()
        import_times.append(timed(lambda: run_import(big, actor)))
    base, full = min(base_times), min(import_times)
    again = timed(lambda: run_import(big, actor))  # everything already there: all unchanged
    print(f"baseline  openpyxl read-only, {cells} cells: {base:7.2f} s  {args.rows / base:9.0f} rows/s")
    print(f"import    read, check, write, audit:      {full:7.2f} s  {args.rows / full:9.0f} rows/s")
    print(f"re-import all unchanged:                  {again:7.2f} s  {args.rows / again:9.0f} rows/s")

    peaks = {}
    for path, rows in ((small, small_rows), (big, args.rows)):
        reset()
        peaks[rows] = peak_memory(lambda path=path: run_import(path, actor))
        print(f"peak memory, import of {rows:6d} rows: {peaks[rows] / 1048576:7.1f} MB")
    print(f"memory growth {small_rows} -> {args.rows} rows: {peaks[args.rows] / peaks[small_rows]:.2f}x")
    lock_times(args, workdir, actor)
    print(f"ratio={full / base:.2f}")


def lock_times(args: argparse.Namespace, workdir: Path, actor) -> None:
    """How long the write transaction (SQLite: the write lock) lasts at the sizes asked for."""
    from django.conf import settings
    from django.db import connection

    timeout = settings.DATABASES["default"].get("OPTIONS", {}).get("timeout")
    sizes = [args.row_limit if s.strip() == "limit" else int(s) for s in args.lock_rows.split(",") if s.strip()]
    for rows in sizes:
        first, changed = workdir / f"lock-{rows}.xlsx", workdir / f"lock-{rows}-changed.xlsx"
        build_roster(first, rows, seed=11)
        build_roster(changed, rows, seed=11, post="调研员")
        reset()
        started = time.perf_counter()
        created = run_import(first, actor)
        total = time.perf_counter() - started
        started = time.perf_counter()
        updated = run_import(changed, actor)  # every cadre's post changes: a period of service each
        total_updated = time.perf_counter() - started
        label = "IMPORT_MAX_ROWS" if rows == args.row_limit else "rows"
        print(
            f"write transaction at {rows} {label} ({connection.vendor}): all created {created.write_seconds:.2f} s "
            f"of {total:.2f} s; all updated {updated.write_seconds:.2f} s of {total_updated:.2f} s"
            + (f"; others wait up to {timeout} s" if timeout else "")
        )


if __name__ == "__main__":
    main()
