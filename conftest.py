"""Project-wide pytest set-up."""

import os

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests run the same examples on every machine and in CI (derandomised, no example database to
# remember failures between runs); HYPOTHESIS_PROFILE=explore draws new ones when hunting for bugs.
hypothesis_settings.register_profile(
    "ganxun", derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
hypothesis_settings.register_profile("explore", derandomize=False, database=None, max_examples=200)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ganxun"))

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """MD5 hashing in tests, also inside setUpTestData: real hashers make every login cost a quarter second."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_HASHERS


def check_hour_totals(alias: str = "default") -> None:
    """The maintained 学时 totals equal the ledger (one GROUP BY compare); an AssertionError listing where not."""
    from django.db import connections

    from ganxun.hours import totals

    connection = connections[alias]
    if connection.needs_rollback or connection.connection is None:
        return  # a test that ended inside a broken transaction: nothing of it is kept
    if found := totals.differences(connection=connection):
        raise AssertionError("hour totals differ from the ledger:\n" + "\n".join(found))


def _checking_hour_totals(teardown):
    def _fixture_teardown(self):
        try:
            if "default" in self._databases_names(include_mirrors=False):
                check_hour_totals()
        finally:
            teardown(self)

    _fixture_teardown.checks_hour_totals = True
    return _fixture_teardown


def _seed_rows_kept(setup):
    """A transactional test (TransactionTestCase, ``transactional_db``, ``live_server``) ends by emptying every
    table, the rows the data migrations seed (activity kinds, the rule tables) included.  Run alone, pytest-django
    orders such tests last; on several workers (pytest-xdist) a worker goes on to other tests after one.  So the
    seeded rows are read before the worker's first transactional test, and after each the tables are emptied
    without the post_migrate signal (which would make content types anew, under other keys) and the rows written
    back, as Django's ``serialized_rollback`` does before a test."""
    from django.core.management import call_command
    from django.db import connections

    def _fixture_setup(cls):
        for alias in cls._databases_names(include_mirrors=False):
            connection = connections[alias]
            if not hasattr(connection, "_ganxun_seed_rows"):
                connection._ganxun_seed_rows = connection.creation.serialize_db_to_string()
        setup(cls)

    def _fixture_teardown(self):
        for alias in self._databases_names(include_mirrors=False):
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=alias,
                reset_sequences=False,
                allow_cascade=self.available_apps is not None,
                inhibit_post_migrate=True,
            )
            connection = connections[alias]
            connection.creation.deserialize_db_from_string(connection._ganxun_seed_rows)

    _fixture_teardown.keeps_seed_rows = True
    return classmethod(_fixture_setup), _fixture_teardown


def pytest_sessionstart(session):
    """After every test with the database (Django's TestCase and TransactionTestCase, pytest-django's ``db``
    fixture alike), before its rows are rolled back or flushed: the maintained totals must equal the ledger."""
    from django.test import TestCase, TransactionTestCase

    if not getattr(TransactionTestCase.__dict__["_fixture_teardown"], "keeps_seed_rows", False):
        setup, teardown = _seed_rows_kept(TransactionTestCase.__dict__["_fixture_setup"].__func__)
        TransactionTestCase._fixture_setup, TransactionTestCase._fixture_teardown = setup, teardown
    for case in (TestCase, TransactionTestCase):
        if not getattr(case._fixture_teardown, "checks_hour_totals", False):
            case._fixture_teardown = _checking_hour_totals(case.__dict__["_fixture_teardown"])
