"""Yearly compliance against hand-written SQL: ``python -m benchmarks.compliance --cadres 50000 --entries 2000000``.

Builds a synthetic city with bench_data's code (cadres through ``bulk_create``, ledger entries through
COPY on PostgreSQL and ``executemany`` on SQLite) in a fresh database — a temporary SQLite file by
default, or a scratch database ``bench_compliance`` created (and dropped) on the server given with
``--database-url`` — then times, for the year:

(a) the system's computation, ``ganxun.hours.queries.compliance`` — what the compliance page, the export
    and ``compliance_report`` run: the rule book, the cadres and one GROUP BY over the ledger, judged in
    Python;
(b) one hand-written SQL statement computing the same figures inside the database: confirmed 学时 per
    cadre, category and year (pivoted into ``SUM … FILTER`` columns), capped per year, added up per
    requirement for the cadres of its tier — the whole computation done where the data is, the floor
    an application can hope to reach.

Both results are checked equal (capped 学时 per cadre and category in the year, done per cadre and
requirement).  The last line is ``ratio=<system time / SQL time>``; the target is 2 or less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

SCRATCH_DATABASE = "bench_compliance"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compliance", description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=50_000, help="cadres in the city (default 50000)")
    parser.add_argument("--entries", type=int, default=2_000_000, help="ledger entries in all (default 2000000)")
    parser.add_argument("--sections", type=int, default=100, help="sections (default 100)")
    parser.add_argument("--year", type=int, default=2025, help="the year judged (default 2025, mid-cycle)")
    parser.add_argument(
        "--database-url",
        help="run in a scratch database bench_compliance on this server (e.g. postgres://postgres@127.0.0.1:5432/"
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


def system(year: int, as_of: dt.date):
    from ganxun.hours.queries import compliance
    from ganxun.roster.models import Cadre

    return compliance(year=year, cadres=Cadre.objects.active(), as_of=as_of)


def hand_written_sql(year: int) -> tuple[str, list[str], list[tuple[Any, str]]]:
    """The SQL a database person would write for the same figures, with the (tiny) rule tables inlined.

    Returns the statement, the names of its result columns after the cadre id (the in-year categories,
    then one per requirement) and the requirements it judged.
    """
    from ganxun.hours.models import Bucket, BucketCap, Requirement
    from ganxun.roster.models import COUNTY_DIVISION_LEADERSHIP, COUNTY_DIVISION_RANKS

    requirements = list(
        Requirement.objects.filter(start_year__lte=year, end_year__gte=year).order_by(
            "start_year", "tier", "name", "pk"
        )
    )
    first = min((r.start_year for r in requirements), default=year)
    caps = {(c.year, c.bucket): c.cap for c in BucketCap.objects.filter(year__gte=first, year__lte=year)}
    needed = {(b, year) for b in Bucket.values}  # the year's categories, and what requirements count before
    for requirement in requirements:
        needed.update(
            (b, y) for b in (requirement.buckets or Bucket.values) for y in range(requirement.start_year, year)
        )
    keys = sorted(needed, key=lambda k: (k[1], k[0]))

    def quoted(values) -> str:
        return ", ".join(f"'{v}'" for v in sorted(values))

    def capped(bucket: str, year_: int) -> str:
        column = f"s.h_{bucket}_{year_}"
        cap = caps.get((year_, bucket))
        return column if cap is None else f"(CASE WHEN {column} > {cap} THEN {cap} ELSE {column} END)"

    pivot = ",\n      ".join(
        f"COALESCE(SUM(e.hours) FILTER (WHERE e.bucket = '{b}' AND e.date >= '{y}-01-01' "
        f"AND e.date < '{y + 1}-01-01'), 0) AS h_{b}_{y}"
        for b, y in keys
    )
    outputs = [f"{capped(b, year)} AS y_{b}" for b in Bucket.values]
    names = [f"y_{b}" for b in Bucket.values]
    for requirement in requirements:
        done = " + ".join(
            capped(b, y)
            for b in (requirement.buckets or Bucket.values)
            for y in range(requirement.start_year, year + 1)
        )
        applies = "TRUE" if not requirement.tier else f"k.tier = '{requirement.tier}'"
        outputs.append(f"CASE WHEN {applies} THEN {done} END AS r_{requirement.pk}")
        names.append(f"r_{requirement.pk}")
    sql = f"""
