"""What the training views share: who may change things, and the form-through-service pattern."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect


def can_manage_training(user) -> bool:
    """Training and system administrators create and change activities; everyone else reads."""
    return user.is_authenticated and user.is_admin


def require_manager(request: HttpRequest) -> None:
    if not can_manage_training(request.user):
        raise PermissionDenied


class ManagerOnlyMixin:
    """Refused before anything is looked up, for anyone but an administrator."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_manager(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ServiceFormMixin(ManagerOnlyMixin):
    """The form validates, the audited service writes; the service's own errors land on the form."""

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
