"""The Django admin sets the unit an account's role is held in; a training administrator must have one."""

from __future__ import annotations

from django.test import TestCase, override_settings
from django.urls import reverse

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import UnitFactory, UserFactory

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class AccountUnitAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.root = UserFactory(username="root", role=Role.SYSTEM_ADMIN, cadre=None, is_staff=True, is_superuser=True)
        cls.home = Unit.objects.get(pk=home_unit_id())
        cls.bureau = UnitFactory(name="区房管局", code="QFGJ", parent=cls.home)
        cls.admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        self.client.force_login(self.root)

    def post(self, **changes):
        data = {"username": "peixun", "role": Role.TRAINING_ADMIN, "first_name": "", "last_name": "", "email": ""}
        data |= {"is_active": "on", **changes}
        return self.client.post(reverse("admin:accounts_user_change", args=[self.admin.pk]), data)

    def test_a_system_admin_moves_a_training_admin_to_another_unit_audited_as_permissions(self):
        assert self.post(unit=self.bureau.pk).status_code == 302
        assert User.objects.get(pk=self.admin.pk).unit == self.bureau
        event = AuditEvent.objects.filter(action=Action.PERMISSIONS, object_id=str(self.admin.pk)).get()
        assert event.changes["unit"] == [self.home.name, "区房管局"]

    def test_a_training_admin_without_a_unit_is_refused_on_the_field(self):
        response = self.post(unit="")
        assert response.status_code == 200
        assert "unit" in response.context["adminform"].form.errors
        assert User.objects.get(pk=self.admin.pk).unit == self.home
