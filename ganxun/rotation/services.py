"""Writes of 轮岗: plan, change, delete, complete and evaluate a rotation; each audited, each refusal a Chinese
message naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours.models import date_range_error
from ganxun.roster.models import Cadre, CadrePeriod, Section

from .models import Rating, Rotation

PLAN_FIELDS = ("host_section", "start_date", "end_date", "mentor", "tasks")


def snapshot(rotation: Rotation) -> dict[str, Any]:
    return {
        "cadre": rotation.cadre.name,
        "host_section": rotation.host_section.name,
        "start_date": rotation.start_date.isoformat(),
        "end_date": rotation.end_date.isoformat(),
        "mentor": rotation.mentor.name if rotation.mentor_id else "",
        "tasks": rotation.tasks,
        "completed_on": rotation.completed_on.isoformat() if rotation.completed_on else "",
        "summary": rotation.summary,
        "rating": str(rotation.get_rating_display()) if rotation.rating else "",
        "evaluation": rotation.evaluation,
    }


def _require_admin_of(actor, cadre: Cadre) -> None:
    if not Cadre.objects.editable_by(actor).filter(pk=cadre.pk).exists() or not actor.is_admin:
        raise PermissionDenied(_("You may plan rotations only for the cadres of the units you administer."))


def _check(rotation: Rotation) -> None:
    """The plan's own rules, on their fields: dates in bounds and in order, a host 科室 of the cadre's unit other
    than the cadre's 科室 on the first day, a mentor of the host 科室 who is not the cadre, no overlap."""
    errors: dict[str, str] = {}
    for name in ("start_date", "end_date"):
        label = str(Rotation._meta.get_field(name).verbose_name)
        if message := date_range_error(getattr(rotation, name), label):
            errors[name] = message
    if not errors and rotation.end_date < rotation.start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    cadre, host = rotation.cadre, rotation.host_section
    if host.unit_id != cadre.unit_id:
        errors["host_section"] = _("The host section must be a section of %(unit)s, the cadre's unit.") % {
            "unit": cadre.unit.name
        }
    elif "start_date" not in errors and _section_on(cadre, rotation.start_date) == host.pk:
        errors["host_section"] = _("%(name)s is in %(section)s on %(date)s: a rotation goes to another section.") % {
            "name": cadre.name,
            "section": host.name,
            "date": rotation.start_date.isoformat(),
        }
    if rotation.mentor_id:
        if rotation.mentor_id == cadre.pk:
            errors["mentor"] = _("The cadre cannot be their own mentor.")
        elif _section_on(rotation.mentor, rotation.start_date) != host.pk:
            errors["mentor"] = _("The mentor should be a cadre of the host section %(section)s.") % {
                "section": host.name
            }
    if not errors:
        clash = (
            Rotation.objects.filter(cadre=cadre)
            .overlapping(rotation.start_date, rotation.end_date)
            .exclude(pk=rotation.pk)
            .select_related("host_section")
            .first()
        )
        if clash is not None:
            errors["start_date"] = _(
                "%(name)s already rotates through %(section)s from %(start)s to %(end)s: rotations do not overlap."
            ) % {
                "name": cadre.name,
                "section": clash.host_section.name,
                "start": clash.start_date.isoformat(),
                "end": clash.end_date.isoformat(),
            }
    if errors:
        raise ValidationError(errors)


def _section_on(cadre: Cadre, day: dt.date) -> int:
    """The 科室 the cadre was in on ``day`` (their periods of service), so that a rotation planned or corrected
    later is judged as of its own first day."""
    period = CadrePeriod.objects.on(day).filter(cadre=cadre).first()
    return period.section_id if period is not None else cadre.section_id


