"""Settings come from the environment: safe defaults in development, loud failures in production."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SECRET = "x" * 20 + "-production-secret-key-for-tests-0123456789abcdef"


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The test runner's environment without anything that configures the app, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "SECRET_KEY"))}
    env.pop("ALLOWED_HOSTS", None)
    env["GANXUN_VAR_DIR"] = str(tmp_path)
    env.update(extra)
    return env


def load_settings(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    """Import config.settings in a fresh interpreter (settings are read once per process) and run ``code``."""
    script = "import json, config.settings as s\n" + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=clean_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ and settings.USE_I18N


def test_sqlite_is_the_default_with_wal_and_immediate_transactions(tmp_path):
    result = load_settings(tmp_path, "print(json.dumps(s.DATABASES['default'], default=str))")
    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "ganxun.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_sqlite_connection_really_uses_wal_and_begin_immediate(tmp_path):
    code = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
with CaptureQueriesContext(connection) as queries:
    with transaction.atomic():
        with connection.cursor() as c:
            c.execute("PRAGMA journal_mode")
            mode = c.fetchone()[0]
print(json.dumps({"mode": mode, "sql": [q["sql"] for q in queries.captured_queries]}))
"""
    result = load_settings(tmp_path, code)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["mode"] == "wal"
    assert "BEGIN IMMEDIATE" in found["sql"]


def test_postgresql_through_database_url(tmp_path):
    result = load_settings(
        tmp_path,
        "print(json.dumps(s.DATABASES['default'], default=str))",
        DATABASE_URL="postgres://ganxun:pw@db.internal:5433/ganxun",
    )
    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == ("db.internal", 5433, "ganxun", "ganxun")
    assert "transaction_mode" not in db.get("OPTIONS", {})


@pytest.mark.parametrize(
    ("missing", "env"),
    [
        ("SECRET_KEY", {"ALLOWED_HOSTS": "ganxun.example.gov.cn"}),
        ("ALLOWED_HOSTS", {"SECRET_KEY": SECRET}),
    ],
)
def test_production_refuses_to_start_without(tmp_path, missing, env):
    result = load_settings(tmp_path, "print('started')", DJANGO_ENV="production", **env)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_is_hardened(tmp_path):
    code = """print(json.dumps({
    "debug": s.DEBUG, "secret": s.SECRET_KEY, "ssl": s.SECURE_SSL_REDIRECT, "hsts": s.SECURE_HSTS_SECONDS,
    "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "storage": s.STORAGES["staticfiles"]["BACKEND"],
}))"""
    result = load_settings(
        tmp_path, code, DJANGO_ENV="production", SECRET_KEY=SECRET, ALLOWED_HOSTS="ganxun.example.gov.cn"
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["debug"] is False
    assert found["secret"] == SECRET
    assert found["ssl"] and found["hsts"] >= 31536000
    assert found["session_secure"] and found["csrf_secure"]
    assert found["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_development_needs_nothing_set(tmp_path):
    result = load_settings(tmp_path, "print(json.dumps([s.DEBUG, s.SECRET_KEY.startswith('django-insecure')]))")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, True]


@pytest.mark.parametrize(("env", "debug"), [({}, False), ({"DJANGO_DEBUG": "0"}, False), ({"DJANGO_DEBUG": "1"}, True)])
def test_the_debug_page_only_when_a_developer_asks_for_it(tmp_path, env, debug):
    result = load_settings(tmp_path, "print(json.dumps([s.DEBUG, s.WHITENOISE_USE_FINDERS]))", **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [debug, True]


def test_idle_timeout_and_lockout_policy():
    assert settings.SESSION_IDLE_SECONDS == 1800
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_SECONDS == 12 * 3600
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # reading a page must not write
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_CLIENT_IP_CALLABLE == "ganxun.core.middleware.client_ip"
