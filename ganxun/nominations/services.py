"""Writes of 调训 / 推荐, each audited in its own transaction.

Taking a place (nominating) and approving lock the quota's row first (``select_for_update``; on SQLite every write
transaction begins IMMEDIATE, which serialises the writers), count the places held under the lock and refuse
beyond the quota: two nominators at once never put the unit over it.  The higher unit (区委组织部) has no accounts
here yet: its confirmation is recorded by an administrator on its behalf, with the number and date of its 调训通知.
A completed result counts the class's 学时 once, as an outside class (``hours.services.outside_class_*``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours.models import Bucket, OutsideClass
from ganxun.hours.services.ledger import refuse_own
from ganxun.hours.services.outside_classes import (
    outside_class_add_participants,
    outside_class_create,
    outside_class_remove_participant,
)
from ganxun.plans.models import PlanItem
from ganxun.roster.models import Cadre, Status, Unit, admin_unit_ids

from . import criteria
from .models import HOLDS_PLACE, Nomination, NominationStatus, PlanItemLink, Programme, Quota, Result

PROGRAMME_FIELDS = (
    "title",
    "kind",
    "organiser",
    "notice_number",
    "start_date",
    "end_date",
    "hours",
    "deadline",
    "max_age",
    "min_rank",
    "min_years_in_rank",
    "party_member_required",
    "note",
)


def _require_admin(actor) -> None:
    if not (actor.is_authenticated and actor.is_admin):
        raise PermissionDenied


def _reaches(actor, unit_id: int) -> bool:
    units = admin_unit_ids(actor)
    return units is None or units.filter(pk=unit_id).exists()


def _programme_snapshot(programme: Programme) -> dict[str, Any]:
    return {
        "title": programme.title,
        "kind": str(programme.get_kind_display()),
        "organiser": str(programme.organiser),
        "notice_number": programme.notice_number,
        "start_date": programme.start_date.isoformat(),
        "end_date": programme.end_date.isoformat(),
        "hours": str(programme.hours),
        "deadline": programme.deadline.isoformat() if programme.deadline else "",
        "max_age": programme.max_age,
        "min_rank": str(programme.get_min_rank_display()),
        "min_years_in_rank": programme.min_years_in_rank,
        "party_member_required": programme.party_member_required,
        "note": programme.note,
    }


def _check_hours_fit(programme: Programme) -> None:
    """The class's 学时 must fit an outside class of its days (the hours app's rule), or its result could not count."""
    stand_in = OutsideClass(
        title=programme.title,
        organiser=str(programme.organiser)[:100],
        start_date=programme.start_date,
        end_date=programme.end_date,
        hours=programme.hours,
    )
    try:
        stand_in.clean()
    except ValidationError as error:
        raise ValidationError(
            {k: v for k, v in error.message_dict.items() if k in ("start_date", "end_date", "hours")}
        ) from error


@transaction.atomic
def programme_create(*, actor, quotas: list[tuple[Unit, int]], **fields: Any) -> Programme:
    """Announce a class with its quotas (a unit and its places each; every unit within the actor's reach)."""
    _require_admin(actor)
    programme = Programme(created_by=actor, **{k: fields[k] for k in PROGRAMME_FIELDS if k in fields})
    programme.full_clean()
    _check_hours_fit(programme)
    if not quotas:
        raise ValidationError({"quotas": _("Give at least one unit its places.")})
    seen: set[int] = set()
    for unit, _places in quotas:
        if not _reaches(actor, unit.pk):
            raise PermissionDenied
        if unit.pk in seen:
            raise ValidationError({"quotas": _("%(unit)s is given places twice.") % {"unit": unit}})
        seen.add(unit.pk)
    programme.save()
    for unit, places in quotas:
        quota = Quota(programme=programme, unit=unit, places=places)
        quota.full_clean()
        quota.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=programme,
        after={**_programme_snapshot(programme), "quotas": {str(u): p for u, p in quotas}},
    )
    return programme


@transaction.atomic
def programme_update(*, actor, programme: Programme, **fields: Any) -> Programme:
    _require_admin(actor)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before = _programme_snapshot(programme)
    for name in PROGRAMME_FIELDS:
        if name in fields:
            setattr(programme, name, fields[name])
    programme.full_clean()
    _check_hours_fit(programme)
    programme.save()
    after = _programme_snapshot(programme)
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=programme, before=before, after=after)
    return programme