def _assign(rotation: Rotation, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(rotation, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def rotation_create(*, actor, cadre: Cadre, **fields: Any) -> Rotation:
    _require_admin_of(actor, cadre)
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()  # one plan of this cadre's at a time
    rotation = Rotation(cadre=cadre, created_by=actor if actor.is_authenticated else None)
    _assign(rotation, fields)
    _check(rotation)
    rotation.full_clean()
    rotation.save()
    audit_record(actor=actor, action=Action.CREATE, obj=rotation, after=snapshot(rotation))
    return rotation


@transaction.atomic
def rotation_update(*, actor, rotation: Rotation, **fields: Any) -> Rotation:
    _require_admin_of(actor, rotation.cadre)
    Cadre.objects.select_for_update().filter(pk=rotation.cadre_id).first()
    before = snapshot(Rotation.objects.get(pk=rotation.pk))
    _assign(rotation, fields)
    _check(rotation)
    if rotation.completed_on and rotation.completed_on < rotation.start_date:
        raise ValidationError(
            {
                "start_date": _("The rotation was completed on %(date)s, before this start.")
                % {"date": rotation.completed_on.isoformat()}
            }
        )
    rotation.full_clean()
    rotation.save()
    after = snapshot(rotation)
    if after != before:
        audit_record(actor=actor, action=Action.UPDATE, obj=rotation, before=before, after=after)
    return rotation


@transaction.atomic
def rotation_delete(*, actor, rotation: Rotation) -> None:
    """A plan made by mistake; an evaluated rotation is the cadre's record and stays."""
    _require_admin_of(actor, rotation.cadre)
    if rotation.evaluated:
        raise ValidationError(_("An evaluated rotation is part of the cadre's record and cannot be deleted."))
    audit_record(actor=actor, action=Action.DELETE, obj=rotation, before=snapshot(rotation))
    rotation.delete()


@transaction.atomic
def rotation_complete(*, actor, rotation: Rotation, completed_on: dt.date, summary: str = "") -> Rotation:
    """Record that the rotation was completed (by an administrator), with the cadre's summary."""
    _require_admin_of(actor, rotation.cadre)
    rotation = (
        Rotation.objects.select_for_update(of=("self",))
        .select_related("cadre", "host_section", "mentor")
        .get(pk=rotation.pk)
    )
    before = snapshot(rotation)
    if completed_on < rotation.start_date:
        raise ValidationError(
            {
                "completed_on": _("A rotation cannot be completed before it starts (%(date)s).")
                % {"date": rotation.start_date.isoformat()}
            }
        )
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The date cannot be in the future.")})
    rotation.completed_on, rotation.summary = completed_on, summary.strip()
    rotation.full_clean()
    rotation.save()
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=rotation,
        before=before,
        after=snapshot(rotation),
        summary=_("Rotation completed"),
    )
    return rotation


@transaction.atomic
def rotation_evaluate(*, actor, rotation: Rotation, rating: str, evaluation: str) -> Rotation:
    """The host's evaluation (the host 科室's head, or an administrator), once the rotation is completed."""
    if not Rotation.objects.hosted_by(actor).filter(pk=rotation.pk).exists():
        raise PermissionDenied(_("Only the head of the host section or an administrator evaluates a rotation."))
    rotation = (
        Rotation.objects.select_for_update(of=("self",))
        .select_related("cadre", "host_section", "mentor")
        .get(pk=rotation.pk)
    )
    if rotation.completed_on is None:
        raise ValidationError(_("The rotation is not completed yet: it is evaluated once completed."))
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose a rating.")})
    evaluation = evaluation.strip()
    if not evaluation:
        raise ValidationError({"evaluation": _("Please write the evaluation.")})
    before = snapshot(rotation)
    rotation.rating, rotation.evaluation = rating, evaluation
    rotation.evaluated_by, rotation.evaluated_at = actor, timezone.now()
    rotation.full_clean()
    rotation.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=rotation,
        before=before,
        after=snapshot(rotation),
        summary=_("Rotation evaluated by the host section"),
    )
    return rotation


def host_sections(cadre: Cadre):
    """The 科室 a cadre may rotate through: those of their unit."""
    return Section.objects.filter(unit_id=cadre.unit_id).order_by("sort_order", "name")
