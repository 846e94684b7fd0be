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