@transaction.atomic
def quota_set(*, actor, programme: Programme, unit: Unit, places: int) -> Quota:
    """Give a unit its places (or change them): never fewer than the places its nominations already hold."""
    _require_admin(actor)
    if not _reaches(actor, unit.pk):
        raise PermissionDenied
    quota = Quota.objects.select_for_update().filter(programme=programme, unit=unit).first()
    before = quota.places if quota else None
    if quota is None:
        quota = Quota(programme=programme, unit=unit, places=places)
    held = quota.nominations.filter(status__in=HOLDS_PLACE).count() if quota.pk else 0
    if places < held:
        raise ValidationError(
            {"places": _("%(unit)s already holds %(held)s places in this class.") % {"unit": unit, "held": held}}
        )
    quota.places = places
    quota.full_clean()
    quota.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE if before is not None else Action.CREATE,
        obj=programme,
        before={"quota": f"{unit}: {before}"} if before is not None else None,
        after={"quota": f"{unit}: {places}"},
        summary=_("Quota of %(unit)s") % {"unit": unit},
    )
    return quota


def quota_for(programme: Programme, cadre: Cadre) -> Quota | None:
    """The quota a cadre's nomination counts against: their unit's, or the nearest unit's above it."""
    ancestors = cadre.unit.ancestor_ids()
    quotas = {q.unit_id: q for q in Quota.objects.filter(programme=programme, unit_id__in=ancestors)}
    for unit_id in reversed(ancestors):
        if unit_id in quotas:
            return quotas[unit_id]
    return None


def _over_quota(programme: Programme, quota: Quota) -> ValidationError:
    return ValidationError(
        _(
            "The quota of %(unit)s in 《%(title)s》 is %(places)s and every place is taken: no further nomination "
            "can be made."
        )
        % {"unit": quota.unit, "title": programme.title, "places": quota.places},
        code="over_quota",
    )


def nominable_cadres(actor):
    """Whom the actor may nominate: an administrator's cadres in post, a 科室负责人's 科室's."""
    if not (actor.is_admin or actor.is_section_head):
        return Cadre.objects.none()
    return Cadre.objects.editable_by(actor).filter(status=Status.ACTIVE)


@transaction.atomic
def nomination_create(*, actor, programme: Programme, cadre: Cadre, reason: str = "") -> Nomination:
    """Nominate a cadre (an administrator or the cadre's 科室负责人), taking a place of the unit's quota."""
    if not (actor.is_authenticated and (actor.is_admin or actor.is_section_head)):
        raise PermissionDenied
    if not Programme.objects.visible_to(actor).filter(pk=programme.pk).exists():
        raise PermissionDenied
    if not nominable_cadres(actor).filter(pk=cadre.pk).exists():
        raise ValidationError({"cadre": _("You may not nominate %(name)s.") % {"name": cadre.name}})
    if programme.deadline and programme.deadline < timezone.localdate():
        raise ValidationError(
            _("Nominations for 《%(title)s》 closed on %(date)s.")
            % {"title": programme.title, "date": programme.deadline.isoformat()},
            code="closed",
        )
    quota = quota_for(programme, cadre)
    if quota is None:
        raise ValidationError(
            {"cadre": _("%(unit)s has no places in 《%(title)s》.") % {"unit": cadre.unit, "title": programme.title}}
        )
    quota = Quota.objects.select_for_update().select_related("unit").get(pk=quota.pk)
    if Nomination.objects.filter(programme=programme, cadre=cadre, status__in=HOLDS_PLACE).exists():
        raise ValidationError(
            {"cadre": _("%(name)s is already nominated for this class.") % {"name": cadre.name}}, code="twice"
        )
    if quota.nominations.filter(status__in=HOLDS_PLACE).count() >= quota.places:
        raise _over_quota(programme, quota)
    nomination = Nomination(
        programme=programme,
        cadre=cadre,
        quota=quota,
        unit=cadre.unit,
        section=cadre.section,
        reason=reason,
        nominated_by=actor,
    )
    nomination.full_clean(validate_constraints=False)
    nomination.save()
    checks = criteria.checks_for(programme, [cadre])[cadre.pk]
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=nomination,
        object_repr=f"{programme.title} · {cadre.name}",
        after={"class": programme.title, "cadre": cadre.name, "reason": reason, **criteria.summary(checks)},
    )
    return nomination


