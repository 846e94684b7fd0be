"""The maintained 学时 totals (``HourTotal``) and where each ledger entry counts.

Every ledger entry is attributed to the unit and 科室 of the cadre's period of service (任职经历) in force on
its date — for a date before the first period, the first period; for a cadre without periods, the cadre's own
unit and 科室.  ``HourTotal`` holds the confirmed 学时 per cadre, year, unit and 科室, one column of whole cents
per category, and the number of confirmed entries; it is kept equal to the ledger in the same transaction as
every write:

- ``LedgerEntry.save()`` and ``delete()`` call :func:`follow`, which moves the entry's 学时 by the difference
  between the row as it was read (writers read it locked) and as it is saved: one upsert
  (``INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x``, safe under concurrency on PostgreSQL and SQLite)
  per changed row of totals; a new confirmed entry is attributed and counted in the same statement;
- bulk writers (the demo, bench_data) call :func:`refresh` for the cadres they wrote;
- ``roster.signals.periods_changed`` re-attributes a cadre's entries from the date on and rebuilds their totals
  (:func:`periods_changed`, connected in ``HoursConfig.ready``).

:func:`rebuild` recomputes totals from the ledger (one ``INSERT … SELECT … GROUP BY``) and :func:`differences`
compares them (``manage.py rebuild_hour_totals [--check]``; the tests run the check after every test).
Only raw SQL on the tables here, so that the data migration can use it too.  Nothing in this module is
imported by the models at load time beyond the module itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection as default_connection

LEDGER = "hours_ledgerentry"
TOTALS = "hours_hourtotal"
PERIODS = "roster_cadreperiod"
CADRES = "roster_cadre"
CONFIRMED = "confirmed"
# The categories, in the order of Bucket and of HourTotal's columns (a test holds the three equal).
BUCKET_COLUMNS: tuple[str, ...] = ("centralised", "online", "study_group", "self_study", "practice")
KEY_COLUMNS: tuple[str, ...] = ("cadre_id", "year", "unit_id", "section_id")
VALUE_COLUMNS: tuple[str, ...] = (*BUCKET_COLUMNS, "entries")
# What save() needs to know of the row as stored to move its 学时 (read with the entry, see LedgerEntry.from_db).
STATE_FIELDS: tuple[str, ...] = ("cadre_id", "date", "unit_id", "section_id", "bucket", "status", "hours")
UNKNOWN: Any = object()

Key = tuple[int, int, int, int]  # cadre, year, unit, 科室


def cents(hours: Decimal | str | float) -> int:
    return int((Decimal(str(hours)) * 100).to_integral_value())


def stored_state(entry) -> tuple | Any:
    """The entry's fields that count, as they are now (UNKNOWN when some were not read: deferred)."""
    values = entry.__dict__
    if any(name not in values for name in STATE_FIELDS):
        return UNKNOWN
    return tuple(values[name] for name in STATE_FIELDS)


def _before(entry) -> tuple | None:
    state = getattr(entry, "_as_stored", None if entry._state.adding else UNKNOWN)
    if state is UNKNOWN:
        if entry.pk is None:
            return None
        row = type(entry)._base_manager.filter(pk=entry.pk).values_list(*STATE_FIELDS).first()
        return tuple(row) if row else None
    return state


def _vector(bucket: str, amount: int, count: int) -> list[int]:
    vector = [0] * len(VALUE_COLUMNS)
    vector[BUCKET_COLUMNS.index(bucket)] = amount
    vector[-1] = count
    return vector


def _quoted(connection, names: Iterable[str]) -> str:
    return ", ".join(connection.ops.quote_name(n) for n in names)


def _upsert_sql(connection, source: str) -> str:
    q = connection.ops.quote_name
    increments = ", ".join(f"{q(c)} = {q(TOTALS)}.{q(c)} + excluded.{q(c)}" for c in VALUE_COLUMNS)
    return (
        f"INSERT INTO {q(TOTALS)} ({_quoted(connection, KEY_COLUMNS + VALUE_COLUMNS)}) {source} "
        f"ON CONFLICT ({_quoted(connection, KEY_COLUMNS)}) DO UPDATE SET {increments}"
    )


def add_to_totals(key: Key, vector: list[int], connection=None) -> None:
    """Add ``vector`` (cents per category, then entries) to the totals row of ``key``, creating it if need be."""
    connection = connection or default_connection
    marks = ", ".join(["%s"] * (len(KEY_COLUMNS) + len(VALUE_COLUMNS)))
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(connection, f"VALUES ({marks})"), [*key, *vector])


# The period a date counts toward: in force on it, or (before the first period) the first; "the first period
# not ended by the date" is both.
_PERIOD_OF_DATE = (
    "FROM {periods} p WHERE p.cadre_id = {cadre} AND (p.valid_to IS NULL OR p.valid_to > {date}) "
    "ORDER BY p.valid_from LIMIT 1"
)


