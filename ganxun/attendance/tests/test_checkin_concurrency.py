"""Real concurrent check-ins: many cadres, several phones each, all at once, through separate connections.

Every cadre ends with exactly one attendance row, one ledger entry and one enrolment; nothing is lost, nothing
doubled, and no request fails ("database is locked" included).  On PostgreSQL the threads run against the
test database.  SQLite's test database lives in memory, where a second writer fails at once instead of
waiting, so the SQLite case runs this module as a program of its own (``python -m
ganxun.attendance.tests.test_checkin_concurrency <file>``) against a database file with the production
settings: WAL, IMMEDIATE transactions, the busy timeout.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TransactionTestCase, skipUnlessDBFeature

CADRES = 12
PHONES_PER_CADRE = 3  # the same cadre pressing twice, or on two phones
# Half the cadres come without being enrolled: the activity takes walk-ins, so they race to be enrolled too.
WALK_INS = CADRES // 2
DAY = dt.date(2026, 3, 2)


def burst(*, cadres: int = CADRES, phones: int = PHONES_PER_CADRE) -> dict:
    """Check ``cadres`` cadres in to one session from ``phones`` threads each, all released at once; what came of it."""
    from django.db import connection

    from ganxun.accounts.models import Role, User
    from ganxun.audit.models import Action, AuditEvent
    from ganxun.hours.models import LedgerEntry, Source
    from ganxun.roster.tests.factories import CadreFactory
    from ganxun.training.models import Enrolment
    from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

    from ..models import Attendance
    from ..services import checkin_record

    activity = ActivityFactory(kind__name="月末讲坛", allow_walk_in=True)
    session = SessionFactory(activity=activity, date=DAY, start_time=dt.time(9), end_time=dt.time(11))
    users = []
    for n in range(cadres):
        cadre = CadreFactory()
        if n >= WALK_INS:
            EnrolmentFactory(activity=activity, cadre=cadre)
        users.append(User.objects.create(username=f"burst{n}", role=Role.CADRE, cadre=cadre))
    at = dt.datetime(2026, 3, 2, 1, 5, tzinfo=dt.UTC)  # 09:05 in Beijing, five minutes into the session
    start = threading.Barrier(cadres * phones)
    outcomes: list[tuple[int, bool]] = []
    errors: list[str] = []

    def check_in(user) -> None:
        try:
            start.wait()
            outcome = checkin_record(user=user, session=session, at=at)
            outcomes.append((user.cadre_id, outcome.already))
        except Exception as error:  # every failure is reported, whatever it is
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=check_in, args=(user,)) for user in users for _ in range(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def per_cadre(rows) -> dict[str, int]:
        return {str(cadre_id): count for cadre_id, count in Counter(rows).items()}

    return {
        "cadres": [str(user.cadre_id) for user in users],
        "errors": errors,
        "outcomes": len(outcomes),
        "new": per_cadre(cadre for cadre, already in outcomes if not already),
        "attendance": per_cadre(Attendance.objects.filter(session=session).values_list("cadre_id", flat=True)),
        "ledger": per_cadre(
            LedgerEntry.objects.filter(source=Source.SESSION, source_id=session.pk).values_list("cadre_id", flat=True)
        ),
        "enrolment": per_cadre(Enrolment.objects.filter(activity=activity).values_list("cadre_id", flat=True)),
        "attendance_audited": AuditEvent.objects.filter(object_type="attendance", action=Action.CREATE).count(),
    }


class BurstAssertions:
    def assert_exactly_once_each(self, result: dict) -> None:
        once = dict.fromkeys(result["cadres"], 1)
        self.assertEqual(result["errors"], [])
        self.assertEqual(result["outcomes"], CADRES * PHONES_PER_CADRE)  # every phone got an answer
        self.assertEqual(result["new"], once)  # one phone per cadre checked in, the others were told "already"
        self.assertEqual(result["attendance"], once)
        self.assertEqual(result["ledger"], once)
        self.assertEqual(result["enrolment"], once)
        self.assertEqual(result["attendance_audited"], CADRES)


@skipUnlessDBFeature("has_select_for_update")
class ConcurrentCheckinOnPostgresTests(BurstAssertions, TransactionTestCase):
    def test_many_cadres_several_phones_each_at_once(self):
        self.assert_exactly_once_each(burst())


class ConcurrentCheckinOnSqliteFileTests(BurstAssertions, SimpleTestCase):
    """The same burst in a process of its own, on a SQLite file with the settings the application runs with."""

    def test_many_cadres_several_phones_each_at_once(self):
        with tempfile.TemporaryDirectory(prefix="ganxun-burst-") as scratch:
            database = Path(scratch) / "burst.sqlite3"
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DATABASE_URL": f"sqlite:///{database}",
                "GANXUN_VAR_DIR": scratch,
                "DJANGO_DEBUG": "0",
            }
            finished = subprocess.run(
                [sys.executable, "-m", __name__],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            self.assertEqual(finished.returncode, 0, finished.stderr[-3000:])
            result = json.loads(finished.stdout.strip().splitlines()[-1])
            self.assertTrue(database.is_file())  # a file, not memory
        self.assertEqual(result["engine"], "django.db.backends.sqlite3")
        self.assertEqual(result["journal_mode"], "wal")
        self.assert_exactly_once_each(result)


def main() -> None:
    """The SQLite run: migrate a fresh database file, burst, print the result as JSON on the last line."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        raise SystemExit("this program wants a SQLite database file (DATABASE_URL=sqlite:///…)")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    result = burst()
    print(json.dumps({**result, "engine": connection.settings_dict["ENGINE"], "journal_mode": journal_mode}))


if __name__ == "__main__":
    main()