def _locked(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().select_related("programme", "cadre").get(pk=nomination.pk)


def _status_event(actor, nomination: Nomination, before: str, **extra: Any) -> None:
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=nomination,
        object_repr=f"{nomination.programme.title} · {nomination.cadre.name}",
        before={"status": str(NominationStatus(before).label)},
        after={"status": str(nomination.get_status_display()), **extra},
    )


def _require_reviewer(actor, nomination: Nomination) -> None:
    _require_admin(actor)
    if not _reaches(actor, nomination.unit_id) and not _reaches(actor, nomination.programme.organiser_id):
        raise PermissionDenied
    refuse_own(actor, nomination.cadre_id)


@transaction.atomic
def nomination_review(*, actor, nomination: Nomination, approve: bool, reason: str = "") -> Nomination:
    """The unit approves (within the quota) or rejects (with a reason) a nomination awaiting review."""
    quota = Quota.objects.select_for_update().get(pk=nomination.quota_id)  # the quota first, as nominating does
    nomination = _locked(nomination)
    _require_reviewer(actor, nomination)
    if nomination.status != NominationStatus.NOMINATED:
        raise ValidationError(_("This nomination has already been reviewed."), code="reviewed")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    if approve:
        decided = quota.nominations.filter(status__in=(NominationStatus.APPROVED, NominationStatus.CONFIRMED))
        if decided.count() >= quota.places:
            raise _over_quota(nomination.programme, quota)
    before = nomination.status
    nomination.status = NominationStatus.APPROVED if approve else NominationStatus.REJECTED
    nomination.review_reason = reason
    nomination.reviewed_by = actor
    nomination.reviewed_at = timezone.now()
    nomination.save()
    _status_event(actor, nomination, before, reason=reason)
    return nomination


@transaction.atomic
def nomination_confirm(
    *, actor, nomination: Nomination, confirm: bool, document: str, date: dt.date | None, reason: str = ""
) -> Nomination:
    """Record the higher unit's decision on an approved nomination, on its behalf, citing its 调训通知."""
    nomination = _locked(nomination)
    _require_reviewer(actor, nomination)
    if nomination.status != NominationStatus.APPROVED:
        raise ValidationError(_("Only a nomination approved by the unit can be confirmed."), code="not_approved")
    document = document.strip()
    if not document:
        raise ValidationError({"document": _("Give the number of the higher unit's call-up notice.")})
    if date is None:
        raise ValidationError({"date": _("Give the date of the higher unit's call-up notice.")})
    if not confirm and not reason.strip():
        raise ValidationError({"reason": _("Give the reason the higher unit gave.")})
    before = nomination.status
    nomination.status = NominationStatus.CONFIRMED if confirm else NominationStatus.REJECTED
    nomination.confirmed_by = actor
    nomination.confirm_document = document
    nomination.confirm_date = date
    if not confirm:
        nomination.review_reason = reason.strip()
    nomination.full_clean(validate_constraints=False)
    nomination.save()
    _status_event(
        actor,
        nomination,
        before,
        document=document,
        date=date.isoformat(),
        on_behalf_of=str(nomination.programme.organiser),
        reason=reason.strip(),
    )
    return nomination


