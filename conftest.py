"""Project-wide pytest set-up."""

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """MD5 hashing in tests, also inside setUpTestData: real hashers make every login cost a quarter second."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_HASHERS
