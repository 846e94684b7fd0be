"""Login, logout, lockout after repeated failures, the login audit trail and the idle timeout."""

import datetime as dt
import re
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.idle import LOGIN_AT_KEY, SEEN_COOKIE
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


def clock(at: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=at)


MS = dt.timedelta(milliseconds=1)
THIRTY = dt.timedelta(minutes=30)


@override_settings(PASSWORD_HASHERS=FAST_HASHER, SESSION_IDLE_SECONDS=1800, SESSION_MAX_SECONDS=12 * 3600)
class IdleTimeoutTests(TestCase):
    """Thirty idle minutes end the session; every request restarts the clock; reading writes no session."""

    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="wangwu", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        self.start = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
        with clock(self.start):
            assert self.client.post(LOGIN, {"username": "wangwu", "password": PASSWORD}).status_code == 302

    def home_after(self, elapsed: dt.timedelta):
        with clock(self.start + elapsed):
            return self.client.get(HOME)

    def assert_logged_out(self, response):
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)

    def test_one_millisecond_short_of_thirty_idle_minutes_the_session_lives(self):
        assert self.home_after(THIRTY - MS).status_code == 200

    def test_at_exactly_thirty_idle_minutes_the_session_has_ended(self):
        self.assert_logged_out(self.home_after(THIRTY))

    def test_one_millisecond_past_thirty_idle_minutes_the_session_has_ended(self):
        self.assert_logged_out(self.home_after(THIRTY + MS))

    def test_each_request_restarts_the_thirty_minutes(self):
        first = dt.timedelta(minutes=29)
        assert self.home_after(first).status_code == 200
        assert self.home_after(first + THIRTY - MS).status_code == 200
        self.assert_logged_out(self.home_after(first + THIRTY - MS + THIRTY))

    def test_an_ended_session_stays_ended_and_is_audited_with_the_reason(self):
        self.assert_logged_out(self.home_after(THIRTY))
        assert "_auth_user_id" not in self.client.session
        self.assert_logged_out(self.home_after(THIRTY + MS))
        event = AuditEvent.objects.get(action=Action.LOGOUT, actor=self.user)
        assert "长时间未操作" in event.summary
        with clock(self.start + THIRTY):
            page = self.client.get(LOGIN)
        assert "您已 30 分钟未操作，系统已自动退出登录，请重新登录。" in page.content.decode()

    def test_a_forged_or_borrowed_last_seen_cookie_does_not_extend_the_session(self):
        later = dt.timedelta(minutes=20)
        assert self.home_after(later).status_code == 200
        genuine = self.client.cookies[SEEN_COOKIE].value
        # Another session's genuine cookie, renewed at a later time.
        other = self.client_class()
        with clock(self.start + dt.timedelta(minutes=40)):
            other.post(LOGIN, {"username": "wangwu", "password": PASSWORD})
            other.get(HOME)
        for value in (genuine[:-3] + "abc", other.cookies[SEEN_COOKIE].value):
            self.client.cookies[SEEN_COOKIE] = value
            response = self.home_after(later + THIRTY)
            self.assert_logged_out(response)
            with clock(self.start):
                self.client.post(LOGIN, {"username": "wangwu", "password": PASSWORD})

    @override_settings(SESSION_MAX_SECONDS=3600)
    def test_however_busy_a_session_ends_at_its_maximum_length(self):
        for minutes in (20, 40):
            assert self.home_after(dt.timedelta(minutes=minutes)).status_code == 200
        assert self.home_after(dt.timedelta(hours=1) - MS).status_code == 200
        self.assert_logged_out(self.home_after(dt.timedelta(hours=1)))
        with clock(self.start + dt.timedelta(hours=1)):
            page = self.client.get(LOGIN).content.decode()
        assert "您已登录 1 小时，请重新登录。" in page

    def test_reading_a_page_writes_nothing_and_renews_the_clock_in_a_cookie(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.home_after(dt.timedelta(minutes=5))
        assert response.status_code == 200
        # A read is a SELECT, or a UNION of SELECTs that PostgreSQL's compiler writes in parentheses.
        writes = [q["sql"] for q in queries if not q["sql"].lstrip("( \n").upper().startswith("SELECT")]
        assert writes == []
        cookie = response.cookies[SEEN_COOKIE]
        assert cookie["httponly"] and cookie.value
        assert not settings.SESSION_SAVE_EVERY_REQUEST

    def test_a_session_without_a_login_time_ends_once(self):
        """Sessions made before this clock (or not by login()) have no login time: they end on their next request."""
        with clock(self.start):  # the session row expires 12 hours after this test's login time
            session = self.client.session
            del session[LOGIN_AT_KEY]
            session.save()
        self.assert_logged_out(self.home_after(dt.timedelta(minutes=1)))
        with clock(self.start + dt.timedelta(minutes=1)):
            assert "登录已过期，请重新登录。" in self.client.get(LOGIN).content.decode()

    def test_logging_out_drops_the_cookie(self):
        self.home_after(dt.timedelta(minutes=1))
        with clock(self.start + dt.timedelta(minutes=2)):
            response = self.client.post(reverse("accounts:logout"))
        assert response.cookies[SEEN_COOKIE].value == ""
