"""Writes to the 学时 ledger.  Every entry is made here, by whoever counts the thing it comes from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from ..models import ConversionRule, EntryStatus, LedgerEntry, Source, Unit, source_content_type


def entry_snapshot(entry: LedgerEntry) -> dict[str, Any]:
    """What the audit trail keeps of an entry."""
    return {
        "cadre": entry.cadre.name,
        "date": entry.date.isoformat(),
        "hours": str(entry.hours),
        "bucket": str(entry.get_bucket_display()),
        "source": str(entry.get_source_display()),
        "title": entry.title,
        "status": str(entry.get_status_display()),
        "reason": entry.reason,
    }


# A keyword's default meaning "not read by the caller: read it here" (None means "read: there is none").
UNREAD: Any = object()


def is_own(actor, cadre_id: int | None) -> bool:
    """Whether ``actor`` is the cadre whose hours are at stake (an administrator may also be a cadre)."""
    own = getattr(actor, "cadre_id", None)
    return own is not None and own == cadre_id


def own_hours_message() -> str:
    return _("Nobody decides on their own hours: please have another administrator handle this.")


def refuse_own(actor, cadre_id: int | None, field: str | None = None) -> None:
    """Nobody decides on their own hours, at any step: refused with a message naming who should act instead."""
    if is_own(actor, cadre_id):
        message = own_hours_message()
        raise ValidationError({field: message} if field else message, code="own_hours")


def entry_current(entry: LedgerEntry | None, *, date: dt.date, hours: Decimal, bucket: str, title: str) -> bool:
    """Whether ledger_record would leave this entry as it is (confirmed, these figures): a caller holding the
    entry already can skip the call and its locked read."""
    return (
        entry is not None
        and entry.date == date
        and str(entry.hours) == str(hours)
        and entry.bucket == bucket
        and entry.title == title[:200]
        and entry.status == EntryStatus.CONFIRMED
        and entry.reason == ""
    )


def conversion_rules(year: int, org_unit: Any = None) -> dict[str, ConversionRule]:
    """{measure: rule} of ``year`` that apply to ``org_unit`` (a 单位): the rules of the nearest unit up its path
    that has conversion rules for the year (itself first), else the system default's.  One query."""
    path = org_unit.ancestor_ids() if org_unit is not None else []
    owners = Q(org_unit__isnull=True) | Q(org_unit__in=path) if path else Q(org_unit__isnull=True)
    by_owner: dict[int | None, dict[str, ConversionRule]] = {}
    for rule in ConversionRule.objects.filter(owners, year=year):
        by_owner.setdefault(rule.org_unit_id, {})[rule.unit] = rule
    for unit_id in reversed(path):
        if unit_id in by_owner:
            return by_owner[unit_id]
    return by_owner.get(None, {})


def conversion_rule(*, year: int, unit: str, org_unit: Any = None) -> ConversionRule:
    """The year's rule for a measure, as it applies to ``org_unit`` (inherited down the tree of units, the
    system default without one); a clear error when the admin has not set one."""
    rule = conversion_rules(year, org_unit).get(unit)
    if rule is None:
        raise ValidationError(
            _("No conversion rule for %(unit)s in %(year)s: please set the year's rules first.")
            % {"unit": Unit(unit).label, "year": year}
        )
    return rule


def convert_hours(*, year: int, unit: str, quantity: Decimal | Fraction, org_unit: Any = None) -> Decimal:
    return conversion_rule(year=year, unit=unit, org_unit=org_unit).convert(quantity)


