"""Heartbeats racing for real: threads with connections of their own, on a SQLite file (as deployed) or on
PostgreSQL.  The same heartbeat sent by several tabs at once credits once; two tabs opened at once leave one
active viewing."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
from pathlib import Path

from django.db import connections
from django.test import TransactionTestCase, override_settings

from ganxun.core.tests.test_edit_conflicts import in_thread, threads_use_a_database_file
from ganxun.roster.tests.factories import CadreFactory

from ..models import LessonProgress, Viewing
from ..services import heartbeat, viewing_start
from .factories import AssignmentFactory, LessonFactory

T0 = dt.datetime(2026, 5, 11, 9, 0, tzinfo=dt.UTC)


@override_settings(MICROCLASS_HEARTBEAT_SECONDS=5, MICROCLASS_HEARTBEAT_GRACE_SECONDS=2)
class RacingHeartbeatTests(TransactionTestCase):
    def setUp(self):
        self.cadre = CadreFactory()
        self.lesson = LessonFactory(length_seconds=1000)
        AssignmentFactory(course=self.lesson.course, cadre=self.cadre)
        self.directory = Path(tempfile.mkdtemp(prefix="ganxun-microclass-race-"))
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)

    def race(self, work, count: int) -> tuple[list, list]:
        start = threading.Barrier(count)
        results, errors = [], []

        def run(n):
            try:
                start.wait()
                results.append(work(n))
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results, errors

    def test_the_same_heartbeat_from_several_tabs_at_once_credits_once(self):
        viewing = viewing_start(cadre=self.cadre, lesson=self.lesson, now=T0)
        heartbeat(cadre=self.cadre, token=viewing.token, seq=1, state="playing", now=T0)
        later = T0 + dt.timedelta(seconds=5)
        with threads_use_a_database_file(self.directory):
            beats, errors = self.race(
                lambda n: heartbeat(cadre=self.cadre, token=viewing.token, seq=2, state="playing", now=later), 6
            )
            credited = in_thread(lambda: LessonProgress.objects.get().credited_ms)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(b.credited_ms for b in beats), [0, 0, 0, 0, 0, 5000])
        self.assertEqual(credited, 5000)

    def test_two_tabs_opened_at_once_leave_one_active_viewing(self):
        with threads_use_a_database_file(self.directory):
            viewings, errors = self.race(lambda n: viewing_start(cadre=self.cadre, lesson=self.lesson, now=T0), 2)
            active = in_thread(lambda: list(Viewing.objects.filter(active=True).values_list("token", flat=True)))
        self.assertEqual(errors, [])
        self.assertEqual(len(viewings), 2)
        self.assertEqual(len(active), 1)
        self.assertIn(active[0], {v.token for v in viewings})
