"""The password policy (length, character classes, not the username, not common) and changing a password."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.tests.factories import PASSWORD, UserFactory

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


@pytest.mark.parametrize("password", ["Wang.Wei2024", "wang.wei2024", "4202iew.gnaW"])
def test_not_the_username_forwards_or_backwards(password):
    codes, message = problems(password, User(username="Wang.Wei2024"))
    assert "password_is_username" in codes
    assert "密码不能与用户名相同。" in message


def test_common_passwords_are_rejected():
    codes, message = problems("P@ssw0rd", User(username="zhangsan"))
    assert codes == {"password_too_common"}
    assert "密码" in message


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class PasswordChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="zhaoliu", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        self.client.force_login(self.user)
        self.url = reverse("accounts:password_change")

    def change(self, new1, new2=None, old=PASSWORD):
        return self.client.post(self.url, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1})

    def test_the_form_shows_the_policy_in_chinese(self):
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert "修改密码" in response.content.decode()
        assert "3 类" in response.content.decode()

    def test_a_weak_password_is_refused_with_the_reason(self):
        response = self.change("abcdefgh")
        assert response.status_code == 200
        assert "密码须至少包含" in response.content.decode()
        self.user.refresh_from_db()
        assert self.user.check_password(PASSWORD)

    def test_wrong_old_password_is_refused(self):
        response = self.change("New#Pass2026", old="Wrong#Pass1")
        assert response.status_code == 200
        self.user.refresh_from_db()
        assert self.user.check_password(PASSWORD)

    def test_a_good_password_is_saved_audited_and_keeps_the_session(self):
        response = self.change("New#Pass2026")
        assert response.status_code == 302
        self.user.refresh_from_db()
        assert self.user.check_password("New#Pass2026")
        assert self.client.get(reverse("core:home")).status_code == 200
        event = AuditEvent.objects.get(action=Action.UPDATE, object_type="user")
        assert event.actor == self.user
        assert "New#Pass2026" not in str(event.changes) + event.summary
