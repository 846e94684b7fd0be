"""Outside classes (党校, 中青班 …): the class is recorded once, each cadre sent to it gets one confirmed entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from ..models import EntryStatus, LedgerEntry, OutsideClass, Source
from .ledger import is_own, ledger_record, ledger_withdraw, own_hours_message, refuse_own

FIELDS = ("title", "organiser", "start_date", "end_date", "hours", "bucket", "note")
# What the participants' entries are counted from: changing these changes their hours.
COUNTED_FIELDS = ("end_date", "hours", "bucket")


def _snapshot(outside_class: OutsideClass) -> dict[str, Any]:
    return {
        "title": outside_class.title,
        "organiser": outside_class.organiser,
        "start_date": outside_class.start_date.isoformat(),
        "end_date": outside_class.end_date.isoformat(),
        "hours": str(outside_class.hours),
        "bucket": str(outside_class.get_bucket_display()),
        "note": outside_class.note,
    }


def _require_admin(actor) -> None:
    if not (actor.is_authenticated and actor.is_admin):
        raise PermissionDenied


def _entry_title(outside_class: OutsideClass) -> str:
    return f"{outside_class.title}（{outside_class.organiser}）"


def _count(actor, outside_class: OutsideClass, cadre, evidence: str = "") -> LedgerEntry:
    return ledger_record(
        actor=actor,
        cadre=cadre,
        date=outside_class.end_date,
        hours=outside_class.hours,
        bucket=outside_class.bucket,
        source=Source.OUTSIDE_CLASS,
        source_id=outside_class.pk,
        title=_entry_title(outside_class),
        evidence=evidence,
    )


@transaction.atomic
def outside_class_create(*, actor, **fields: Any) -> OutsideClass:
    _require_admin(actor)
    outside_class = OutsideClass(created_by=actor, **{k: fields[k] for k in FIELDS if k in fields})
    outside_class.full_clean()
    outside_class.save()
    audit_record(actor=actor, action=Action.CREATE, obj=outside_class, after=_snapshot(outside_class))
    return outside_class


@transaction.atomic
def outside_class_update(*, actor, outside_class: OutsideClass, **fields: Any) -> OutsideClass:
    """Change the class; the entries of the cadres still counted follow (hours, date, category, title)."""
    _require_admin(actor)
    outside_class = OutsideClass.objects.select_for_update().get(pk=outside_class.pk)
    before = _snapshot(outside_class)
    counted_before = [getattr(outside_class, name) for name in COUNTED_FIELDS]
    for name in FIELDS:
        if name in fields:
            setattr(outside_class, name, fields[name])
    counted_after = [getattr(outside_class, name) for name in COUNTED_FIELDS]
    if counted_before != counted_after and getattr(actor, "cadre_id", None) is not None:
        own = LedgerEntry.objects.filter(
            source=Source.OUTSIDE_CLASS, source_id=outside_class.pk, cadre_id=actor.cadre_id
        ).exclude(status=EntryStatus.REJECTED)
        if own.exists():
            raise ValidationError(
                _(
                    "You are counted in this class: please have another administrator change its hours, dates or category."
                ),
                code="own_hours",
            )
    outside_class.full_clean()
    outside_class.save()
    after = _snapshot(outside_class)
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=outside_class, before=before, after=after)
        counted = LedgerEntry.objects.filter(
            source=Source.OUTSIDE_CLASS, source_id=outside_class.pk, status=EntryStatus.CONFIRMED
        ).select_related("cadre")
        for entry in counted:
            _count(actor, outside_class, entry.cadre)
    return outside_class


@transaction.atomic
def outside_class_add_participants(
    *, actor, outside_class: OutsideClass, cadres: Iterable, evidence: str = ""
) -> list[LedgerEntry]:
    """Count the class for each cadre (once: adding someone again only brings their entry up to date)."""
    _require_admin(actor)
    cadres = list(cadres)
    for cadre in cadres:
        if is_own(actor, cadre.pk):
            raise ValidationError(
                {"people": _("%(name)s is you: %(rule)s") % {"name": cadre.name, "rule": own_hours_message()}},
                code="own_hours",
            )
    return [_count(actor, outside_class, cadre, evidence) for cadre in cadres]


@transaction.atomic
def outside_class_remove_participant(*, actor, outside_class: OutsideClass, cadre, reason: str = "") -> None:
    """The cadre did not attend (or not to the end): the entry stays, rejected, with the reason."""
    _require_admin(actor)
    refuse_own(actor, cadre.pk)
    ledger_withdraw(
        actor=actor,
        cadre=cadre,
        source=Source.OUTSIDE_CLASS,
        source_id=outside_class.pk,
        reason=reason or _("Removed from the outside class"),
    )
