"""Account changes leave an audit event whichever way they are made: the Django admin, a command, the shell.

Deleting an account, setting a password, granting groups or permissions and lifting a lockout left nothing in
the trail.  A password itself is never written to it.
"""

from __future__ import annotations

import sys
from io import StringIO
from unittest import mock

from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, UserFactory

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN = reverse("accounts:login")


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def no_password_in_trail(*passwords: str) -> bool:
    text = " ".join(str(e.changes) + e.summary + e.object_repr for e in AuditEvent.objects.all())
    return not any(p in text for p in passwords)


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class AdminAccountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.root = UserFactory(username="root", role=Role.SYSTEM_ADMIN, cadre=None, is_staff=True, is_superuser=True)
        cls.victim = UserFactory(username="xiaoli", role=Role.CADRE, cadre=CadreFactory(name="李小丽"))

    def setUp(self):
        self.client.force_login(self.root)
        AuditEvent.objects.all().delete()

    def change_url(self, user: User) -> str:
        return reverse("admin:accounts_user_change", args=[user.pk])

    def test_deleting_an_account_is_audited(self):
        response = self.client.post(reverse("admin:accounts_user_delete", args=[self.victim.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not User.objects.filter(pk=self.victim.pk).exists()
        [event] = events(Action.DELETE)
        assert (event.actor, event.object_type, event.object_repr) == (self.root, "user", "xiaoli")
        assert event.changes["username"] == ["xiaoli", None]

    def test_deleting_accounts_in_bulk_is_audited_one_by_one(self):
        other = UserFactory(username="xiaozhang", role=Role.CADRE, cadre=CadreFactory())
        response = self.client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_selected", "_selected_action": [self.victim.pk, other.pk], "post": "yes"},
        )
        assert response.status_code == 302
        assert sorted(e.object_repr for e in events(Action.DELETE)) == ["xiaoli", "xiaozhang"]

    def test_setting_a_password_in_the_admin_is_audited_without_the_password(self):
        url = reverse("admin:auth_user_password_change", args=[self.victim.pk])
        response = self.client.post(url, {"password1": "Set#ByAdmin26", "password2": "Set#ByAdmin26"})
        assert response.status_code == 302, response.content.decode()[:2000]
        [event] = events(Action.PASSWORD)
        assert (event.actor, event.object_id) == (self.root, str(self.victim.pk))
        assert no_password_in_trail("Set#ByAdmin26")

    def test_the_admin_is_held_to_the_password_rules_too(self):
        url = reverse("admin:auth_user_password_change", args=[self.victim.pk])
        for password, message in (
            ("Lixiaoli#2026", "密码不能包含用户名或本人姓名（含汉字和拼音）。"),
            (PASSWORD, "新密码不能与当前密码相同。"),
        ):
            response = self.client.post(url, {"password1": password, "password2": password})
            assert response.status_code == 200
            assert message in response.content.decode()
        assert events(Action.PASSWORD) == []

    def test_a_role_or_access_change_is_audited_as_permissions(self):
        data = {
            "username": "xiaoli",
            "role": Role.SECTION_HEAD,
            "cadre": self.victim.cadre_id,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
        }
        assert self.client.post(self.change_url(self.victim), data).status_code == 302
        [event] = events(Action.PERMISSIONS)
        assert event.changes["role"] == ["干部", "科室负责人"]
        assert self.client.post(self.change_url(self.victim), data | {"email": "li@example.cn"}).status_code == 302
        assert [e.changes for e in events(Action.UPDATE)] == [{"email": ["", "li@example.cn"]}]

    def test_groups_and_permissions_are_not_offered_for_editing(self):
        """Access follows the role; a group edited here would grant nothing and mislead."""
        page = self.client.get(self.change_url(self.victim)).content.decode()
        assert 'name="groups"' not in page
        assert 'name="user_permissions"' not in page
        assert self.client.get("/django-admin/auth/group/").status_code == 404
        assert "/django-admin/auth/" not in self.client.get(reverse("admin:index")).content.decode()


class ModelLevelTests(TestCase):
    """The paths that call no service of ours: Django's commands and the shell."""

    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="wangwu", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        AuditEvent.objects.all().delete()

    def test_changepassword_is_audited_as_the_system_and_names_the_command(self):
        with (
            mock.patch("getpass.getpass", return_value="Cmd#Line2026"),
            mock.patch.object(sys, "argv", ["manage.py", "changepassword", "wangwu"]),
        ):
            call_command("changepassword", "wangwu", stdout=StringIO())
        [event] = events(Action.PASSWORD)
        assert event.actor is None and event.object_repr == "wangwu"
        assert "manage.py changepassword" in event.summary
        assert event.ip_address is None
        assert no_password_in_trail("Cmd#Line2026")

    def test_createsuperuser_leaves_the_initial_password_in_the_trail(self):
        with mock.patch.dict("os.environ", {"DJANGO_SUPERUSER_PASSWORD": "Root#Init2026"}):
            call_command("createsuperuser", "--noinput", username="root2", email="", stdout=StringIO())
        [event] = events(Action.PASSWORD)
        assert event.object_repr == "root2" and "初始密码" in event.summary
        assert no_password_in_trail("Root#Init2026")
        assert User.objects.get(username="root2").role == Role.SYSTEM_ADMIN  # a superuser needs no cadre

    def test_a_hash_upgrade_on_login_is_not_a_password_change(self):
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher", *FAST_HASHER]):
            assert self.client.post(LOGIN, {"username": "wangwu", "password": PASSWORD}).status_code == 302
        assert events(Action.PASSWORD) == []

    def test_deleting_in_the_shell_is_audited_as_the_system(self):
        User.objects.filter(pk=self.user.pk).delete()
        [event] = events(Action.DELETE)
        assert event.actor is None and event.object_repr == "wangwu"

    def test_groups_and_permissions_granted_or_withdrawn_from_either_side(self):
        group = Group.objects.create(name="审计员")
        permission = Permission.objects.get(codename="view_auditevent")
        self.user.groups.add(group)
        group.permissions.add(permission)
        group.user_set.remove(self.user)
        self.user.user_permissions.set([permission])
        self.user.user_permissions.clear()
        got = [(e.object_type, e.object_repr, e.changes) for e in events(Action.PERMISSIONS)]
        name = str(permission)
        assert got == [
            ("user", "wangwu", {"groups": [[], ["审计员"]]}),
            ("group", "审计员", {"permissions": [[], [name]]}),
            ("user", "wangwu", {"groups": [["审计员"], []]}),
            ("user", "wangwu", {"user_permissions": [[], [name]]}),
            ("user", "wangwu", {"user_permissions": [[name], []]}),
        ]


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class LockoutResetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="zhangsan", role=Role.TRAINING_ADMIN, cadre=None)
        cls.root = UserFactory(username="root", role=Role.SYSTEM_ADMIN, cadre=None, is_staff=True, is_superuser=True)

    def lock_out(self, ip: str = "10.0.0.1") -> None:
        for _ in range(5):
            self.client.post(LOGIN, {"username": "zhangsan", "password": "Wrong#Pass1"}, REMOTE_ADDR=ip)
        assert AccessAttempt.objects.filter(username="zhangsan", ip_address=ip).exists()

    def test_every_axes_reset_command_is_audited(self):
        commands = [
            ("axes_reset", [], "所有账号"),
            ("axes_reset_username", ["zhangsan"], "zhangsan"),
            ("axes_reset_ip", ["10.0.0.1"], "来自 10.0.0.1 的所有账号"),
            ("axes_reset_ip_username", ["10.0.0.1", "zhangsan"], "zhangsan，来自 10.0.0.1"),
        ]
        for command, args, whose in commands:
            with self.subTest(command):
                self.lock_out()
                AuditEvent.objects.all().delete()
                with mock.patch.object(sys, "argv", ["manage.py", command, *args]):
                    call_command(command, *args, stdout=StringIO())
                assert not AccessAttempt.objects.exists()
                [event] = events(Action.LOCKOUT_RESET)
                assert event.actor is None
                assert whose in event.summary and f"manage.py {command}" in event.summary

    def test_a_reset_that_finds_nothing_writes_nothing(self):
        call_command("axes_reset", stdout=StringIO())
        assert events(Action.LOCKOUT_RESET) == []

    def test_deleting_login_logs_by_command_is_audited(self):
        self.client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD})
        assert AccessLog.objects.exists()
        call_command("axes_reset_logs", "--age", "0", stdout=StringIO())
        [event] = events(Action.DELETE)
        assert event.object_type == "accesslog" and "登录日志" in event.summary

    def test_a_success_after_failures_is_not_recorded_as_a_lifted_lockout(self):
        for _ in range(3):
            self.client.post(LOGIN, {"username": "zhangsan", "password": "Wrong#Pass1"})
        self.client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD})
        assert not AccessAttempt.objects.exists()
        assert events(Action.LOCKOUT_RESET) == []

    def test_deleting_a_failed_login_record_in_the_admin_lifts_the_lockout_and_is_audited(self):
        self.lock_out()
        attempt = AccessAttempt.objects.get()
        admin = self.client_class()
        admin.force_login(self.root)
        url = reverse("admin:accounts_failedlogincount_delete", args=[attempt.pk])
        assert admin.post(url, {"post": "yes"}).status_code == 302
        [event] = events(Action.LOCKOUT_RESET)
        assert event.actor == self.root
        assert "zhangsan，来自 10.0.0.1" in event.summary
        ok = self.client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
        assert ok.status_code == 302

    def test_bulk_deletion_in_the_admin_is_audited_per_record(self):
        self.lock_out("10.0.0.1")
        self.lock_out("10.0.0.2")
        admin = self.client_class()
        admin.force_login(self.root)
        response = admin.post(
            reverse("admin:accounts_failedlogincount_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
                "post": "yes",
            },
        )
        assert response.status_code == 302
        assert len(events(Action.LOCKOUT_RESET)) == 2

    def test_login_logs_cannot_be_deleted_in_the_admin(self):
        self.client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD})
        log = AccessLog.objects.get()
        admin = self.client_class()
        admin.force_login(self.root)
        assert admin.get(reverse("admin:accounts_loginrecord_delete", args=[log.pk])).status_code == 403
        assert admin.get(reverse("admin:accounts_loginrecord_change", args=[log.pk])).status_code == 200
