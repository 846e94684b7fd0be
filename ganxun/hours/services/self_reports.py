"""Self-reported hours: the cadre submits, the 科室负责人 reviews first, the 培训管理员 decides; all audited."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from .. import hooks
from ..models import (
    Bucket,
    ConversionRule,
    EntryStatus,
    LedgerEntry,
    OutsideClass,
    Source,
    Unit,
    day_hours,
    plain_hours,
)
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


# The conversion rule whose cap per item bounds a reported item of a category (online: a course).
SELF_REPORT_UNITS = {Bucket.ONLINE: Unit.ONLINE_MINUTES}


def self_report_max_hours(*, date: dt.date, bucket: str) -> tuple[Decimal, str]:
    """The most one reported item may hold, and why: the rule's cap per item, and at most one day's worth."""
    per_day = day_hours(date.year)
    unit = SELF_REPORT_UNITS.get(bucket, Unit.HOUR)
    rule = ConversionRule.objects.filter(year=date.year, unit=unit, org_unit__isnull=True).first()
    if rule is not None and rule.per_item_cap is not None and rule.per_item_cap < per_day:
        return rule.per_item_cap, _(
            "One item can be at most %(max)s hours (the %(year)s rule for %(unit)s caps an item at that)."
        ) % {"max": plain_hours(rule.per_item_cap), "year": date.year, "unit": Unit(unit).label}
    return per_day, _(
        "One item can be at most %(max)s hours, a full day's worth by the %(year)s rules; report longer study as "
        "one item per day."
    ) % {"max": plain_hours(per_day), "year": date.year}


def check_self_report_hours(
    *, cadre, date: dt.date, hours: Decimal, bucket: str, exclude_pk: int | None = None
) -> None:
    """Refuse an item holding more than its rule allows, or a day holding more than a day's worth (on the field)."""
    ceiling, message = self_report_max_hours(date=date, bucket=bucket)
    if hours > ceiling:
        raise ValidationError({"hours": message})
    if cadre is None or cadre.pk is None:
        return
    same_day = LedgerEntry.objects.filter(cadre=cadre, source=Source.SELF_REPORT, date=date).exclude(
        status=EntryStatus.REJECTED
    ).exclude(pk=exclude_pk).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    per_day = day_hours(date.year)
    if same_day + hours > per_day:
        raise ValidationError(
            {
                "hours": _("%(already)s hours are already reported for %(date)s; one day holds at most %(max)s.")
                % {"already": plain_hours(same_day), "date": date.isoformat(), "max": plain_hours(per_day)}
            }
        )


def tidy_title(title: str) -> str:
    """A report's title as stored: runs of spaces made one, none at the ends."""
    return " ".join(title.split())


def title_key(title: str) -> str:
    """What two titles are compared by: NFKC (full-width letters and digits as half-width), no spaces at all,
    letter case folded.  “学习《条例》 ” and “学习《条例》” are the same report."""
    return "".join(unicodedata.normalize("NFKC", title).casefold().split())


