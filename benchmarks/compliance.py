"""A unit's compliance against hand-written SQL over the raw ledger:
``python -m benchmarks.compliance --cadres 100000 --entries 10000000 --units 200``.

Builds a synthetic city with bench_data's code (a tree of units with their 科室, cadres through
``bulk_create`` with their history as periods of service, periods and ledger entries through COPY on
PostgreSQL and ``executemany`` on SQLite, then the maintained totals in one ``INSERT … SELECT … GROUP BY``)
in a fresh database — a temporary SQLite file by default, or a scratch database ``bench_compliance`` created
(and dropped) on the server given with ``--database-url`` — then times, for the year and the unit (the
root by default: the whole city):

(a) the system: ``ganxun.hours.queries.compliance`` for the unit's cadres in post — what the compliance
    page, the export and ``compliance_report`` run: the rule book, the cadres and one GROUP BY over the
    maintained totals, judged in Python — and ``section_hours``, the year's 学时 per 科室 of the unit
    (counted toward the 科室 of each entry's date), from the same totals;
(b) hand-written SQL computing the same figures from the raw ledger inside the database: confirmed 学时 per
    cadre, category and year (pivoted into ``SUM … FILTER`` columns), capped per year, added up per
    requirement for the cadres of the tier they held at the year's end (their period of service then); and
    the 学时 per 科室 from the ledger joined with the period in force on each entry's date.

Both results are checked equal (capped 学时 per cadre and category in the year, done per cadre and
requirement, 学时 per 科室 and category).  Memory is printed (peak RSS of the process; the peak of Python
allocations during one run of the system, by tracemalloc).  The last line is ``ratio=<system time / SQL
time>``; the target is 0.5 or less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .common import scratch_database

SCRATCH_DATABASE = "bench_compliance"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compliance", description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=50_000, help="cadres in the city (default 50000)")
    parser.add_argument("--entries", type=int, default=2_000_000, help="ledger entries in all (default 2000000)")
    parser.add_argument("--sections", type=int, default=100, help="sections (default 100; at least 2 a unit)")
    parser.add_argument("--units", type=int, default=200, help="units under the root (default 200)")
    parser.add_argument("--unit", default="BENCH-ROOT", help="code of the unit judged (default: the root)")
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


def system(year: int, as_of: dt.date, path: str):
    from ganxun.hours.queries import compliance, section_hours
    from ganxun.roster.models import Cadre, Section

    report = compliance(year=year, cadres=Cadre.objects.active().filter(unit__path__startswith=path), as_of=as_of)
    return report, section_hours(year, Section.objects.filter(unit__path__startswith=path))


def hand_written_sql(year: int, path: str) -> tuple[str, list[str], list[tuple[Any, str]]]:
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
WITH c AS (
  SELECT c.id FROM roster_cadre c JOIN roster_unit u ON u.id = c.unit_id
  WHERE c.status = 'active' AND u.path LIKE '{path}%'
), k AS (
  SELECT c.id,
    CASE WHEN p.rank IN ({quoted(COUNTY_DIVISION_RANKS)})
      OR p.leadership_level IN ({quoted(COUNTY_DIVISION_LEADERSHIP)})
      THEN 'county_division' ELSE 'township_section' END AS tier
  FROM c JOIN roster_cadreperiod p ON p.cadre_id = c.id
    AND p.valid_from <= '{year}-12-31' AND (p.valid_to IS NULL OR p.valid_to > '{year}-12-31')
), s AS (
  SELECT e.cadre_id,
      {pivot}
  FROM hours_ledgerentry e
  WHERE e.status = 'confirmed' AND e.date >= '{first}-01-01' AND e.date < '{year + 1}-01-01'
    AND e.cadre_id IN (SELECT id FROM c)
  GROUP BY e.cadre_id
)
SELECT k.id, {", ".join(outputs)}
FROM s JOIN k ON k.id = s.cadre_id
"""
    return sql, names, [(r, f"r_{r.pk}") for r in requirements]


