"""Two (and more) nominators at once for the last places of a unit's quota, each on a real connection of its own:
never over the quota, the others told so.  On SQLite the threads share a file database with the deployed set-up
(WAL, BEGIN IMMEDIATE, a busy timeout); on PostgreSQL the quota's row is locked with SELECT … FOR UPDATE."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connections
from django.test import TransactionTestCase

from ganxun.accounts.models import Role
from ganxun.core.tests.test_edit_conflicts import in_thread, threads_use_a_database_file
from ganxun.roster.tests.factories import CadreFactory, UserFactory

from ..models import Nomination, NominationStatus
from ..services import nomination_create, nomination_review
from .world import Bureau

NOMINATORS = 4


class QuotaRaceTests(TransactionTestCase):
    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="ganxun-quota-race-"))
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)

    def race(self, writes) -> tuple[list[str], list[str]]:
        start = threading.Barrier(len(writes))
        outcomes: list[str] = []
        errors: list[str] = []

        def run(write) -> None:
            try:
                start.wait()
                write()
                outcomes.append("done")
            except ValidationError as error:
                outcomes.append(error.code or "invalid")
                if error.code != "over_quota":
                    errors.append(str(error.messages))
            except Exception as error:  # every other failure is reported
                errors.append(f"{type(error).__name__}: {error}")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(w,)) for w in writes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcomes, errors

    def test_nominators_at_once_never_go_over_the_quota(self):
        world = Bureau(places=2)
        heads = []
        for n in range(NOMINATORS):
            # each nominator a section head of the same 科室's cadres would be one person: use administrators too
            heads.append(
                UserFactory(username=f"race_admin{n}", role=Role.TRAINING_ADMIN, cadre=None, unit=world.bureau)
            )
        cadres = [CadreFactory(name=f"候选{n}", section=world.section) for n in range(NOMINATORS)]
        with threads_use_a_database_file(self.directory):
            outcomes, errors = self.race(
                [
                    lambda h=h, c=c: nomination_create(actor=h, programme=world.programme, cadre=c)
                    for h, c in zip(heads, cadres, strict=True)
                ]
            )
            held = in_thread(lambda: Nomination.objects.filter(programme=world.programme).count())
        self.assertEqual(errors, [])
        self.assertEqual(held, 2)
        self.assertEqual(sorted(outcomes), ["done", "done"] + ["over_quota"] * (NOMINATORS - 2))

    def test_reviewers_approving_at_once_never_go_over_the_quota(self):
        """Nominations made before the quota was lowered by the higher unit: approvals race for the one place."""
        world = Bureau(places=3)
        nominations = [
            nomination_create(actor=world.head, programme=world.programme, cadre=c) for c in world.cadres[:3]
        ]
        world.programme.quotas.filter(unit=world.bureau).update(places=1)  # as a stale quota would stand
        admins = [
            UserFactory(username=f"race_reviewer{n}", role=Role.TRAINING_ADMIN, cadre=None, unit=world.bureau)
            for n in range(3)
        ]
        with threads_use_a_database_file(self.directory):
            outcomes, errors = self.race(
                [
                    lambda a=a, n=n: nomination_review(actor=a, nomination=n, approve=True)
                    for a, n in zip(admins, nominations, strict=True)
                ]
            )
            approved = in_thread(
                lambda: Nomination.objects.filter(programme=world.programme, status=NominationStatus.APPROVED).count()
            )
        self.assertEqual(errors, [])
        self.assertEqual(approved, 1)
        self.assertEqual(sorted(outcomes), ["done", "over_quota", "over_quota"])
