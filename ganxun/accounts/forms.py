from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables


class LoginForm(AuthenticationForm):
    """The same words for a wrong password, an unknown user and a disabled account: nothing to probe."""

    error_messages = {
        "invalid_login": gettext_lazy("The username or password is wrong."),
        "inactive": gettext_lazy("The username or password is wrong."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        )


class StyledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with Bootstrap inputs; the policy comes from AUTH_PASSWORD_VALIDATORS.

    The current password is checked the way a login is, through django-axes: a wrong one is a failed login
    (audited, counted), and the same number of them locks the account out, so a left-open session cannot be
    used to guess the password.
    """

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    @sensitive_variables("old_password")
    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        self.request.ganxun_login_failure_note = _("Wrong current password when changing the password.")
        checked = authenticate(self.request, username=username, password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        handler = AxesProxyHandler.get_implementation()
        if settings.AXES_RESET_ON_SUCCESS and hasattr(handler, "reset_user_attempts"):
            # As a successful login does: earlier slips no longer count towards a lockout.
            handler.reset_user_attempts(self.request, {"username": username})
        return old_password
