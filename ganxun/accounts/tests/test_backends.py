"""The signed-in user is read with their cadre: one query on every request, not two."""

from django.test import TestCase

from ganxun.accounts.backends import AccountBackend
from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import CadreFactory, UserFactory


class AccountBackendTests(TestCase):
    def test_the_user_and_the_cadre_come_in_one_query(self):
        user = UserFactory(role=Role.CADRE, cadre=CadreFactory(name="王伟"))
        with self.assertNumQueries(1):
            found = AccountBackend().get_user(user.pk)
            self.assertEqual(found.cadre.name, "王伟")

    def test_an_inactive_or_missing_account_is_nobody(self):
        user = UserFactory(role=Role.CADRE, cadre=CadreFactory(), is_active=False)
        self.assertIsNone(AccountBackend().get_user(user.pk))
        self.assertIsNone(AccountBackend().get_user(999_999))

    def test_a_signed_in_request_uses_it(self):
        user = UserFactory(role=Role.CADRE, cadre=CadreFactory())
        self.client.force_login(user, backend="ganxun.accounts.backends.AccountBackend")
        response = self.client.get("/hours/my/")
        self.assertEqual(response.wsgi_request.user.cadre_id, user.cadre_id)
        self.assertIn("cadre", response.wsgi_request.user._state.fields_cache)
