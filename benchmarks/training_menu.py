"""The training menu's gaps of every cadre of a city against hand-written SQL:
``python -m benchmarks.training_menu --cadres 50000``.

Builds a synthetic city with bench_data's code (a tree of units with their 科室 and cadres, no ledger) in a fresh
database — a temporary SQLite file by default, or a scratch database ``bench_training_menu`` created (and
dropped) on the server given with ``--database-url`` — gives the cadres posts, makes three post families with
their menus (必修 and 选修 topics every 1, 2, 3 or 5 years), activities of the topics over five years with two
sessions each, and about ``--attendances`` attendance rows per cadre (present, on leave or absent), then times,
for the reference day and the root unit (the whole city):

(a) the system: ``ganxun.menu.queries.gap_rows`` for the cadres in post of the unit and below — what the gap page,
    the drill-down and the export run: per need, the cadres of its posts without an attendance of its topic in
    its period (an anti-join), the needs joined by ``UNION ALL`` in one statement, read back through the ORM;
(b) hand-written SQL of the same result: the cadres joined with their post's family and its needs, and
    ``NOT EXISTS`` an attendance within the need's period (the periods' first days inlined per number of years).

Both results are checked equal.  The last line is ``ratio=<system time / SQL time>``; the target is 2 or less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from .common import scratch_database

SCRATCH_DATABASE = "bench_training_menu"
POSTS = ("科员", "副主任科员", "一级主任科员", "科长", "副科长", "工程师", "驾驶员")  # 驾驶员: on no menu
FAMILIES = {
    "业务科员": ("科员", "副主任科员", "一级主任科员"),
    "科级领导": ("科长", "副科长"),
    "专业技术": ("工程师",),
}
TOPICS = ("旧区改造", "住房保障", "房产市场", "物业管理", "依法行政", "保密教育", "安全生产", "廉政教育")
# (family, topic, required or elective, every N years)
NEEDS = (
    ("业务科员", "住房保障", "required", 2),
    ("业务科员", "依法行政", "required", 3),
    ("业务科员", "保密教育", "required", 1),
    ("业务科员", "物业管理", "elective", 5),
    ("科级领导", "廉政教育", "required", 1),
    ("科级领导", "安全生产", "required", 2),
    ("科级领导", "旧区改造", "elective", 3),
    ("专业技术", "房产市场", "required", 2),
    ("专业技术", "安全生产", "required", 3),
)
ACTIVITIES_PER_TOPIC_YEAR = 4
ATTENDANCE_BATCH = 20_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.training_menu", description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=50_000, help="cadres in the city (default 50000)")
    parser.add_argument("--attendances", type=int, default=6, help="attendance rows per cadre on average (default 6)")
    parser.add_argument("--sections", type=int, default=100, help="sections (default 100; at least 2 a unit)")
    parser.add_argument("--units", type=int, default=200, help="units under the root (default 200)")
    parser.add_argument("--year", type=int, default=2025, help="the reference day is 30 June of this year")
    parser.add_argument(
        "--database-url",
        help="run in a scratch database bench_training_menu on this server (e.g. postgres://postgres@127.0.0.1:5432/"
        "postgres); default: a temporary SQLite file",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the fastest counts (default 3)")
    return parser.parse_args(argv)


def fastest(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def build_menu(args: argparse.Namespace, on: dt.date) -> tuple[int, int, int]:
    """Posts for the cadres, the families and their needs, the activities and the attendance; the counts."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from ganxun.attendance.models import Attendance
    from ganxun.menu.models import Need, PostFamily, PostName
    from ganxun.roster.models import Cadre, Unit
    from ganxun.training.models import Activity, ActivityKind, AttendanceMethod, AttendanceStatus, Session, TopicModule

    rng = random.Random(2026)
    for position, post in enumerate(POSTS):
        Cadre.objects.annotate(slot=F("id") % len(POSTS)).filter(slot=position).update(post=post)
    families = {}
    for order, (name, posts) in enumerate(FAMILIES.items()):
        families[name] = PostFamily.objects.create(name=name, sort_order=order)
        PostName.objects.bulk_create([PostName(family=families[name], name=post) for post in posts])
    topics = {name: TopicModule.objects.get_or_create(name=name)[0] for name in TOPICS}
    for family, topic, requirement, years in NEEDS:
        Need.objects.create(family=families[family], topic=topics[topic], requirement=requirement, every_years=years)
    kind = ActivityKind.objects.get(name="全员培训班")
    root = Unit.objects.get(code="BENCH-ROOT") if args.units else Unit.objects.order_by("path").first()
    session_ids: list[int] = []
    with transaction.atomic():
        for topic in topics.values():
            for year_back in range(6):
                for n in range(ACTIVITIES_PER_TOPIC_YEAR):
                    activity = Activity.objects.create(
                        title=f"{topic.name}专题班{on.year - year_back}-{n}", kind=kind, topic=topic, unit=root
                    )
                    first = on - dt.timedelta(days=365 * year_back + rng.randrange(-120, 120))
                    for day in (first, first + dt.timedelta(days=1)):
                        session = Session.objects.create(
                            activity=activity,
                            date=day,
                            start_time=dt.time(9),
                            end_time=dt.time(12),
                            hours=3,
                        )
                        session_ids.append(session.pk)
    cadre_ids = list(Cadre.objects.values_list("pk", flat=True))
    statuses = [AttendanceStatus.PRESENT] * 17 + [AttendanceStatus.LEAVE] * 2 + [AttendanceStatus.ABSENT]
    now = timezone.now()
    rows: list[Attendance] = []
    made = 0
    for cadre_id in cadre_ids:
        count = rng.randrange(0, 2 * args.attendances + 1)
        for session_id in rng.sample(session_ids, min(count, len(session_ids))):
            rows.append(
                Attendance(
                    session_id=session_id,
                    cadre_id=cadre_id,
                    status=rng.choice(statuses),
                    method=AttendanceMethod.IMPORT,
                    updated_at=now,
                )
            )
        if len(rows) >= ATTENDANCE_BATCH:
            Attendance.objects.bulk_create(rows)
            made += len(rows)
            rows = []
    Attendance.objects.bulk_create(rows)
    made += len(rows)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(NEEDS), len(session_ids), made


