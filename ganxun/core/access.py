"""The doors every app's views share: administrators only, and forms that write through an audited service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect


def require_admin(user) -> None:
    """Training and system administrators only; refused before anything is looked up."""
    if not (user.is_authenticated and user.is_admin):
        raise PermissionDenied


class AdminRequiredMixin:
    """Class-based views for administrators only."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request.user)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ServiceFormMixin(AdminRequiredMixin):
    """The form validates; the view's ``save`` calls the audited service, whose errors land on the form."""

    success_message: Any = ""

    def form_valid(self, form) -> HttpResponse:
        try:
            self.object = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, self.success_message % {"name": self.object})
        return HttpResponseRedirect(self.get_success_url())  # type: ignore[attr-defined]

    def save(self, form):
        raise NotImplementedError
