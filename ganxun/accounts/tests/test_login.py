"""Login, logout, lockout after repeated failures, the login audit trail and the idle timeout."""

import datetime as dt
import re
from unittest import mock

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.tests.factories import PASSWORD, UserFactory

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN = reverse("accounts:login")
HOME = reverse("core:home")


def alert_text(response) -> str:
    """The words in the page's alert box (CSRF tokens differ between responses, the message must not)."""
    found = re.findall(r'<div class="alert alert-danger"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", "", text).strip() for text in found)


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class LoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="zhangsan", role=Role.TRAINING_ADMIN, cadre=None)

    def login(self, username, password, ip="10.0.0.1"):
        return self.client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)

    def test_login_page_is_open_and_other_pages_need_login(self):
        assert self.client.get(LOGIN).status_code == 200
        response = self.client.get(HOME)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)

    def test_successful_login_goes_home_and_is_audited(self):
        response = self.login("zhangsan", PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == HOME
        assert self.client.get(HOME).status_code == 200
        event = AuditEvent.objects.get(action=Action.LOGIN)
        assert event.actor == self.user
        assert event.ip_address == "10.0.0.1"

    def test_wrong_password_and_unknown_user_get_the_same_chinese_message(self):
        wrong = self.login("zhangsan", "Wrong#Pass1")
        unknown = self.login("nobody", "Wrong#Pass1")
        assert wrong.status_code == unknown.status_code == 200
        assert alert_text(wrong) == alert_text(unknown) == "用户名或密码错误。"
        failures = AuditEvent.objects.filter(action=Action.LOGIN_FAILED)
        assert sorted(failures.values_list("actor_name", flat=True)) == ["nobody", "zhangsan"]
        assert not failures.exclude(actor=None).exists()

    def test_inactive_account_cannot_log_in_and_is_told_nothing_more(self):
        self.user.is_active = False
        self.user.save()
        response = self.login("zhangsan", PASSWORD)
        assert response.status_code == 200
        assert alert_text(response) == "用户名或密码错误。"

    def test_lockout_after_five_failures_is_the_same_for_existing_and_unknown_accounts(self):
        seen = {}
        for username in ("zhangsan", "nobody"):
            seen[username] = [
                (r.status_code, alert_text(r)) for r in (self.login(username, "Wrong#Pass1") for _ in range(6))
            ]
        assert seen["zhangsan"] == seen["nobody"]
        statuses = [status for status, _ in seen["zhangsan"]]
        assert statuses == [200, 200, 200, 200, 403, 403]
        assert seen["zhangsan"][-1][1] == "登录失败次数过多，请 30 分钟后再试。"
        lockouts = AuditEvent.objects.filter(action=Action.LOCKOUT)
        assert set(lockouts.values_list("actor_name", flat=True)) == {"zhangsan", "nobody"}

    def test_locked_out_account_is_refused_even_with_the_right_password(self):
        for _ in range(5):
            self.login("zhangsan", "Wrong#Pass1")
        response = self.login("zhangsan", PASSWORD)
        assert response.status_code == 403
        assert "_auth_user_id" not in self.client.session
        assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()

    def test_lockout_is_keyed_on_username_and_ip(self):
        for _ in range(5):
            self.login("zhangsan", "Wrong#Pass1", ip="10.0.0.1")
        # The same account from another desk, and another account from the same desk, still get in.
        assert self.login("zhangsan", PASSWORD, ip="10.0.0.2").status_code == 302
        self.client.logout()
        UserFactory(username="lisi", role=Role.TRAINING_ADMIN, cadre=None)
        assert self.login("lisi", PASSWORD, ip="10.0.0.1").status_code == 302

    def test_a_success_resets_the_failure_count(self):
        for _ in range(4):
            self.login("zhangsan", "Wrong#Pass1")
        assert self.login("zhangsan", PASSWORD).status_code == 302
        self.client.logout()
        for _ in range(4):
            assert self.login("zhangsan", "Wrong#Pass1").status_code == 200

    def test_logout_is_post_only_and_audited(self):
        self.client.force_login(self.user)
        assert self.client.get(reverse("accounts:logout")).status_code == 405
        response = self.client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert response["Location"] == LOGIN
        assert self.client.get(HOME).status_code == 302
        assert AuditEvent.objects.filter(action=Action.LOGOUT, actor=self.user).exists()

    def test_next_is_followed_only_within_the_site(self):
        response = self.client.post(
            f"{LOGIN}?next=https://evil.example/", {"username": "zhangsan", "password": PASSWORD}
        )
        assert response["Location"] == HOME


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class IdleTimeoutTests(TestCase):
    """Thirty idle minutes end the session; every request restarts the clock."""

    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="wangwu", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        self.start = timezone.now()
        self.client.post(LOGIN, {"username": "wangwu", "password": PASSWORD})

    def get_home_after(self, minutes: int):
        later = self.start + dt.timedelta(minutes=minutes)
        with mock.patch("django.utils.timezone.now", return_value=later):
            return self.client.get(HOME)

    def test_settings(self):
        from django.conf import settings

        assert settings.SESSION_COOKIE_AGE == 30 * 60
        assert settings.SESSION_SAVE_EVERY_REQUEST

    def test_a_request_after_31_idle_minutes_goes_to_the_login_page(self):
        response = self.get_home_after(31)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)

    def test_activity_keeps_the_session_alive(self):
        assert self.get_home_after(29).status_code == 200
        assert self.get_home_after(29 + 29).status_code == 200
        response = self.get_home_after(29 + 29 + 31)
        assert response.status_code == 302