def _outside_class(actor, programme: Programme) -> OutsideClass:
    """The class's outside class in the hours app, made once (the programme's row locked)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.outside_class_id is None:
        outside = outside_class_create(
            actor=actor,
            title=programme.title,
            organiser=str(programme.organiser)[:100],
            start_date=programme.start_date,
            end_date=programme.end_date,
            hours=programme.hours,
            bucket=Bucket.CENTRALISED,
            note=programme.notice_number,
        )
        Programme.objects.filter(pk=programme.pk).update(outside_class=outside)
        return outside
    return OutsideClass.objects.get(pk=programme.outside_class_id)


@transaction.atomic
def nomination_result(
    *,
    actor,
    nomination: Nomination,
    result: str,
    score: str = "",
    certificate=None,
    note: str = "",
) -> Nomination:
    """Record 结业 / 未结业 (成绩, the certificate): a completion counts the class's 学时 once on the ledger, a
    later 未结业 withdraws them with the reason."""
    nomination = _locked(nomination)
    _require_reviewer(actor, nomination)
    if nomination.status != NominationStatus.CONFIRMED:
        raise ValidationError(_("A result can only be recorded for a confirmed nomination."), code="not_confirmed")
    if result not in Result.values:
        raise ValidationError({"result": _("Choose completed or not completed.")})
    before = {
        "result": str(nomination.get_result_display()),
        "score": nomination.score,
        "certificate": nomination.certificate_name,
        "note": nomination.result_note,
    }
    was_completed = nomination.result == Result.COMPLETED
    nomination.result, nomination.score, nomination.result_note = result, score.strip(), note.strip()
    if certificate:
        nomination.certificate = certificate
    nomination.full_clean(validate_constraints=False)
    nomination.save()
    programme = nomination.programme
    if result == Result.COMPLETED:
        outside = _outside_class(actor, programme)
        outside_class_add_participants(
            actor=actor,
            outside_class=outside,
            cadres=[nomination.cadre],
            evidence=_("Completed the class (nomination %(pk)s)") % {"pk": nomination.pk},
        )
    elif was_completed and programme.outside_class_id:
        outside_class_remove_participant(
            actor=actor,
            outside_class=OutsideClass.objects.get(pk=programme.outside_class_id),
            cadre=nomination.cadre,
            reason=_("Recorded as not completed: %(note)s") % {"note": nomination.result_note or "—"},
        )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=nomination,
        object_repr=f"{programme.title} · {nomination.cadre.name}",
        before=before,
        after={
            "result": str(nomination.get_result_display()),
            "score": nomination.score,
            "certificate": nomination.certificate_name,
            "note": nomination.result_note,
        },
    )
    return nomination


APPROVED = (NominationStatus.APPROVED, NominationStatus.CONFIRMED)


def may_edit_programme(user, programme: Programme) -> bool:
    """The administrators of the unit that announced the class (a unit given places reads it, not edits it)."""
    return bool(user.is_authenticated and user.is_active and user.is_admin and _reaches(user, programme.organiser_id))


@transaction.atomic
def programme_edit(
    *, actor, programme: Programme, units: list[Unit], quotas: list[tuple[Unit, int]], **fields: Any
) -> Programme:
    """Correct an announced class and the places of the units in ``units`` (those the editing form shows; the
    others' quotas stay).  A unit's places never go below its nominations already approved (or confirmed); a
    unit's quota with nominations in it cannot be removed.  Audited with the quotas before and after."""
    _require_admin(actor)
    if not may_edit_programme(actor, programme):
        raise PermissionDenied
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    existing = {q.unit_id: q for q in Quota.objects.select_for_update().filter(programme=programme).order_by("pk")}
    wanted = {unit.pk: places for unit, places in quotas}
    names = {u.pk: str(u) for u in units}
    before = {**_programme_snapshot(programme), "quotas": _quota_snapshot(existing.values())}
    for name in PROGRAMME_FIELDS:
        if name in fields:
            setattr(programme, name, fields[name])
    programme.full_clean()
    _check_hours_fit(programme)
    approved = dict(
        Nomination.objects.filter(programme=programme, status__in=APPROVED)
        .values("quota__unit_id")
        .annotate(n=models.Count("pk"))
        .values_list("quota__unit_id", "n")
        .order_by()
    )
    used = set(
        Nomination.objects.filter(programme=programme).values_list("quota__unit_id", flat=True).distinct().order_by()
    )
    errors = []
    for unit_id in names:
        places = wanted.get(unit_id)
        if places is None and unit_id in existing and unit_id in used:
            errors.append(
                _("%(unit)s has nominations in this class: its places cannot be removed.") % {"unit": names[unit_id]}
            )
        elif places is not None and places < approved.get(unit_id, 0):
            errors.append(
                _(
                    "%(unit)s already has %(approved)s nominations approved in this class: its places cannot be "
                    "fewer than %(approved)s."
                )
                % {"unit": names[unit_id], "approved": approved[unit_id]}
            )
    if errors:
        raise ValidationError({"quotas": errors})
    if not wanted and not (set(existing) - set(names)):
        raise ValidationError({"quotas": _("Give at least one unit its places.")})
    programme.save()
    for unit_id in names:
        places, quota = wanted.get(unit_id), existing.get(unit_id)
        if places is None:
            if quota is not None:
                quota.delete()
                del existing[unit_id]
        elif quota is None:
            existing[unit_id] = Quota(programme=programme, unit_id=unit_id, places=places)
            existing[unit_id].full_clean()
            existing[unit_id].save()
        elif quota.places != places:
            quota.places = places
            quota.full_clean()
            quota.save(update_fields=["places"])
    after = {**_programme_snapshot(programme), "quotas": _quota_snapshot(existing.values())}
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=programme, before=before, after=after)
    return programme