def _add_attributed(cadre_id: int, date: dt.date, vector: list[int], connection) -> tuple[int, int] | None:
    """Count a new confirmed entry toward the period of its date in one statement: (unit, 科室), or None when the
    cadre has no period at all."""
    period = _PERIOD_OF_DATE.format(periods=PERIODS, cadre="%s", date="%s")
    marks = ", ".join(["%s"] * len(VALUE_COLUMNS))
    # The SELECT is wrapped so that SQLite does not read ON CONFLICT as a join's ON.
    source = f"SELECT * FROM (SELECT %s, %s, p.unit_id, p.section_id, {marks} {period}) AS attributed WHERE 1 = 1"
    params = [cadre_id, date.year, *vector, cadre_id, connection.ops.adapt_datefield_value(date)]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(connection, source) + " RETURNING unit_id, section_id", params)
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def attribution(cadre_id: int, date: dt.date, connection=None) -> tuple[int, int]:
    """(unit id, 科室 id) an entry of this cadre on this date counts toward."""
    connection = connection or default_connection
    period = _PERIOD_OF_DATE.format(periods=PERIODS, cadre="%s", date="%s")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.unit_id, p.section_id {period}", [cadre_id, connection.ops.adapt_datefield_value(date)]
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"SELECT unit_id, section_id FROM {CADRES} WHERE id = %s", [cadre_id])
            row = cursor.fetchone()
    return row[0], row[1]


def follow(entry, *, deleting: bool = False) -> bool:
    """Before ``entry`` is saved (or deleted): attribute it when new or moved to another cadre or date, and move
    its confirmed 学时 in the totals from the row as read to the row as it will be.  True when the attribution
    was (re)set.  One query for most writes: a new entry, a confirmation, a withdrawal."""
    from django.db import router

    connection = _connection_for(router.db_for_write(type(entry)))
    before = _before(entry)
    moves: dict[Key, list[int]] = {}

    def move(key: Key, bucket: str, amount: int, count: int) -> None:
        vector = moves.setdefault(key, [0] * len(VALUE_COLUMNS))
        for position, value in enumerate(_vector(bucket, amount, count)):
            vector[position] += value

    if before is not None:
        cadre_id, date, unit_id, section_id, bucket, status, hours = before
        if status == CONFIRMED and unit_id is not None and section_id is not None:
            move((cadre_id, date.year, unit_id, section_id), bucket, -cents(hours), -1)
    attributed = False
    counts = not deleting and entry.status == CONFIRMED
    attribute_in_insert = False
    if not deleting and (
        entry.unit_id is None
        or entry.section_id is None
        or before is None
        or (before[0], before[1]) != (entry.cadre_id, entry.date)
    ):
        attributed = True
        if counts:
            attribute_in_insert = True
        else:
            entry.unit_id, entry.section_id = attribution(entry.cadre_id, entry.date, connection)
    if counts and not attribute_in_insert:
        move((entry.cadre_id, entry.date.year, entry.unit_id, entry.section_id), entry.bucket, cents(entry.hours), 1)
    for key, vector in moves.items():
        if any(vector):
            add_to_totals(key, vector, connection)
    if attribute_in_insert:
        vector = _vector(entry.bucket, cents(entry.hours), 1)
        found = _add_attributed(entry.cadre_id, entry.date, vector, connection)
        if found is None:  # a cadre without periods: their own unit and 科室
            found = attribution(entry.cadre_id, entry.date, connection)
            add_to_totals((entry.cadre_id, entry.date.year, *found), vector, connection)
        entry.unit_id, entry.section_id = found
    return attributed


def _connection_for(alias: str):
    from django.db import connections

    return connections[alias]


# --- Bulk: attribute, rebuild, compare -------------------------------------------------------------------------


def _scope(cadre_ids: list[int] | None, column: str = "cadre_id") -> tuple[str, list]:
    if cadre_ids is None:
        return "", []
    if not cadre_ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(cadre_ids))})", list(cadre_ids)


def attribute(
    *, cadre_ids: list[int] | None = None, since: dt.date | None = None, only_missing: bool = False, connection=None
) -> int:
    """Set every entry's unit and 科室 (of these cadres, dated from ``since``; only those without one when
    ``only_missing``) from the periods, in one UPDATE.  Returns the number of rows updated."""
    connection = connection or default_connection

    def of_period(column: str) -> str:
        period = _PERIOD_OF_DATE.format(periods=PERIODS, cadre=f"{LEDGER}.cadre_id", date=f"{LEDGER}.date")
        own = f"SELECT c.{column} FROM {CADRES} c WHERE c.id = {LEDGER}.cadre_id"
        return f"COALESCE((SELECT p.{column} {period}), ({own}))"

    where, params = _scope(cadre_ids)
    if since is not None:
        where += " AND date >= %s"
        params.append(connection.ops.adapt_datefield_value(since))
    if only_missing:
        where += " AND (unit_id IS NULL OR section_id IS NULL)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LEDGER} SET unit_id = {of_period('unit_id')}, section_id = {of_period('section_id')} "
            f"WHERE 1 = 1{where}",
            params,
        )
        return cursor.rowcount


