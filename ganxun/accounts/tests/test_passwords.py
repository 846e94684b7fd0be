"""The password policy (length, character classes, not the username, not common) and changing a password."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, UserFactory

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def problems(password: str, user=None) -> tuple[set[str], str]:
    """The validator codes a password fails and their messages joined."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}, " ".join(m for m in error.messages)
    return set(), ""


@pytest.mark.parametrize("password", ["Ganxun#2026", "旧改Kezhang9", "liang-shi-2026", "7Hao.Lou"])
def test_good_passwords_pass(password):
    assert problems(password, User(username="zhangsan")) == (set(), "")


def test_too_short():
    codes, message = problems("Ab1!xy", User(username="zhangsan"))
    assert "password_too_short" in codes
    assert "8" in message
    assert "密码" in message


@pytest.mark.parametrize("password", ["abcdefgh12", "ABCDEFGH12", "xkcdEFGHqz", "abcd!@#$%^"])
def test_fewer_than_three_character_classes(password):
    codes, message = problems(password, User(username="zhangsan"))
    assert codes == {"password_too_simple"}
    assert "密码须至少包含小写字母、大写字母、数字、符号中的 3 类。" in message


@pytest.mark.parametrize("password", ["Wang.Wei2024", "wang.wei2024", "4202iew.gnaW", "My#Wang.Wei2024x"])
def test_not_the_username_forwards_backwards_or_inside(password):
    codes, message = problems(password, User(username="Wang.Wei2024"))
    assert "password_contains_name" in codes
    assert "密码不能包含用户名或本人姓名（含汉字和拼音）。" in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "欧阳明轩#2026",  # the name in characters
        "Ouyang.Mingxuan1",  # pinyin, surname first, with a separator
        "MINGXUANOUYANG!9",  # pinyin, given name first, any case
        "Xx#ouyangmingxuan",  # inside other characters
        "Mx_Ou_Yang_Ming_Xuan2",  # a separator between every syllable
    ],
)
def test_not_the_linked_cadres_name_in_characters_or_pinyin(password):
    user = User(username="oymx", cadre=CadreFactory(name="欧阳明轩"))
    codes, message = problems(password, user)
    assert "password_contains_name" in codes, password
    assert "姓名" in message


@pytest.mark.parametrize(
    ("password", "first", "last"),
    [
        ("Lvbu#20260", "布", "吕"),
        ("Lubu#20260", "布", "吕"),
        ("Shan.Xiongxin1", "雄信", "单"),
        ("Jack.Smith#1", "Jack", "Smith"),
    ],
)
def test_not_the_accounts_own_first_or_last_name(password, first, last):
    codes, _ = problems(password, User(username="u001", first_name=first, last_name=last))
    assert "password_contains_name" in codes


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["Wang#Kezhang9", "Ganxun#2026", "Zhou.Li.2026"])
def test_someone_elses_name_or_part_of_ones_own_is_allowed(password):
    """A one-character given name or a surname alone would forbid too much: only the whole name counts."""
    user = User(username="wangwei", cadre=CadreFactory(name="王伟"))
    assert problems(password, user) == (set(), "")


@pytest.mark.django_db
def test_not_the_current_password():
    user = UserFactory(username="lisi", role=Role.TRAINING_ADMIN, cadre=None)
    codes, message = problems(PASSWORD, user)
    assert codes == {"password_unchanged"}
    assert "新密码不能与当前密码相同。" in message
    assert problems("New#Pass2026", user) == (set(), "")


