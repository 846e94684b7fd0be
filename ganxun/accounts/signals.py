"""Account events into the audit trail, from the hooks every path passes through.

Logins, logouts and lockouts come from Django's and axes' signals.  A password set, an account deleted and a
change of groups or permissions are caught on the model, because Django's own code paths (the admin's
password form, ``changepassword``, ``createsuperuser``, the shell) call no service of ours.  The person
acting is the signed-in user of the request being answered, or nobody (the system) from a command.
"""

from __future__ import annotations

import sys
from pathlib import Path

from axes.signals import user_locked_out
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.core.middleware import client_ip, current_request

from .idle import LOGIN_AT_KEY, now_ms
from .models import User


def acting_user():
    """The signed-in user of the request being answered, or None (the system: a command, a script)."""
    request = current_request()
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def outside_request_note() -> str:
    """For an event no page caused: the command that did it, so that the trail says where it came from."""
    if current_request() is not None:
        return ""
    if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1:
        return _("From the command line: manage.py %(command)s.") % {"command": sys.argv[1]}
    return _("Outside the web pages (command line or script).")


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


@receiver(post_save, sender=User)
def record_password_set(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    """set_password() leaves the new password in ``_password`` until save() has run: only its fact is kept."""
    if raw or getattr(instance, "_password", None) is None:
        return
    summary = _("Initial password set.") if created else _("Password set.")
    audit_record(
        actor=acting_user(),
        action=Action.PASSWORD,
        obj=instance,
        summary=" ".join(filter(None, [summary, outside_request_note()])),
    )


@receiver(post_delete, sender=User)
def record_account_deleted(sender, instance: User, **kwargs) -> None:
    actor = acting_user()
    if actor is not None and actor.pk == instance.pk:  # deleting oneself: the row the event would point at is gone
        actor = None
    audit_record(
        actor=actor,
        actor_name="" if actor is not None or current_request() is None else instance.get_username(),
        action=Action.DELETE,
        obj=instance,
        before={"username": instance.get_username(), "role": str(instance.get_role_display())},
        after={},
        summary=outside_request_note(),
    )


# For each relation: the key the event names it by, the owner's accessor and the other side's accessor.
_RELATIONS = {
    User.groups.through: ("groups", "groups", "user_set"),
    User.user_permissions.through: ("user_permissions", "user_permissions", "user_set"),
    Group.permissions.through: ("permissions", "permissions", "group_set"),
}


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=Group.permissions.through)
def record_permissions_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    """Groups and permissions granted or withdrawn, from either side of the relation: one event per account or
    group whose grants changed, with its whole list before and after."""
    # Removals are read before they happen, so that "before" is what really was there.
    if action not in ("pre_clear", "pre_remove", "post_add"):
        return
    key, forward, backward = _RELATIONS[sender]
    if not reverse:
        owners = [instance]
        changed = (
            list(getattr(instance, forward).all())
            if action == "pre_clear"
            else list(model.objects.filter(pk__in=pk_set or ()))
        )
    else:
        owners = (
            list(getattr(instance, backward).all())
            if action == "pre_clear"
            else list(model.objects.filter(pk__in=pk_set or ()))
        )
        changed = [instance]
    names = {str(c) for c in changed}
    for owner in owners:
        current = {str(g) for g in getattr(owner, forward).all()}
        if action == "post_add":
            before, after = current - names, current
        else:
            before, after = current, current - names
        if before != after:
            audit_record(
                actor=acting_user(),
                action=Action.PERMISSIONS,
                obj=owner,
                before={key: sorted(before)},
                after={key: sorted(after)},
                summary=outside_request_note(),
            )
