"""Login success, failure and lockout go into the audit trail, keyed on the client's address."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.core.middleware import client_ip

from .idle import LOGIN_AT_KEY, now_ms


def _ip(request) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = now_ms()  # starts the idle and maximum clocks (accounts/idle.py)
    audit_record(
        actor=user, action=Action.LOGIN, object_type="user", object_repr=user.get_username(), ip_address=_ip(request)
    )


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        idle = getattr(request, "ganxun_idle_timeout", False)
        audit_record(
            actor=user,
            action=Action.LOGOUT,
            object_type="user",
            object_repr=user.get_username(),
            summary=_("Session ended: idle or past its maximum length.") if idle else "",
            ip_address=_ip(request),
        )


@receiver(user_login_failed)
def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None,
        actor_name=username,
        action=Action.LOGIN_FAILED,
        object_type="user",
        object_repr=username,
        summary=getattr(request, "ganxun_login_failure_note", ""),
        ip_address=_ip(request),
    )


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs) -> None:
    audit_record(
        actor=None,
        actor_name=str(username or "")[:150],
        action=Action.LOCKOUT,
        object_type="user",
        object_repr=str(username or "")[:150],
        ip_address=ip_address,
    )