def test_common_passwords_are_rejected():
    codes, message = problems("P@ssw0rd", User(username="zhangsan"))
    assert codes == {"password_too_common"}
    assert "密码" in message


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class PasswordChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="zhaoliu", role=Role.CADRE, cadre=CadreFactory(name="赵留"))

    def setUp(self):
        self.client.force_login(self.user)
        self.url = reverse("accounts:password_change")

    def change(self, new1, new2=None, old=PASSWORD, ip="10.0.0.1"):
        return self.client.post(
            self.url, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}, REMOTE_ADDR=ip
        )

    def assert_unchanged(self):
        self.user.refresh_from_db()
        assert self.user.check_password(PASSWORD)

    def test_the_form_shows_the_policy_in_chinese(self):
        response = self.client.get(self.url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "修改密码" in page
        assert "3 类" in page
        assert "密码不能包含用户名或本人姓名（含汉字和拼音）。" in page
        assert "新密码不能与当前密码相同。" in page

    def test_a_weak_password_is_refused_with_the_reason(self):
        response = self.change("abcdefgh")
        assert response.status_code == 200
        assert "密码须至少包含" in response.content.decode()
        self.assert_unchanged()

    def test_the_current_password_again_is_refused(self):
        before = AuditEvent.objects.filter(action=Action.PASSWORD).count()
        response = self.change(PASSWORD)
        assert response.status_code == 200
        assert "新密码不能与当前密码相同。" in response.content.decode()
        assert AuditEvent.objects.filter(action=Action.PASSWORD).count() == before

    def test_ones_own_name_in_pinyin_is_refused(self):
        response = self.change("Zhao.Liu#2026")
        assert response.status_code == 200
        assert "密码不能包含用户名或本人姓名（含汉字和拼音）。" in response.content.decode()
        self.assert_unchanged()

    def test_a_wrong_current_password_counts_as_a_failed_login(self):
        response = self.change("New#Pass2026", old="Wrong#Pass1")
        assert response.status_code == 200
        assert "旧密码" in response.content.decode()
        self.assert_unchanged()
        failure = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
        assert (failure.actor_name, failure.ip_address) == ("zhaoliu", "10.0.0.1")
        assert failure.summary == "修改密码时原密码输入错误。"

    def test_five_wrong_current_passwords_lock_the_account_out_as_five_failed_logins_do(self):
        statuses = [self.change("New#Pass2026", old=f"Wrong#Pass{n}").status_code for n in range(4)]
        assert statuses == [200, 200, 200, 200]
        assert "_auth_user_id" in self.client.session
        fifth = self.change("New#Pass2026", old="Wrong#Pass5")
        assert fifth.status_code == 403
        assert "登录失败次数过多，请 30 分钟后再试。" in fifth.content.decode()
        assert "_auth_user_id" not in self.client.session  # the session is over
        assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 5
        assert AuditEvent.objects.get(action=Action.LOCKOUT).actor_name == "zhaoliu"
        self.assert_unchanged()
        # As after five failed logins: the right password does not get in from that desk.
        login = self.client.post(
            reverse("accounts:login"), {"username": "zhaoliu", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
        )
        assert login.status_code == 403

    def test_four_slips_then_the_right_password_start_the_count_again(self):
        for n in range(4):
            self.change("New#Pass2026", old=f"Wrong#Pass{n}")
        assert self.change("New#Pass2026").status_code == 302
        self.client.logout()
        login = reverse("accounts:login")
        desk = {"REMOTE_ADDR": "10.0.0.1"}
        for _ in range(4):
            assert (
                self.client.post(login, {"username": "zhaoliu", "password": "Wrong#Pass1"}, **desk).status_code == 200
            )
        assert self.client.post(login, {"username": "zhaoliu", "password": "New#Pass2026"}, **desk).status_code == 302

    def test_a_good_password_is_saved_audited_once_and_keeps_the_session(self):
        before = AuditEvent.objects.count()
        response = self.change("New#Pass2026")
        assert response.status_code == 302
        self.user.refresh_from_db()
        assert self.user.check_password("New#Pass2026")
        assert self.client.get(reverse("core:home")).status_code in (200, 302)
        assert "_auth_user_id" in self.client.session
        events = AuditEvent.objects.order_by("pk")[before:]
        assert [(e.action, e.object_id) for e in events] == [(Action.PASSWORD, str(self.user.pk))]
        event = events[0]
        assert event.actor == self.user
        assert event.ip_address == "10.0.0.1"
        assert "New#Pass2026" not in str(event.changes) + event.summary
        assert PASSWORD not in str(event.changes) + event.summary
