"""Evidence (a file, a note) on any practice record, audited on the record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from ..models import Evidence
from .common import is_system


def _require_reach(actor, record: models.Model) -> None:
    if is_system(actor):
        return
    manager = type(record).objects
    allowed = manager.editable_by(actor) if hasattr(manager, "editable_by") else manager.none()
    if not allowed.filter(pk=record.pk).exists():
        raise PermissionDenied


@transaction.atomic
def evidence_add(*, actor, record: models.Model, file=None, note: str = "") -> Evidence:
    """Attach a file and/or a note to a record the actor may change."""
    _require_reach(actor, record)
    note = (note or "").strip()
    if not file and not note:
        raise ValidationError(_("Evidence needs a file or a note."))
    evidence = Evidence(record=record, note=note, uploaded_by=actor if not is_system(actor) else None)
    if file:
        evidence.file = file
    evidence.full_clean()
    evidence.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=record,
        summary=_("Evidence added: %(what)s") % {"what": evidence.file.name or note[:50]},
    )
    return evidence


@transaction.atomic
def evidence_delete(*, actor, evidence: Evidence) -> None:
    record = evidence.record
    if record is not None:
        _require_reach(actor, record)
    elif not is_system(actor) and not actor.is_system_admin:
        raise PermissionDenied
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=record,
        object_type="evidence" if record is None else "",
        object_repr=str(evidence) if record is None else "",
        summary=_("Evidence removed: %(what)s") % {"what": evidence.file.name or evidence.note[:50]},
    )
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    if name:
        # The file goes once the removal is committed (a rolled-back removal keeps it).
        transaction.on_commit(lambda: storage.delete(name))
