"""A unit's year-end figures against hand-written SQL of the same figures:
``python -m benchmarks.yearend --cadres 100000 --entries 10000000 --database-url postgres://…``.

Builds the synthetic city of ``benchmarks/compliance.py`` (bench_data's ``build_city``: a tree of units with their
科室, cadres with their history as periods of service, a ledger with its maintained totals) in a fresh database —
a temporary SQLite file by default, or a scratch database ``bench_yearend`` created (and dropped) on the server
given with ``--database-url`` — then times, for the year and the unit (the root by default: the whole city):

(a) the system: ``ganxun.yearend.figures.compute`` — every figure of the catalogue (the ledger's, the classrooms'
    sessions, plans, nominations, reception, practice, and compliance judged per cadre by
    ``ganxun.hours.queries.compliance``);
(b) hand-written SQL over the raw tables, inside the database: the ledger-based figures — cadres in post on
    31 December (periods of service), cadres trained and online learners (distinct cadres with a confirmed entry
    attributed to the unit's subtree), 学时 per category and in all, 学时 per tier (the tier of the period in
    force on 31 December) — plus the per-cadre, per-requirement sums ``benchmarks/compliance.py`` writes by
    hand (the SQL share of compliance).

The ledger-based figures are checked equal (cadres_total, cadres_trained, online_learners, hours_total and the five
category figures, hours per tier).  The compliance sums are timed in the baseline but not compared here (that SQL
judges the cadres in post now, the figure every cadre who served in the year; ``benchmarks/compliance.py`` compares
compliance itself).  The other figures (sessions, plans, nominations …) have no rows in the synthetic city: their
queries run, cheaply, in (a) only.  Memory is printed (peak RSS; the peak of Python allocations during one run of
the system).  The last line is ``ratio=<system time / SQL time>``; the target is 2 or less.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .common import scratch_database

SCRATCH_DATABASE = "bench_yearend"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.yearend", description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=100_000, help="cadres in the city (default 100000)")
    parser.add_argument("--entries", type=int, default=10_000_000, help="ledger entries in all (default 10000000)")
    parser.add_argument("--sections", type=int, default=100, help="sections (default 100; at least 2 a unit)")
    parser.add_argument("--units", type=int, default=200, help="units under the root (default 200)")
    parser.add_argument("--unit", default="", help="code of the unit counted (default: the root)")
    parser.add_argument("--year", type=int, default=2025, help="the year counted (default 2025)")
    parser.add_argument(
        "--database-url",
        help="run in a scratch database bench_yearend on this server (e.g. postgres://postgres@127.0.0.1:5432/"
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


def ledger_sql(year: int, path: str) -> str:
    """The ledger-based figures in one statement: people, 学时 per category and per tier (on 31 December)."""
    from ganxun.hours.models import Bucket
    from ganxun.roster.models import COUNTY_DIVISION_LEADERSHIP, COUNTY_DIVISION_RANKS

    def quoted(values) -> str:
        return ", ".join(f"'{v}'" for v in sorted(values))

    last = f"{year}-12-31"
    county = (
        f"(p.rank IN ({quoted(COUNTY_DIVISION_RANKS)}) OR p.leadership_level IN ({quoted(COUNTY_DIVISION_LEADERSHIP)}))"
    )
    buckets = ",\n  ".join(f"SUM(e.hours) FILTER (WHERE e.bucket = '{b}') AS h_{b}" for b in Bucket.values)
    return f"""
WITH e AS (
  SELECT e.cadre_id, e.bucket, e.hours FROM hours_ledgerentry e JOIN roster_unit u ON u.id = e.unit_id
  WHERE e.status = 'confirmed' AND e.date >= '{year}-01-01' AND e.date <= '{last}' AND u.path LIKE '{path}%'
), t AS (
  SELECT p.cadre_id, CASE WHEN {county} THEN 'county_division' ELSE 'township_section' END AS tier
  FROM roster_cadreperiod p
  WHERE p.valid_from <= '{last}' AND (p.valid_to IS NULL OR p.valid_to > '{last}')
)
SELECT
  (SELECT COUNT(DISTINCT p.cadre_id) FROM roster_cadreperiod p JOIN roster_unit u ON u.id = p.unit_id
   WHERE p.valid_from <= '{last}' AND (p.valid_to IS NULL OR p.valid_to > '{last}') AND p.status = 'active'
     AND u.path LIKE '{path}%') AS cadres_total,
  COUNT(DISTINCT e.cadre_id) AS cadres_trained,
  COUNT(DISTINCT e.cadre_id) FILTER (WHERE e.bucket = 'online') AS online_learners,
  SUM(e.hours) AS hours_total,
  {buckets},
  SUM(e.hours) FILTER (WHERE t.tier = 'county_division') AS h_county_division,
  SUM(e.hours) FILTER (WHERE t.tier IS NULL OR t.tier = 'township_section') AS h_township_section
