"""The client's address behind a reverse proxy: believed only from trusted proxies, and what lockout and audit use.

Behind nginx every request came from 127.0.0.1: five wrong passwords from anyone locked that account for
everyone, and the audit trail recorded 127.0.0.1 for all.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.core.middleware import client_ip
from ganxun.roster.tests.factories import PASSWORD, UserFactory

from .test_settings import load_settings

PROXY = "10.0.0.2"
LOGIN = reverse("accounts:login")


def ip(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return client_ip(RequestFactory().get("/", **meta))


class ClientAddressTests(TestCase):
    def test_without_trusted_proxies_the_header_is_ignored(self):
        with override_settings(TRUSTED_PROXIES=[]):
            assert ip("203.0.113.7", "1.2.3.4") == "203.0.113.7"

    @override_settings(TRUSTED_PROXIES=[PROXY])
    def test_a_header_from_an_untrusted_peer_is_ignored(self):
        assert ip("203.0.113.7", "1.2.3.4") == "203.0.113.7"

    @override_settings(TRUSTED_PROXIES=[PROXY])
    def test_a_trusted_proxy_is_believed_for_the_hop_it_added(self):
        assert ip(PROXY, "192.168.5.20") == "192.168.5.20"

    @override_settings(TRUSTED_PROXIES=[PROXY])
    def test_what_the_client_wrote_itself_left_of_the_proxys_hop_is_ignored(self):
        # The client sent "X-Forwarded-For: 6.6.6.6"; nginx appended the address it saw.
        assert ip(PROXY, "6.6.6.6, 192.168.5.20") == "192.168.5.20"

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/24", "172.16.0.1"])
    def test_a_chain_of_trusted_proxies_and_networks(self):
        assert ip("10.0.0.9", "6.6.6.6, 192.168.5.20, 172.16.0.1, 10.0.0.3") == "192.168.5.20"

    @override_settings(TRUSTED_PROXIES=[PROXY])
    def test_a_trusted_proxy_without_the_header_is_itself_the_client(self):
        assert ip(PROXY) == PROXY
        assert ip(PROXY, "") == PROXY

    @override_settings(TRUSTED_PROXIES=[PROXY])
    def test_garbage_where_an_address_should_be_stops_at_the_last_trusted_hop(self):
        assert ip(PROXY, "192.168.5.20, not-an-ip") == PROXY

    @override_settings(TRUSTED_PROXIES=["::1", PROXY])
    def test_ipv6_and_ports_as_proxies_write_them(self):
        assert ip("::1", "[2001:db8::7]:51000") == "2001:db8::7"
        assert ip(PROXY, "192.168.5.20:51000") == "192.168.5.20"
        assert ip("::ffff:10.0.0.2", "192.168.5.21") == "192.168.5.21"

    def test_no_usable_peer_gives_none(self):
        assert ip("") is None


@override_settings(TRUSTED_PROXIES=[PROXY])
class BehindTheProxyTests(TestCase):
    """Two desks behind one nginx: one's guesses do not lock the other out, and each is audited as itself."""

    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="zhangsan", role=Role.TRAINING_ADMIN, cadre=None)

    def login(self, client_address: str, password: str, *, peer: str = PROXY):
        return self.client.post(
            LOGIN,
            {"username": "zhangsan", "password": password},
            REMOTE_ADDR=peer,
            HTTP_X_FORWARDED_FOR=client_address,
        )

    def test_one_client_locked_out_does_not_lock_another_behind_the_same_proxy(self):
        statuses = [self.login("192.168.5.20", "Wrong#Pass1").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 200, 403]
        assert self.login("192.168.5.20", PASSWORD).status_code == 403
        assert self.login("192.168.5.21", PASSWORD).status_code == 302
        lockouts = AuditEvent.objects.filter(action=Action.LOCKOUT)
        assert set(lockouts.values_list("ip_address", flat=True)) == {"192.168.5.20"}

    def test_a_spoofed_header_from_outside_the_proxy_cannot_dodge_the_lockout(self):
        for n in range(5):
            self.login(f"1.1.1.{n}", "Wrong#Pass1", peer="203.0.113.7")
        assert self.login("9.9.9.9", PASSWORD, peer="203.0.113.7").status_code == 403

    def test_login_and_failures_are_audited_with_the_clients_address(self):
        self.login("192.168.5.20", "Wrong#Pass1")
        self.login("192.168.5.21", PASSWORD)
        assert AuditEvent.objects.get(action=Action.LOGIN_FAILED).ip_address == "192.168.5.20"
        assert AuditEvent.objects.get(action=Action.LOGIN).ip_address == "192.168.5.21"

    def test_a_write_made_from_a_page_carries_the_clients_address(self):
        self.client.force_login(self.user)
        response = self.client.post(
            reverse("roster:section_create"),
            {"name": "信访办", "sort_order": 10, "is_active": "on"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="192.168.5.30",
        )
        assert response.status_code == 302
        event = AuditEvent.objects.get(action=Action.CREATE, object_type="section")
        assert event.ip_address == "192.168.5.30"


def test_an_event_outside_a_request_has_no_address(db):
    from ganxun.audit.services import audit_record

    assert audit_record(actor=None, action=Action.IMPORT, object_type="cadre").ip_address is None


def test_only_the_client_address_code_reads_the_peer_address():
    """REMOTE_ADDR is the proxy's address behind a proxy: code must ask client_ip() instead."""
    found = subprocess.run(
        ["grep", "-rln", "REMOTE_ADDR", "ganxun", "config", "--include=*.py"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    ).stdout.split()
    readers = sorted(p for p in found if "/tests/" not in p)
    assert readers == [str(Path("ganxun/core/middleware.py"))]


@pytest.mark.parametrize("value", ["10.0.0.1,bogus", "10.0.0.0/33"])
def test_a_wrong_trusted_proxy_setting_stops_the_start(tmp_path, value):
    result = load_settings(tmp_path, "print('started')", TRUSTED_PROXIES=value)
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr


def test_trusted_proxies_come_from_the_environment(tmp_path):
    result = load_settings(tmp_path, "print(json.dumps(s.TRUSTED_PROXIES))", TRUSTED_PROXIES="10.0.0.2, 10.1.0.0/16")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '["10.0.0.2", "10.1.0.0/16"]'