def system(path: str, on: dt.date):
    from ganxun.menu.queries import gap_rows
    from ganxun.roster.models import Cadre

    return gap_rows(Cadre.objects.active().filter(unit__path__startswith=path), on)


def hand_written_sql(path: str, on: dt.date) -> str:
    """The SQL a database person would write for the same rows, the periods' first days inlined."""
    from ganxun.menu.models import MAX_EVERY_YEARS
    from ganxun.menu.queries import counts_from

    firsts = " OR ".join(
        f"(n.every_years = {years} AND s.date >= '{counts_from(on, years).isoformat()}')"
        for years in range(1, MAX_EVERY_YEARS + 1)
    )
    return f"""
SELECT c.id, c.section_id, c.unit_id, n.id
FROM roster_cadre c
JOIN roster_unit u ON u.id = c.unit_id
JOIN menu_postname p ON p.name = c.post
JOIN menu_need n ON n.family_id = p.family_id
JOIN training_topicmodule t ON t.id = n.topic_id
WHERE c.status = 'active' AND u.path LIKE '{path}%' AND t.is_active = TRUE
  AND NOT EXISTS (
    SELECT 1 FROM training_attendance a
    JOIN training_session s ON s.id = a.session_id
    JOIN training_activity v ON v.id = s.activity_id
    WHERE a.cadre_id = c.id AND a.status = 'present' AND v.topic_id = n.topic_id
      AND s.date <= '{on.isoformat()}' AND ({firsts})
  )
"""


def run_sql(sql: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with scratch_database(args.database_url, name=SCRATCH_DATABASE):
        report(args)


def report(args: argparse.Namespace) -> None:
    from django.db import connection

    from ganxun.demo.management.commands.bench_data import build_city
    from ganxun.roster.models import Cadre, Unit

    print(f"database: {connection.vendor}; building {args.cadres} cadres in {args.units} units …", flush=True)
    built = build_city(cadres=args.cadres, entries=0, sections=args.sections, year=args.year, units=args.units)
    on = dt.date(args.year, 6, 30)
    started = time.perf_counter()
    needs, sessions, attendances = build_menu(args, on)
    print(
        f"built {built.units} units, {built.sections} sections, {built.cadres} cadres ({built.seconds:.1f} s); "
        f"{needs} needs, {sessions} sessions, {attendances} attendance rows ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    unit = Unit.objects.get(code="BENCH-ROOT") if args.units else Unit.objects.get(pk=built.root_unit_id)
    sql = hand_written_sql(unit.path, on)
    system_time, ours = fastest(args.repeat, lambda: system(unit.path, on))
    sql_time, theirs = fastest(args.repeat, lambda: run_sql(sql))
    if sorted(ours) != sorted(theirs):
        differing = sorted(set(ours) ^ set(theirs))[:10]
        sys.exit(f"the system and the SQL disagree ({len(ours)} vs {len(theirs)} rows), e.g. {differing}")
    judged = Cadre.objects.active().filter(unit__path__startswith=unit.path).count()
    print(
        f"unit {unit.name} ({unit.code}), {on}: {judged} cadres in post, {len(ours)} gaps "
        f"({len({row[0] for row in ours})} cadres lacking a topic), equal in both"
    )
    print(f"system    menu.queries.gap_rows (ORM: UNION ALL of anti-joins, one per need): {system_time:7.3f} s")
    print(f"baseline  hand-written SQL (join with the needs, NOT EXISTS):                 {sql_time:7.3f} s")
    print(f"ratio={system_time / sql_time:.2f}")


if __name__ == "__main__":
    main()
