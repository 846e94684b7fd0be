"""Writing the audit trail.  Callers pass snapshots that are already masked."""

from __future__ import annotations

from typing import Any

from django.db import models

from ganxun.core.middleware import current_client_ip

from .models import Action, AuditEvent


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value differs."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
    object_type: str = "",
    object_repr: str = "",
    ip_address: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event.  For updates only the changed fields are kept.

    Without ``ip_address`` the event carries the address of the client whose request is being answered (none
    from a command), so that every write made from a page is traced to a desk.
    """
    if action == Action.CREATE:
        changes: dict[str, Any] = {k: [None, v] for k, v in (after or {}).items() if v not in (None, "", [])}
    elif before is not None or after is not None:
        changes = changed_fields(before or {}, after or {})
    else:
        changes = {}
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_repr = object_repr or str(obj)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=actor_name or (user.get_username() if user else ""),
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=object_repr[:200],
        changes=changes,
        summary=summary[:300],
        ip_address=ip_address or current_client_ip(),
    )
