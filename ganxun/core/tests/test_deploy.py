"""The production path: ``check --deploy`` is clean, collectstatic works, gunicorn + WhiteNoise serve the app."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from .test_settings import SECRET, clean_env

BASE_DIR = Path(settings.BASE_DIR)
BOOTSTRAP_CSS = "vendor/bootstrap/css/bootstrap.min.css"


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        tmp_path,
        DJANGO_ENV="production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="ganxun.example.gov.cn,127.0.0.1,testserver",
        STATIC_ROOT=str(tmp_path / "static"),
        **extra,
    )


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """collectstatic under production settings into a temporary STATIC_ROOT (the front-end comes from npm)."""
    if not (BASE_DIR / "node_modules" / "bootstrap" / "dist").is_dir():
        pytest.fail("node_modules is missing: run `npm ci` (make test does) before the tests.")
    root = tmp_path_factory.mktemp("deploy")
    result = manage(production_env(root), "collectstatic", "--noinput", "-v0")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_collectstatic_writes_hashed_and_compressed_files(collected):
    static = collected / "static"
    manifest = json.loads((static / "staticfiles.json").read_text())["paths"]
    for name in (BOOTSTRAP_CSS, "vendor/bootstrap/js/bootstrap.bundle.min.js", "core/ganxun.css"):
        hashed = manifest[name]
        assert hashed != name
        assert (static / hashed).is_file()
        assert (static / f"{hashed}.gz").is_file()
    assert any(p.startswith("vendor/bootstrap-icons/fonts/") for p in manifest)
    assert any("htmx" in p for p in manifest)


def test_pages_use_hashed_assets_served_by_whitenoise(collected):
    code = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
page = client.get("/accounts/login/", secure=True)
manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())["paths"]
css = "/static/" + manifest[sys.argv[1]]
asset = client.get(css, secure=True)
print(json.dumps({"page": page.status_code, "css_in_page": css in page.content.decode(),
                  "asset": asset.status_code, "cache": asset.get("Cache-Control", "")}))
"""
    env = production_env(collected, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", code, BOOTSTRAP_CSS], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["page"] == 200
    assert found["css_in_page"]
    assert found["asset"] == 200
    assert "immutable" in found["cache"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_app_with_the_shipped_config(collected):
    port = free_port()
    env = production_env(collected, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        )
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    body = json.loads(response.read())
                    headers = response.headers
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                # Not up yet, or (a busy machine) its worker still booting past the read timeout: ask again.
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.2)
        assert body == {"status": "ok"}
        assert "Server" not in headers  # nothing about the server software to look vulnerabilities up by
        # Without the proxy's header the app insists on HTTPS.
        plain = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": "127.0.0.1"})
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(plain, timeout=5)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"].startswith("https://")
    finally:
        server.terminate()
        server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