WITH k AS (
  SELECT id,
    CASE WHEN rank IN ({quoted(COUNTY_DIVISION_RANKS)}) OR leadership_level IN ({quoted(COUNTY_DIVISION_LEADERSHIP)})
      THEN 'county_division' ELSE 'township_section' END AS tier
  FROM roster_cadre WHERE status = 'active'
), s AS (
  SELECT e.cadre_id,
      {pivot}
  FROM hours_ledgerentry e
  WHERE e.status = 'confirmed' AND e.date >= '{first}-01-01' AND e.date < '{year + 1}-01-01'
    AND e.cadre_id IN (SELECT id FROM roster_cadre WHERE status = 'active')
  GROUP BY e.cadre_id
)
SELECT k.id, {", ".join(outputs)}
FROM s JOIN k ON k.id = s.cadre_id
"""
    return sql, names, [(r, f"r_{r.pk}") for r in requirements]


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


def figures_of_report(report) -> dict[tuple[int, str], int]:
    """{(cadre, column): cents} for every figure that is not zero."""
    from ganxun.hours.queries import BUCKETS

    found: dict[tuple[int, str], int] = {}
    for row in report.rows:
        for bucket, value in zip(BUCKETS, row.bucket_cents, strict=True):
            if value:
                found[(row.cadre_id, f"y_{bucket}")] = value
        for result in row.results:
            if result.done_cents:
                found[(row.cadre_id, f"r_{result.requirement.pk}")] = result.done_cents
    return found


def figures_of_sql(rows: list[tuple], names: list[str]) -> dict[tuple[int, str], int]:
    found: dict[tuple[int, str], int] = {}
    for cadre_id, *values in rows:
        for name, value in zip(names, values, strict=True):
            if value_cents := cents(value):
                found[(cadre_id, name)] = value_cents
    return found


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ganxun-bench-") as tmp:
        workdir = Path(tmp)
        os.environ["GANXUN_VAR_DIR"] = str(workdir)
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["DJANGO_DEBUG"] = "0"  # DEBUG keeps every SQL statement in memory
        import django

        django.setup()
        from django.db import connections
        from django.test.utils import setup_databases, teardown_databases

        database = connections["default"].settings_dict
        if database["ENGINE"].endswith("sqlite3"):
            database["TEST"]["NAME"] = str(workdir / "compliance.sqlite3")  # a file, as in production
        else:
            database["TEST"]["NAME"] = SCRATCH_DATABASE
        databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        try:
            report(args)
        finally:
            teardown_databases(databases, verbosity=0)


def report(args: argparse.Namespace) -> None:
    from django.db import connection

    from ganxun.demo.management.commands.bench_data import build_city

    print(f"database: {connection.vendor}; building {args.cadres} cadres and {args.entries} ledger entries …")
    built = build_city(cadres=args.cadres, entries=args.entries, sections=args.sections, year=args.year)
    print(f"built {built.cadres} cadres, {built.entries} entries in {built.sections} sections: {built.seconds:.1f} s")

    as_of = dt.date(args.year + 1, 6, 30)  # the year is over: yearly requirements judged in full
    sql, names, requirements = hand_written_sql(args.year)
    system_time, result = fastest(args.repeat, lambda: system(args.year, as_of))
    sql_time, rows = fastest(args.repeat, lambda: run_sql(sql))

    ours, theirs = figures_of_report(result), figures_of_sql(rows, names)
    if ours != theirs:
        differing = sorted(set(ours.items()) ^ set(theirs.items()))[:10]
        sys.exit(f"the system and the SQL disagree ({len(ours)} vs {len(theirs)} figures), e.g. {differing}")
    totals = result.totals()
    print(
        f"year {args.year}: {len(result.rows)} cadres judged, {totals.in_good_standing} in good standing, "
        f"{len(ours)} non-zero figures equal in both; requirements: "
        + "; ".join(f"{r.name} {r.hours}" for r, _name in requirements)
    )
    print(f"system    compliance() (ORM GROUP BY + Python): {system_time:7.2f} s")
    print(f"baseline  hand-written SQL, all in the database: {sql_time:7.2f} s")
    print(f"ratio={system_time / sql_time:.2f}")


if __name__ == "__main__":
    main()