FROM e LEFT JOIN t ON t.cadre_id = e.cadre_id
"""


def run_sql(sql: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def cents(value: Any) -> int:
    """Whole cents from what the database returned (a float on SQLite, a Decimal on PostgreSQL)."""
    if value is None:
        return 0
    return int((Decimal(str(value)) * 100).to_integral_value())


def sql_figures(row: tuple) -> dict[str, int]:
    """The SQL's figures as the system's keys (学时 in cents)."""
    from ganxun.hours.models import Bucket

    names = ["cadres_total", "cadres_trained", "online_learners"]
    found = dict(zip(names, row[:3], strict=True))
    hour_names = ["hours_total"] + [f"hours_{b}" for b in Bucket.values] + ["hours_county_division"]
    hour_names += ["hours_township_section"]
    found.update({name: cents(value) for name, value in zip(hour_names, row[3:], strict=True)})
    found["hours_practice_bucket"] = found.pop("hours_practice")
    return found


def system_figures(computed: dict) -> dict[str, int]:
    keys = ["cadres_total", "cadres_trained", "online_learners"]
    found = {key: computed[key].value for key in keys}
    for key in (
        "hours_total",
        "hours_centralised",
        "hours_online",
        "hours_study_group",
        "hours_self_study",
        "hours_practice_bucket",
        "hours_county_division",
        "hours_township_section",
    ):
        found[key] = cents(computed[key].value)
    return found


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with scratch_database(args.database_url, name=SCRATCH_DATABASE):
        report(args)


def report(args: argparse.Namespace) -> None:
    import datetime as dt
    import resource
    import tracemalloc

    from django.db import connection

    from benchmarks.compliance import hand_written_sql
    from ganxun.demo.management.commands.bench_data import build_city
    from ganxun.hours.models import HourTotal
    from ganxun.roster.models import Unit
    from ganxun.yearend.figures import compute

    print(
        f"database: {connection.vendor}; building {args.cadres} cadres and {args.entries} ledger entries "
        f"in {args.units} units …",
        flush=True,
    )
    built = build_city(
        cadres=args.cadres, entries=args.entries, sections=args.sections, year=args.year, units=args.units
    )
    print(
        f"built {built.units} units, {built.sections} sections, {built.cadres} cadres with {built.periods} periods, "
        f"{built.entries} entries and {HourTotal.objects.count()} rows of totals: {built.seconds:.1f} s"
    )
    unit = Unit.objects.get(code=args.unit) if args.unit else Unit.objects.get(pk=built.root_unit_id)
    today = dt.date(args.year + 1, 6, 30)  # the year is over: counted to 31 December
    ledger = ledger_sql(args.year, unit.path)
    compliance_sql, _names, _requirements = hand_written_sql(args.year, unit.path)

    def system():
        return compute(year=args.year, unit=unit, today=today)

    def baseline():
        return run_sql(ledger)[0], run_sql(compliance_sql)

    system_time, computed = fastest(args.repeat, system)
    sql_time, (row, _sums) = fastest(args.repeat, baseline)
    ours, theirs = system_figures(computed), sql_figures(row)
    if ours != theirs:
        differing = {key: (ours[key], theirs.get(key)) for key in ours if ours[key] != theirs.get(key)}
        sys.exit(f"the system and the SQL disagree: {differing}")
    print(
        f"unit {unit.name} ({unit.code}), year {args.year}: {len(computed)} figures computed; equal in both: "
        + ", ".join(f"{key}={value}" for key, value in ours.items())
    )
    print(
        f"compliance: {computed['cadres_compliant'].value} cadres compliant, rate {computed['compliance_rate'].value}%"
    )
    gc.collect()
    tracemalloc.start()
    system()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"memory    system run's Python allocations peak {peak / 2**20:.1f} MiB; process peak RSS {rss:.0f} MiB")
    print(f"system    yearend.figures.compute(), every figure:                 {system_time:7.2f} s")
    print(f"baseline  hand-written SQL: ledger figures + compliance sums:       {sql_time:7.2f} s")
    print(f"ratio={system_time / sql_time:.2f}")


if __name__ == "__main__":
    main()