def section_sql(year: int, path: str) -> str:
    """学时 per 科室 and category of the unit in the year, from the ledger joined with the period of each date."""
    from ganxun.hours.models import Bucket

    sums = ", ".join(f"SUM(e.hours) FILTER (WHERE e.bucket = '{b}') AS {b}" for b in Bucket.values)
    return f"""
SELECT p.section_id, {sums}
FROM hours_ledgerentry e
JOIN roster_cadreperiod p ON p.cadre_id = e.cadre_id AND p.valid_from <= e.date
  AND (p.valid_to IS NULL OR p.valid_to > e.date)
JOIN roster_unit u ON u.id = p.unit_id
WHERE e.status = 'confirmed' AND e.date >= '{year}-01-01' AND e.date < '{year + 1}-01-01' AND u.path LIKE '{path}%'
GROUP BY p.section_id
"""


def run_sql(sql: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def figures_of_sections(sections: dict) -> dict[tuple[int, str], int]:
    return {
        (section_id, bucket): cents(value)
        for section_id, by_bucket in sections.items()
        for bucket, value in by_bucket.items()
        if cents(value)
    }


def figures_of_section_sql(rows: list[tuple]) -> dict[tuple[int, str], int]:
    from ganxun.hours.models import Bucket

    return {
        (row[0], bucket): cents(value)
        for row in rows
        for bucket, value in zip(Bucket.values, row[1:], strict=True)
        if cents(value)
    }


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
    with scratch_database(args.database_url, name=SCRATCH_DATABASE):
        report(args)


def report(args: argparse.Namespace) -> None:
    import resource
    import tracemalloc

    from django.db import connection

    from ganxun.demo.management.commands.bench_data import build_city
    from ganxun.hours.models import HourTotal, LedgerEntry
    from ganxun.roster.models import CadrePeriod, Unit

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
    unit = Unit.objects.get(code=args.unit) if args.units else Unit.objects.get(pk=built.root_unit_id)
    path = unit.path

    as_of = dt.date(args.year + 1, 6, 30)  # the year is over: yearly requirements judged in full
    sql, names, requirements = hand_written_sql(args.year, path)
    by_section = section_sql(args.year, path)
    system_time, (result, sections) = fastest(args.repeat, lambda: system(args.year, as_of, path))
    sql_time, (rows, section_rows) = fastest(args.repeat, lambda: (run_sql(sql), run_sql(by_section)))

    ours, theirs = figures_of_report(result), figures_of_sql(rows, names)
    if ours != theirs:
        differing = sorted(set(ours.items()) ^ set(theirs.items()))[:10]
        sys.exit(f"the system and the SQL disagree ({len(ours)} vs {len(theirs)} figures), e.g. {differing}")
    our_sections, their_sections = figures_of_sections(sections), figures_of_section_sql(section_rows)
    if our_sections != their_sections:
        differing = sorted(set(our_sections.items()) ^ set(their_sections.items()))[:10]
        sys.exit(f"the 科室 figures disagree ({len(our_sections)} vs {len(their_sections)}), e.g. {differing}")
    totals = result.totals()
    print(
        f"unit {unit.name} ({unit.code}), year {args.year}: {len(result.rows)} cadres judged, "
        f"{totals.in_good_standing} in good standing, {len(ours)} non-zero figures and {len(our_sections)} "
        f"figures of {len(sections)} sections equal in both; requirements: "
        + "; ".join(f"{r.name} {r.hours}" for r, _name in requirements)
    )
    print(
        f"rows: ledger {LedgerEntry.objects.count()}, totals {HourTotal.objects.count()}, "
        f"periods {CadrePeriod.objects.count()}"
    )
    gc.collect()
    tracemalloc.start()
    system(args.year, as_of, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"memory    system run's Python allocations peak {peak / 2**20:.1f} MiB; process peak RSS {rss:.0f} MiB")
    print(f"system    compliance() + section_hours() (maintained totals + Python): {system_time:7.2f} s")
    print(f"baseline  hand-written SQL over the raw ledger, all in the database:  {sql_time:7.2f} s")
    print(f"ratio={system_time / sql_time:.2f}")


if __name__ == "__main__":
    main()
