"""What every response says about caching and about the server (see test_reads_do_not_write for every page)."""

from __future__ import annotations

import runpy
from types import SimpleNamespace

from django.test import TestCase
from django.urls import reverse
from gunicorn.http import wsgi

from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import CadreFactory, UserFactory

from .test_settings import BASE_DIR


class CachingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="cache_admin", role=Role.TRAINING_ADMIN, cadre=None)
        CadreFactory(name="周敏")

    def assert_not_stored(self, response):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert response["Pragma"] == "no-cache"

    def test_an_excel_export_of_personal_data_is_not_stored(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("roster:cadre_export"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        self.assert_not_stored(response)

    def test_the_login_page_is_not_stored_either(self):
        self.assert_not_stored(self.client.get(reverse("accounts:login")))

    def test_static_files_keep_their_caching(self):
        response = self.client.get("/static/core/ganxun.css")
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
        assert "max-age=" in response["Cache-Control"]
        assert "Pragma" not in response

    def test_django_names_no_server_software(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("core:home"))
        for header in ("Server", "X-Powered-By"):
            assert header not in response


def test_gunicorn_config_drops_the_server_header():
    """gunicorn writes ``Server: gunicorn`` and has no setting for it: the shipped config's worker hook drops it."""
    config = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))
    request = SimpleNamespace(version=(1, 1), method="GET", should_close=lambda: False)
    original = wsgi.Response.default_headers
    try:
        before = wsgi.Response(request, None, SimpleNamespace())
        before.status, before.status_code = "200 OK", 200
        assert any(line.startswith("Server:") for line in before.default_headers())
        config["post_worker_init"](None)
        config["post_worker_init"](None)  # a second worker init in the same process changes nothing more
        after = wsgi.Response(request, None, SimpleNamespace())
        after.status, after.status_code = "200 OK", 200
        headers = after.default_headers()
        assert not any(line.lower().startswith("server:") for line in headers)
        assert headers[0].startswith("HTTP/1.1 200 OK") and any(line.startswith("Date:") for line in headers)
    finally:
        wsgi.Response.default_headers = original
