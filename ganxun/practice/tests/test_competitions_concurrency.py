"""Real concurrency on a competition: a judge's double submit from several threads, other judges saving their sheets,
and the administrator publishing, all released at once through separate connections.

The judge's score is written once (the other submits are told they already scored), and the ranking recorded at
publication is the ranking of the scores as they stand at the end: no sheet slipped in after the freeze.  On
PostgreSQL the threads run against the test database; SQLite's test database lives in memory, so the SQLite case
runs this module as a program of its own against a database file with the production settings (WAL, IMMEDIATE
transactions, the busy timeout), like ``attendance/tests/test_checkin_concurrency.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TransactionTestCase, skipUnlessDBFeature

DOUBLE_SUBMITS = 4
OTHER_JUDGES = 3


def race(*, publish: bool) -> dict:
    """Build a competition ready to publish, then race the writes (with ``publish``, the administrator publishes a
    moment after the others start); what came of it."""
    from decimal import Decimal as D

    from django.core.exceptions import ValidationError
    from django.db import connection

    from ganxun.accounts.models import Role
    from ganxun.audit.models import Action, AuditEvent
    from ganxun.practice.models import Competition, EntryKind, Score
    from ganxun.practice.services import competitions as svc
    from ganxun.roster.models import Unit, home_unit_id
    from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

    home = Unit.objects.get(pk=home_unit_id())
    section = SectionFactory(name="旧区改造科", unit=home)
    admin = UserFactory(username="race_admin", role=Role.TRAINING_ADMIN, cadre=None, unit=home)
    judges = [
        UserFactory(username=f"race_judge{n}", role=Role.CADRE, cadre=CadreFactory(section=section))
        for n in range(1 + OTHER_JUDGES)
    ]
    competition = svc.competition_create(actor=admin, unit=home, name="并发竞赛", year=2022, judges=judges)
    criterion = svc.criterion_add(actor=admin, competition=competition, name="比进度", weight=D(100), max_score=D(100))
    entries = [
        svc.entry_create(
            actor=admin, competition=competition, kind=EntryKind.INDIVIDUAL, cadre=CadreFactory(section=section)
        )
        for _ in range(3)
    ]
    for n, entry in enumerate(entries):  # complete already, so that publication may come first
        svc.score_record(actor=admin, entry=entry, criterion=criterion, judge=judges[-1], value=D(60 + n))

    start = threading.Barrier(DOUBLE_SUBMITS + OTHER_JUDGES + (1 if publish else 0))
    outcomes: list[str] = []
    errors: list[str] = []

    def run(label: str, write) -> None:
        try:
            start.wait()
            write()
            outcomes.append(f"{label}:done")
        except ValidationError as error:
            code = getattr(error, "code", None) or next(iter(getattr(error, "error_dict", {})), "")
            outcomes.append(f"{label}:{code}")
            if code not in ("scored_twice", "published"):
                errors.append(f"{label}: {error.messages}")
        except Exception as error:  # every other failure is reported, whatever it is
            errors.append(f"{label}: {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=(
                "double",
                lambda: svc.score_record(
                    actor=judges[0], entry=entries[0], criterion=criterion, judge=judges[0], value=D(90)
                ),
            ),
        )
        for _ in range(DOUBLE_SUBMITS)
    ]
    for n, judge in enumerate(judges[1:], start=1):
        values = {(entry.pk, criterion.pk): D(10 * n + k) for k, entry in enumerate(entries)}
        threads.append(
            threading.Thread(
                target=run,
                args=(
                    "sheet",
                    lambda judge=judge, values=values: svc.score_sheet_save(
                        actor=judge, competition=competition, judge=judge, values=values
                    ),
                ),
            )
        )

    def publish_soon() -> None:
        time.sleep(0.02)  # let some sheets in first: the freeze must hold whichever order the writes take
        svc.competition_publish(actor=admin, competition=competition)

    if publish:
        threads.append(threading.Thread(target=run, args=("publish", publish_soon)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    competition = Competition.objects.get(pk=competition.pk)
    published = AuditEvent.objects.filter(action=Action.STATUS, object_type="competition").first()
    final = svc.competition_ranking(competition)
    return {
        "errors": errors,
        "outcomes": sorted(outcomes),
        "double_scores": Score.objects.filter(entry=entries[0], criterion=criterion, judge=judges[0]).count(),
        "published": competition.is_published,
        "ranking_at_publication": {k: v[1] for k, v in published.changes.items()} if published else {},
        "ranking_now": {str(row.entry): svc._rank_text(row.total, row.rank) for row in final.rows},
    }


class RaceAssertions:
    def assert_once(self, result: dict) -> None:
        """Without publication: the double submit written once, every sheet saved."""
        self.assertEqual(result["errors"], [])
        self.assertEqual(result["double_scores"], 1)
        self.assertEqual(result["outcomes"].count("double:done"), 1, result["outcomes"])
        self.assertEqual(result["outcomes"].count("double:scored_twice"), DOUBLE_SUBMITS - 1)
        self.assertEqual(result["outcomes"].count("sheet:done"), OTHER_JUDGES)

    def assert_frozen_and_once(self, result: dict) -> None:
        self.assertEqual(result["errors"], [])
        self.assertEqual(len(result["outcomes"]), DOUBLE_SUBMITS + OTHER_JUDGES + 1)  # every thread answered
        self.assertIn("publish:done", result["outcomes"])
        self.assertTrue(result["published"])
        # The double submit: at most one written (none if publication came first), the others refused.
        self.assertLessEqual(result["double_scores"], 1)
        self.assertEqual(result["outcomes"].count("double:done"), result["double_scores"], result["outcomes"])
        # Whatever order the writes came in, the published ranking is the ranking of the scores kept.
        self.assertEqual(result["ranking_at_publication"], result["ranking_now"])


@skipUnlessDBFeature("has_select_for_update")
class CompetitionRaceOnPostgresTests(RaceAssertions, TransactionTestCase):
    def test_double_submits_and_sheets_at_once(self):
        self.assert_once(race(publish=False))

    def test_double_submits_sheets_and_publication_at_once(self):
        self.assert_frozen_and_once(race(publish=True))


class CompetitionRaceOnSqliteFileTests(RaceAssertions, SimpleTestCase):
    """The same race in a process of its own, on a SQLite file with the settings the application runs with."""

    def test_double_submits_and_sheets_at_once(self):
        self.assert_once(self.run_apart("once"))

    def test_double_submits_sheets_and_publication_at_once(self):
        self.assert_frozen_and_once(self.run_apart("publish"))

    def run_apart(self, mode: str) -> dict:
        with tempfile.TemporaryDirectory(prefix="ganxun-race-") as scratch:
            database = Path(scratch) / "race.sqlite3"
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DATABASE_URL": f"sqlite:///{database}",
                "GANXUN_VAR_DIR": scratch,
                "DJANGO_DEBUG": "0",
            }
            finished = subprocess.run(
                [sys.executable, "-m", __name__, mode],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            self.assertEqual(finished.returncode, 0, finished.stderr[-3000:])
            result = json.loads(finished.stdout.strip().splitlines()[-1])
        self.assertEqual(result["engine"], "django.db.backends.sqlite3")
        return result


def main() -> None:
    """The SQLite run: migrate a fresh database file, race, print the result as JSON on the last line."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        raise SystemExit("this program wants a SQLite database file (DATABASE_URL=sqlite:///…)")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    result = race(publish=sys.argv[-1] == "publish")
    print(json.dumps({**result, "engine": connection.settings_dict["ENGINE"]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
