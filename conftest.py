"""Project-wide pytest fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """MD5 hashing in tests: real hashers make every login cost a quarter second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
