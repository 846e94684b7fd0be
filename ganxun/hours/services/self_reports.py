"""Self-reported hours: the cadre submits, the 科室负责人 reviews first, the 培训管理员 decides; all audited."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from ..models import EntryStatus, LedgerEntry, Source
from .ledger import entry_snapshot, is_own, own_hours_message


def _snapshot(entry: LedgerEntry) -> dict[str, Any]:
    return {
        **entry_snapshot(entry),
        "witness": entry.witness,
        "evidence": entry.evidence,
        "evidence_file": entry.evidence_file.name if entry.evidence_file else "",
    }


def other_section_heads(*, section_id: OuterRef | int, cadre_id: OuterRef | int):
    """Active section-head accounts of a 科室, other than the cadre's own (nobody reviews their own report)."""
    return User.objects.filter(role=Role.SECTION_HEAD, is_active=True, cadre__section_id=section_id).exclude(
        cadre_id=cadre_id
    )


def needs_section_review(entry: LedgerEntry) -> bool:
    """A 科室 with a head account reviews first; without one the report goes straight to the administrators."""
    return other_section_heads(section_id=entry.cadre.section_id, cadre_id=entry.cadre_id).exists()


def without_section_reviewer() -> Exists:
    """For querysets of entries: True when no one in the cadre's 科室 can do the first review."""
    return ~Exists(other_section_heads(section_id=OuterRef("cadre__section_id"), cadre_id=OuterRef("cadre_id")))


def can_section_review(user, entry: LedgerEntry) -> bool:
    """The head of the cadre's 科室, on a pending report that is not their own."""
    return (
        user.is_authenticated
        and user.is_section_head
        and entry.source == Source.SELF_REPORT
        and entry.status == EntryStatus.PENDING
        and user.section_id_scope is not None
        and user.section_id_scope == entry.cadre.section_id
        and not is_own(user, entry.cadre_id)
    )


def can_decide(user, entry: LedgerEntry) -> bool:
    """An administrator, once the 科室 has approved (or at once when the 科室 has no head to review)."""
    if not (user.is_authenticated and user.is_admin and entry.source == Source.SELF_REPORT):
        return False
    if is_own(user, entry.cadre_id):
        return False
    if entry.status == EntryStatus.SECTION_APPROVED:
        return True
    return entry.status == EntryStatus.PENDING and not needs_section_review(entry)


def _store_name(upload: UploadedFile) -> str:
    """A random file name with the upload's extension: what the user called it is not a safe path."""
    return f"{uuid.uuid4().hex}{PurePath(upload.name or '').suffix.lower()}"


@transaction.atomic
def self_report_submit(
    *,
    actor,
    cadre,
    date: dt.date,
    hours: Decimal,
    bucket: str,
    title: str,
    evidence: str = "",
    witness: str = "",
    evidence_file: UploadedFile | None = None,
) -> LedgerEntry:
    """A cadre reports hours of their own (self-study, practice, an outside class …); it waits for review."""
    if not (actor.is_authenticated and actor.cadre_id == cadre.pk):
        raise PermissionDenied
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    entry = LedgerEntry(
        cadre=cadre,
        date=date,
        hours=hours,
        bucket=bucket,
        source=Source.SELF_REPORT,
        source_id=None,
        title=title,
        evidence=evidence,
        witness=witness,
        status=EntryStatus.PENDING,
        created_by=actor,
    )
    if evidence_file is not None:
        evidence_file.name = _store_name(evidence_file)
        entry.evidence_file = evidence_file
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor, action=Action.CREATE, obj=entry, after=_snapshot(entry), summary=_("Self-report submitted")
    )
    return entry


def _locked(entry: LedgerEntry) -> LedgerEntry:
    return LedgerEntry.objects.select_for_update().select_related("cadre").get(pk=entry.pk)


def _require_reason(approve: bool, reason: str) -> str:
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Please give the reason for the rejection.")})
    return reason


@transaction.atomic
def self_report_review(*, actor, entry: LedgerEntry, approve: bool, reason: str = "") -> LedgerEntry:
    """The 科室负责人's first review: approve (on to the administrators) or reject with a reason."""
    entry = _locked(entry)
    if is_own(actor, entry.cadre_id):
        raise PermissionDenied(own_hours_message())
    if not can_section_review(actor, entry):
        raise PermissionDenied(_("This report is not waiting for your review."))
    reason = _require_reason(approve, reason)
    before = _snapshot(entry)
    entry.section_reviewed_by, entry.section_reviewed_at = actor, timezone.now()
    if approve:
        entry.status, entry.reason = EntryStatus.SECTION_APPROVED, reason
    else:
        entry.status, entry.reason = EntryStatus.REJECTED, reason
        entry.decided_by, entry.decided_at = actor, entry.section_reviewed_at
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=entry,
        before=before,
        after=_snapshot(entry),
        summary=_("Self-report approved by the section head")
        if approve
        else _("Self-report rejected by the section head"),
    )
    return entry


@transaction.atomic
def self_report_decide(*, actor, entry: LedgerEntry, confirm: bool, reason: str = "") -> LedgerEntry:
    """The 培训管理员's decision: confirm (the hours count from now on) or reject with a reason."""
    entry = _locked(entry)
    if is_own(actor, entry.cadre_id):
        raise PermissionDenied(own_hours_message())
    if not can_decide(actor, entry):
        raise PermissionDenied(_("This report is not waiting for your decision."))
    reason = _require_reason(confirm, reason)
    before = _snapshot(entry)
    entry.status = EntryStatus.CONFIRMED if confirm else EntryStatus.REJECTED
    entry.reason = reason
    entry.decided_by, entry.decided_at = actor, timezone.now()
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=entry,
        before=before,
        after=_snapshot(entry),
        summary=_("Self-report confirmed") if confirm else _("Self-report rejected"),
    )
    return entry
