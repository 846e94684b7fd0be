"""``make demo`` serves with DEBUG off: Chinese error pages, never Django's debug page, and styled pages.

runserver only serves static files with DEBUG on; WhiteNoise serves them from the finders instead, so the demo
needs no collectstatic.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .test_deploy import free_port
from .test_settings import BASE_DIR, clean_env


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """``manage.py runserver`` as ``make demo`` starts it, with nothing in the environment asking for debug."""
    var = tmp_path_factory.mktemp("demo-var")
    env = clean_env(var)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # not up yet, or still booting
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_demo_pages_are_styled(demo_server):
    status, _headers, page = fetch(f"{demo_server}/accounts/login/")
    assert status == 200
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert any("bootstrap.min.css" in href for href in stylesheets)
    for href in stylesheets:
        status, headers, css = fetch(demo_server + href)
        assert status == 200, href
        assert headers["Content-Type"].startswith("text/css"), href
        assert len(css) > 100
        assert "no-store" not in headers.get("Cache-Control", "")  # static files keep their caching


def test_the_demo_shows_chinese_error_pages_not_the_debug_page(demo_server):
    status, _headers, page = fetch(f"{demo_server}/no/such/page/")
    assert status == 404
    assert "页面或记录不存在" in page
    for leak in ("Using the URLconf", "DEBUG = True", "Traceback", "Page not found"):
        assert leak not in page


def test_the_makefile_demo_does_not_turn_debug_on():
    makefile = (Path(BASE_DIR) / "Makefile").read_text()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    commands = [line for line in demo.splitlines() if "echo" not in line]
    serving = [line for line in commands if "runserver" in line]
    assert serving, "the demo target no longer runs runserver: follow it here"
    assert not any("DJANGO_DEBUG" in line or "--insecure" in line for line in commands)
    assert "export DJANGO_DEBUG" not in makefile
