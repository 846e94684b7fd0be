"""Two administrators generating the same year at once, for real: threads with connections of their own, on a
SQLite file (as deployed) or on PostgreSQL.  One year of twelve lectures results, and neither fails."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from django.db import connections
from django.test import TransactionTestCase

from ganxun.core.tests.test_edit_conflicts import in_thread, threads_use_a_database_file
from ganxun.lectures.models import ScheduledLecture
from ganxun.lectures.services import schedule_generate, series_for_unit
from ganxun.roster.models import home_unit_id


class RacingGenerationTests(TransactionTestCase):
    def setUp(self):
        self.series = series_for_unit(home_unit_id())
        self.directory = Path(tempfile.mkdtemp(prefix="ganxun-lectures-race-"))
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)

    def test_two_generations_at_once_make_one_year(self):
        start = threading.Barrier(3)
        errors: list[BaseException] = []

        def run():
            try:
                start.wait()
                schedule_generate(actor=None, series=self.series, year=2026)
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        with threads_use_a_database_file(self.directory):
            threads = [threading.Thread(target=run) for _n in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            months = in_thread(lambda: sorted(ScheduledLecture.objects.values_list("month", flat=True)))
        self.assertEqual(errors, [])
        self.assertEqual(months, list(range(1, 13)))
