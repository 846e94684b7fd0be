"""What the benchmarks share: a scratch database set up as the tests set one up, the timing and memory
measurements, and a roster of the cadres a benchmark file names."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def scratch_database(database_url: str | None, max_rows: int = 0, name: str = "") -> Iterator[Path]:
    """Django set up on a fresh database (a temporary SQLite file, as in production, or a scratch database on the
    server of ``database_url``, called ``name`` when given), its import limits raised to ``max_rows``; yields the
    working directory, removed with the database at the end."""
    with tempfile.TemporaryDirectory(prefix="ganxun-bench-") as tmp:
        workdir = Path(tmp)
        os.environ["GANXUN_VAR_DIR"] = str(workdir)
        os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["DJANGO_DEBUG"] = "0"  # DEBUG keeps every SQL statement in memory
        os.environ["IMPORT_MAX_BYTES"] = str(1 << 30)
        os.environ["IMPORT_MAX_UNCOMPRESSED_BYTES"] = str(1 << 32)
        import django

        django.setup()
        from django.conf import settings

        settings.GANXUN = {
            **settings.GANXUN,
            "IMPORT_MAX_ROWS": max_rows + 10,
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
            database["TEST"]["NAME"] = name or f"benchmark_{database['NAME']}"
        databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        try:
            yield workdir
        finally:
            teardown_databases(databases, verbosity=0)


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


def seed_roster(cadres: list[tuple[str, str, str]], sections: tuple[str, ...]) -> None:
    """The cadres a benchmark file names, (name, ID number, 科室), with their first period of service."""
    from ganxun.roster.idcard import birth_date_of, gender_of
    from ganxun.roster.models import Cadre, CadrePeriod, Section, home_unit_id

    unit = home_unit_id()
    found = {name: Section.objects.create(name=name, sort_order=n) for n, name in enumerate(sections)}
    Cadre.objects.bulk_create(
        [
            Cadre(
                name=name,
                id_number=number,
                birth_date=birth_date_of(number),
                gender=gender_of(number),
                section=found[section],
                unit_id=unit,
            )
            for name, number, section in cadres
        ],
        batch_size=1000,
    )
    CadrePeriod.objects.bulk_create(
        [
            CadrePeriod(cadre=cadre, valid_from=dt.date(2010, 1, 1), **cadre.period_facts())
            for cadre in Cadre.objects.only("pk", "unit_id", "section_id", "post", "rank", "leadership_level", "status")
        ],
        batch_size=1000,
    )
