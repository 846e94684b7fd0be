"""Django's model backend, reading the account's cadre with it: nearly every page asks for it."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """The signed-in user and their cadre in one query instead of two, on every request."""

    def get_user(self, user_id):
        user = self.user_model._default_manager.select_related("cadre").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    @property
    def user_model(self):
        from django.contrib.auth import get_user_model

        return get_user_model()
