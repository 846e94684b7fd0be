"""Login success, failure and lockout go into the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    audit_record(
        actor=user, action=Action.LOGIN, object_type="user", object_repr=user.get_username(), ip_address=_ip(request)
    )


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(
            actor=user,
            action=Action.LOGOUT,
            object_type="user",
            object_repr=user.get_username(),
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