def _year_sql(connection, column: str = "date") -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%%Y', {column}) AS integer)"
    return f"EXTRACT(YEAR FROM {column})"


def grouped_ledger_sql(connection, cadre_ids: list[int] | None = None, from_year: int | None = None):
    """SELECT the totals as the ledger gives them (key columns then value columns), and its parameters."""
    sums = ", ".join(
        "CAST(COALESCE(SUM(CASE WHEN bucket = %s THEN ROUND(hours * 100) END), 0) AS bigint)" for _ in BUCKET_COLUMNS
    )
    where, params = _scope(cadre_ids)
    if from_year is not None:
        where += " AND date >= %s"
        params.append(connection.ops.adapt_datefield_value(dt.date(from_year, 1, 1)))
    year = _year_sql(connection)
    sql = (
        f"SELECT cadre_id, {year}, unit_id, section_id, {sums}, COUNT(*) FROM {LEDGER} "
        f"WHERE status = %s AND unit_id IS NOT NULL AND section_id IS NOT NULL{where} "
        f"GROUP BY cadre_id, {year}, unit_id, section_id"
    )
    return sql, [*BUCKET_COLUMNS, CONFIRMED, *params]


def rebuild(*, cadre_ids: list[int] | None = None, since: dt.date | None = None, connection=None) -> int:
    """Recompute the totals (of these cadres, of the years from ``since``'s) from the ledger, attributing entries
    that have no unit or 科室 first.  Returns the number of totals rows written."""
    connection = connection or default_connection
    attribute(cadre_ids=cadre_ids, only_missing=True, connection=connection)
    from_year = since.year if since is not None else None
    where, params = _scope(cadre_ids)
    if from_year is not None:
        where += " AND year >= %s"
        params.append(from_year)
    select, select_params = grouped_ledger_sql(connection, cadre_ids, from_year)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TOTALS} WHERE 1 = 1{where}", params)
        cursor.execute(
            f"INSERT INTO {TOTALS} ({_quoted(connection, KEY_COLUMNS + VALUE_COLUMNS)}) {select}", select_params
        )
        return cursor.rowcount


def refresh(cadre_ids: list[int], connection=None) -> None:
    """After a bulk write of these cadres' entries (bulk_create, COPY): attribute and rebuild their totals."""
    rebuild(cadre_ids=sorted(set(cadre_ids)), connection=connection)


def differences(*, cadre_ids: list[int] | None = None, connection=None, limit: int = 20) -> list[str]:
    """Where the totals differ from the ledger (empty: they are equal), at most ``limit`` lines: one GROUP BY."""
    connection = connection or default_connection
    select, params = grouped_ledger_sql(connection, cadre_ids)
    where, scope_params = _scope(cadre_ids)
    found: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        expected = {tuple(row[:4]): tuple(row[4:]) for row in cursor.fetchall()}
        cursor.execute(
            f"SELECT {_quoted(connection, KEY_COLUMNS + VALUE_COLUMNS)} FROM {TOTALS} WHERE 1 = 1{where}", scope_params
        )
        actual = {tuple(row[:4]): tuple(row[4:]) for row in cursor.fetchall() if any(row[4:])}
        cursor.execute(
            f"SELECT COUNT(*) FROM {LEDGER} WHERE (unit_id IS NULL OR section_id IS NULL){where}", scope_params
        )
        unattributed = cursor.fetchone()[0]
    if unattributed:
        found.append(f"{unattributed} ledger entries have no unit or section")
    names = ", ".join(VALUE_COLUMNS)
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key) != actual.get(key):
            found.append(
                f"cadre {key[0]} year {key[1]} unit {key[2]} section {key[3]} ({names}): "
                f"ledger {expected.get(key)} totals {actual.get(key)}"
            )
            if len(found) >= limit:
                break
    return found


def periods_changed(sender, cadre_ids: Iterable[int] = (), since: dt.date | None = None, **kwargs) -> None:
    """roster.signals.periods_changed: the cadres' entries from ``since`` count toward the new periods."""
    ids = sorted(set(cadre_ids))
    if not ids:
        return
    attribute(cadre_ids=ids, since=since)
    rebuild(cadre_ids=ids, since=since)