def check_self_report_duplicate(*, cadre, date: dt.date, title: str, exclude_pk: int | None = None) -> None:
    """A self-report is counted once: refuse one that repeats (on the title field, naming what it repeats)

    - a report of the same cadre on the same day with the same title (by ``title_key``) that is not rejected
      (submitted, in review, returned for changes or confirmed); or
    - something already counted for the cadre (not rejected) on that day — for an outside class, on any day it
      spans — whose entry's title or whose record's title (the activity's, the class's: ``ledger_title``) is the
      same.
    """
    key = title_key(title)
    reports = (
        LedgerEntry.objects.filter(cadre=cadre, source=Source.SELF_REPORT, date=date)
        .exclude(status=EntryStatus.REJECTED)
        .exclude(pk=exclude_pk)
    )
    for report in reports:
        if title_key(report.title) == key:
            raise ValidationError(
                {
                    "title": _(
                        "You already reported “%(title)s” for %(date)s (%(status)s): a report is counted once. "
                        "Correct that report instead of submitting it again."
                    )
                    % {"title": report.title, "date": date.isoformat(), "status": report.get_status_display()}
                },
                code="duplicate",
            )
    covering = OutsideClass.objects.filter(start_date__lte=date, end_date__gte=date).values("pk")
    counted = (
        LedgerEntry.objects.filter(cadre=cadre)
        .exclude(source=Source.SELF_REPORT)
        .exclude(status=EntryStatus.REJECTED)
        .filter(Q(date=date) | Q(source=Source.OUTSIDE_CLASS, source_id__in=covering))
    )
    for entry in counted:
        names = {title_key(entry.title)}
        record = entry.source_object if entry.source_type_id else None
        if record is not None and hasattr(record, "ledger_title"):
            names.add(title_key(record.ledger_title))
        if key in names:
            raise ValidationError(
                {
                    "title": _(
                        "“%(title)s” is already counted for you on %(date)s (%(source)s, %(hours)s hours): it "
                        "cannot be reported again."
                    )
                    % {
                        "title": entry.title,
                        "date": entry.date.isoformat(),
                        "source": entry.get_source_display(),
                        "hours": plain_hours(entry.hours),
                    }
                },
                code="duplicate",
            )


def _store_name(upload: UploadedFile) -> str:
    """A random file name with the upload's extension: what the user called it is not a safe path."""
    return f"{uuid.uuid4().hex}{PurePath(upload.name or '').suffix.lower()}"


def titled_with_platform(title: str, platform: str) -> str:
    """The title of an online report as stored: it names the platform chosen (``platform``: its id), so that
    reviewers see where the study was, and an import of that platform's export later finds the report."""
    if not platform:
        return title
    name = dict(hooks.online_platform_choices()).get(str(platform), "")
    if not name or title_key(name) in title_key(title):
        return title
    return f"{name}：{title}"[:200]


@transaction.atomic
def check_online_covered(*, cadre, date: dt.date, bucket: str, title: str, platform: str = "") -> None:
    """An online report for a platform (chosen, or named in the title) whose export of the year is imported is
    refused: its hours come from the import (``hooks.online_report_covered``, filled by ``online``)."""
    if bucket != Bucket.ONLINE:
        return
    message = hooks.online_report_covered(cadre, date.year, title, platform)
    if message:
        raise ValidationError({"bucket": message})


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
    platform: str = "",
) -> LedgerEntry:
    """A cadre reports hours of their own (self-study, practice, an outside class …); it waits for review."""
    if not (actor.is_authenticated and actor.cadre_id == cadre.pk):
        raise PermissionDenied
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    title = tidy_title(title)
    if bucket == Bucket.ONLINE:
        title = titled_with_platform(title, platform)
    check_online_covered(cadre=cadre, date=date, bucket=bucket, title=title, platform=platform)
    check_self_report_duplicate(cadre=cadre, date=date, title=title)
    check_self_report_hours(cadre=cadre, date=date, hours=hours, bucket=bucket)
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