def _quota_snapshot(quotas) -> str:
    return "；".join(f"{q.unit}: {q.places}" for q in sorted(quotas, key=lambda q: q.unit_id))


def may_withdraw(user, nomination: Nomination) -> bool:
    """Before the higher unit's confirmation the nominator or an administrator reaching it; after, an
    administrator only (with a reason); never once a result is recorded or when already rejected or withdrawn."""
    if not user.is_authenticated or not user.is_active or nomination.result:
        return False
    if nomination.status in (NominationStatus.NOMINATED, NominationStatus.APPROVED):
        if nomination.nominated_by_id is not None and nomination.nominated_by_id == user.pk:
            return True
    elif nomination.status != NominationStatus.CONFIRMED:
        return False
    return user.is_admin and (_reaches(user, nomination.unit_id) or _reaches(user, nomination.programme.organiser_id))


@transaction.atomic
def nomination_withdraw(*, actor, nomination: Nomination, reason: str = "") -> Nomination:
    """Withdraw a nomination: its place in the quota frees up.  Audited with the reason."""
    Quota.objects.select_for_update().get(pk=nomination.quota_id)  # the quota first, as nominating does
    nomination = _locked(nomination)
    if nomination.status in (NominationStatus.REJECTED, NominationStatus.WITHDRAWN):
        raise ValidationError(_("This nomination is no longer standing."), code="not_standing")
    if nomination.result:
        raise ValidationError(_("A result is recorded for this nomination: it cannot be withdrawn."), code="has_result")
    if not may_withdraw(actor, nomination):
        raise PermissionDenied
    reason = reason.strip()
    if nomination.status == NominationStatus.CONFIRMED and not reason:
        raise ValidationError(
            {"reason": _("The higher unit has confirmed this nomination: give the reason for withdrawing it.")}
        )
    before = nomination.status
    nomination.status = NominationStatus.WITHDRAWN
    nomination.withdrawn_by = actor
    nomination.withdrawn_at = timezone.now()
    nomination.withdraw_reason = reason[:300]
    nomination.save()
    _status_event(actor, nomination, before, reason=reason[:300])
    return nomination


TRANSFER_KIND_WORD = (
    "调训"  # a plan item of an activity kind named with it (the seeded 外出调训) is carried out by classes
)


def linkable_plan_items(actor, programme: Programme):
    """The items a class may carry out for the actor's unit: its plan of the class's year, items of type 调训."""
    if not (actor.is_authenticated and actor.is_admin and actor.unit_id):
        return PlanItem.objects.none()
    return PlanItem.objects.filter(
        plan__unit_id=actor.unit_id,
        plan__year=programme.start_date.year,
        kind__name__contains=TRANSFER_KIND_WORD,
    ).select_related("plan", "kind")


@transaction.atomic
def programme_plan_link(*, actor, programme: Programme, item=None) -> PlanItemLink | None:
    """Say which item of the actor's unit's plan the class carries out (or none: ``item=None``); audited."""
    _require_admin(actor)
    if not actor.unit_id or not Programme.objects.visible_to(actor).filter(pk=programme.pk).exists():
        raise PermissionDenied
    if item is not None and not linkable_plan_items(actor, programme).filter(pk=item.pk).exists():
        raise ValidationError(
            {
                "item": _("Choose an item of type 调训 of your unit's plan for %(year)s.")
                % {"year": programme.start_date.year}
            }
        )
    existing = PlanItemLink.objects.select_for_update().filter(programme=programme, unit_id=actor.unit_id).first()
    before = str(existing.item) if existing else ""
    if existing is not None and (item is None or existing.item_id != item.pk):
        existing.delete()
        existing = None
    link = existing
    if item is not None and link is None:
        link = PlanItemLink.objects.create(programme=programme, item=item, unit_id=actor.unit_id, linked_by=actor)
    after = str(item) if item is not None else ""
    if before != after:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=programme,
            before={"plan_item": before},
            after={"plan_item": after},
            summary=_("Plan item the class carries out for %(unit)s") % {"unit": actor.unit},
        )
    return link
