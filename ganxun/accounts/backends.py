"""Django's model backend, reading the account's cadre with it: nearly every page asks for it."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """The signed-in user, their cadre and the units their scope needs in one query, on every request."""

    def get_user(self, user_id):
        # ``unit`` and ``cadre__unit``: User.unit_scope, read by every visible_to, costs no query.
        user = self.user_model._default_manager.select_related("cadre__unit", "unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    @property
    def user_model(self):
        from django.contrib.auth import get_user_model

        return get_user_model()