@transaction.atomic
def self_report_return(*, actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Send a report back for the cadre to correct and resubmit (at either step), with the reason: not final."""
    entry = _locked(entry)
    if is_own(actor, entry.cadre_id):
        raise PermissionDenied(own_hours_message())
    at_section = can_section_review(actor, entry)
    if not (at_section or can_decide(actor, entry)):
        raise PermissionDenied(_("This report is not waiting for you."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please say what the cadre should change.")})
    before = _snapshot(entry)
    now = timezone.now()
    if at_section:
        entry.section_reviewed_by, entry.section_reviewed_at = actor, now
    entry.status, entry.reason = EntryStatus.RETURNED, reason
    entry.decided_by, entry.decided_at = actor, now
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=entry,
        before=before,
        after=_snapshot(entry),
        summary=_("Self-report returned for changes"),
    )
    return entry


def can_resubmit(user, entry: LedgerEntry) -> bool:
    """The cadre themself, on their own report that was returned for changes."""
    return (
        user.is_authenticated
        and entry.source == Source.SELF_REPORT
        and entry.status == EntryStatus.RETURNED
        and is_own(user, entry.cadre_id)
    )


@transaction.atomic
def self_report_resubmit(
    *,
    actor,
    entry: LedgerEntry,
    date: dt.date,
    hours: Decimal,
    bucket: str,
    title: str,
    evidence: str = "",
    witness: str = "",
    evidence_file: UploadedFile | None = None,
    platform: str = "",
) -> LedgerEntry:
    """The cadre corrects a returned report; it goes back into the queue from the first step."""
    entry = _locked(entry)
    if not can_resubmit(actor, entry):
        raise PermissionDenied(_("Only a report returned to you for changes can be corrected."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    title = tidy_title(title)
    if bucket == Bucket.ONLINE:
        title = titled_with_platform(title, platform)
    check_online_covered(cadre=entry.cadre, date=date, bucket=bucket, title=title, platform=platform)
    check_self_report_duplicate(cadre=entry.cadre, date=date, title=title, exclude_pk=entry.pk)
    check_self_report_hours(cadre=entry.cadre, date=date, hours=hours, bucket=bucket, exclude_pk=entry.pk)
    before = _snapshot(entry)
    entry.date, entry.hours, entry.bucket, entry.title = date, hours, bucket, title
    entry.evidence, entry.witness = evidence, witness
    if evidence_file is not None:
        evidence_file.name = _store_name(evidence_file)
        entry.evidence_file = evidence_file
    entry.status, entry.reason = EntryStatus.PENDING, ""
    entry.section_reviewed_by = entry.section_reviewed_at = None
    entry.decided_by = entry.decided_at = None
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=entry,
        before=before,
        after=_snapshot(entry),
        summary=_("Self-report corrected and resubmitted"),
    )
    return entry


class Outcome(StrEnum):
    """What a reviewer does with a report: approve (or, at the last step, confirm), or return it for changes."""

    APPROVE = "approve"
    RETURN = "return"


@transaction.atomic
def self_report_batch(*, actor, entries: Iterable[LedgerEntry], outcome: str, reason: str = "") -> list[LedgerEntry]:
    """The same outcome for many reports at once: each still its own audited step, each with the reason typed.

    All or nothing: a report that is no longer waiting for this reviewer (or is their own) refuses the batch,
    naming it, and nothing is changed.
    """
    outcome = Outcome(outcome)
    done = []
    for entry in sorted(entries, key=lambda e: e.pk):  # a fixed lock order: two batches cannot deadlock
        try:
            if outcome == Outcome.RETURN:
                done.append(self_report_return(actor=actor, entry=entry, reason=reason))
            elif can_section_review(actor, entry):
                done.append(self_report_review(actor=actor, entry=entry, approve=True, reason=reason))
            else:
                done.append(self_report_decide(actor=actor, entry=entry, confirm=True, reason=reason))
        except PermissionDenied as error:
            raise PermissionDenied(
                _("%(name)s's report “%(title)s”: %(reason)s")
                % {"name": entry.cadre.name, "title": entry.title, "reason": error}
            ) from error
    return done


@transaction.atomic
def self_reports_supersede(*, actor, entry_ids: Iterable[int], reason: str, actor_name: str = "") -> int:
    """Withdraw self-reports whose hours a record now counts (a platform's imported export of the year): each is
    rejected with ``reason``, audited, and leaves the totals; counting both would count the same study twice.
    Reports already rejected are left as they are.  Returns how many were withdrawn."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    done = 0
    reports = (
        LedgerEntry.objects.select_for_update()
        .select_related("cadre")
        .filter(pk__in=list(entry_ids), source=Source.SELF_REPORT)
        .exclude(status=EntryStatus.REJECTED)
        .order_by("pk")  # a fixed lock order
    )
    for entry in reports:
        before = _snapshot(entry)
        entry.status, entry.reason = EntryStatus.REJECTED, reason[:300]
        entry.decided_by, entry.decided_at = user, now
        entry.save()
        audit_record(
            actor=user,
            actor_name=actor_name,
            action=Action.STATUS,
            obj=entry,
            before=before,
            after=_snapshot(entry),
            summary=_("Self-report withdrawn: the hours it reports are counted from a record"),
        )
        done += 1
    return done