@transaction.atomic
def ledger_record(
    *,
    actor,
    cadre,
    date: dt.date,
    hours: Decimal,
    bucket: str,
    source: str,
    source_id: int,
    title: str,
    status: str = EntryStatus.CONFIRMED,
    reason: str = "",
    evidence: str = "",
    entry: Any = UNREAD,
    source_object: Any = None,
) -> LedgerEntry:
    """Count one sourced thing for one cadre, or bring its existing entry up to date.

    Idempotent: the (cadre, source, source_id) constraint means a source is counted once however often this
    runs; a changed figure or status updates the one entry, and the audit trail keeps before and after.
    ``entry``: the source's entry (None: there is none) when the caller has read it, locked, in this transaction.
    ``source_object``: the source record itself, when in hand; else its kind is looked up from ``source``.
    """
    if entry is UNREAD:
        entry = LedgerEntry.objects.select_for_update().filter(cadre=cadre, source=source, source_id=source_id).first()
    assert entry is None or isinstance(entry, LedgerEntry)
    if entry is not None:
        entry.cadre = cadre  # the snapshot's name, without joining the cadre's row again
    source_type = _source_type(source, source_object)
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    if entry is None:
        entry = LedgerEntry(
            cadre=cadre,
            date=date,
            hours=hours,
            bucket=bucket,
            source=source,
            source_id=source_id,
            source_type=source_type,
            title=title[:200],
            status=status,
            reason=reason,
            evidence=evidence,
            created_by=user,
            decided_by=user if status in (EntryStatus.CONFIRMED, EntryStatus.REJECTED) else None,
            decided_at=now if status in (EntryStatus.CONFIRMED, EntryStatus.REJECTED) else None,
        )
        # The cadre and the actor are rows in hand, the source is named by its row's id, and the locked read above
        # found no entry: checking those again would cost queries while other writers wait for the lock (the
        # foreign keys and the constraints still hold in the database, and clean() tests their ranges in Python).
        entry.full_clean(
            exclude=["cadre", "created_by", "decided_by", "source_id", "source_type"], validate_constraints=False
        )
        entry.save()
        audit_record(actor=actor, action=Action.CREATE, obj=entry, after=entry_snapshot(entry))
        return entry
    before = entry_snapshot(entry)
    entry.date, entry.hours, entry.bucket, entry.title = date, hours, bucket, title[:200]
    entry.status, entry.reason = status, reason
    if evidence:
        entry.evidence = evidence
    after = entry_snapshot(entry)
    referenced = source_type is not None and entry.source_type_id != source_type.pk
    if referenced:
        entry.source_type = source_type  # an entry written before the reference existed
    if before != after:
        entry.decided_by, entry.decided_at = user, now
        entry.full_clean(exclude=["cadre", "created_by", "decided_by", "source_type"], validate_constraints=False)
        entry.save()
        audit_record(actor=actor, action=Action.UPDATE, obj=entry, before=before, after=after)
    elif referenced:
        entry.save(update_fields=["source_type"])
    return entry


def _source_type(source: str, source_object: Any):
    if source_object is not None:
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get_for_model(source_object)
    return source_content_type(source)


@transaction.atomic
def ledger_withdraw(
    *, actor, cadre, source: str, source_id: int, reason: str, entry: Any = UNREAD
) -> LedgerEntry | None:
    """The source no longer counts (attendance corrected, class not completed): reject its entry, keep the row.

    ``entry``: the source's entry (None: there is none) when the caller has read it, locked, in this transaction.
    """
    if entry is UNREAD:
        entry = LedgerEntry.objects.select_for_update().filter(cadre=cadre, source=source, source_id=source_id).first()
    assert entry is None or isinstance(entry, LedgerEntry)
    if entry is not None:
        entry.cadre = cadre  # the snapshot's name, without joining the cadre's row again
    if entry is None or (entry.status == EntryStatus.REJECTED and entry.reason == reason):
        return entry
    before = entry_snapshot(entry)
    entry.status, entry.reason = EntryStatus.REJECTED, reason
    entry.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.decided_at = timezone.now()
    entry.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=entry, before=before, after=entry_snapshot(entry))
    return entry


@transaction.atomic
def ledger_withdraw_source(*, actor, source_object, reason: str) -> list[LedgerEntry]:
    """The record is being taken away (a session cancelled, a class called off): every entry still counted from
    it is withdrawn through ``ledger_withdraw``, with the reason, audited; the record itself stays, since entries
    point to it (a source with entries cannot be deleted)."""
    from django.contrib.contenttypes.models import ContentType

    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for withdrawing the hours.")})
    entries = (
        LedgerEntry.objects.select_for_update()
        .filter(source_type=ContentType.objects.get_for_model(source_object), source_id=source_object.pk)
        .exclude(status=EntryStatus.REJECTED)
        .exclude(source=Source.SELF_REPORT)
        .select_related("cadre")
        .order_by("pk")
    )
    return [
        ledger_withdraw(
            actor=actor, cadre=entry.cadre, source=entry.source, source_id=entry.source_id, reason=reason, entry=entry
        )
        for entry in entries
    ]
