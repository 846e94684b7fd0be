from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from .forms import LoginForm, StyledPasswordChangeForm


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule), so that a link or an image cannot log anyone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """The new password is audited where every password change is (accounts/signals.py), once."""

    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("core:home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_response(request: HttpRequest, original_response=None, credentials=None, *args, **kwargs) -> HttpResponse:
    """django-axes calls this from the 5th failure on: the same words whether the account exists or not.

    Failures while signed in (a wrong current password when changing it) end the session too: a lockout
    means out, whichever form the guesses came through.
    """
    if request.user.is_authenticated:
        logout(request)
    message = _("Too many failed logins. Please try again in %(minutes)d minutes.") % {"minutes": lockout_minutes()}
    return render(request, "accounts/login.html", {"form": LoginForm(request), "lockout_message": message}, status=403)
