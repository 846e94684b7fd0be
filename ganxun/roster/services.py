"""Writes to the roster.  Views, imports and commands all come through here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record, changed_fields

from . import history
from .models import PERIOD_FIELDS, Cadre, Section, Status, Tag, Unit, UnitKind

# Fields a cadre form or import may set; the order is the order of the audit record.
CADRE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "section",
    "post",
    "rank",
    "leadership_level",
    "political_status",
    "democratic_party",
    "party_branch",
    "work_start_date",
    "hire_date",
    "probation_end",
    "rank_date",
)


def name_initials(name: str) -> str:
    """Pinyin initials for search: 张晓明 -> zxm."""
    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if p).lower()


def default_probation_end(hire_date: dt.date) -> dt.date:
    """A new civil servant's probation (试用期) lasts one year; past the calendar's end, it ends on its last day.

    Total for every date, so that a mistyped hire date (9999-01-01) reaches validation and is refused
    there with a message, instead of failing while the probation end is worked out.
    """
    if hire_date.year >= dt.MAXYEAR:
        return dt.date.max
    try:
        end = hire_date.replace(year=hire_date.year + 1)
    except ValueError:
        end = hire_date.replace(year=hire_date.year + 1, day=28)
    return end - dt.timedelta(days=1)


def cadre_snapshot(cadre: Cadre) -> dict[str, Any]:
    """What the audit trail keeps of a cadre: display values, ID number and phone masked.

    Display values are taken in the system's language, whoever writes (a page, the import command
    or the demo loader), so that the trail reads the same throughout.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _cadre_snapshot(cadre)


def _cadre_snapshot(cadre: Cadre) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in CADRE_FIELDS:
        if field == "id_number":
            data[field] = cadre.id_number_masked
        elif field == "phone":
            data[field] = cadre.phone_masked
        elif field == "section":
            data[field] = cadre.section.name if cadre.section_id else None
        else:
            value = getattr(cadre, field)
            display = getattr(cadre, f"get_{field}_display", None)
            if display is not None and value:
                value = str(display())
            elif isinstance(value, dt.date):
                value = value.isoformat()
            data[field] = value
    data["status"] = str(cadre.get_status_display())
    if cadre.pk:
        data["tags"] = sorted(t.name for t in cadre.tags.all())
    return data


def _fill_derived(cadre: Cadre) -> None:
    cadre.name_initials = name_initials(cadre.name)
    if cadre.hire_date and not cadre.probation_end:
        cadre.probation_end = default_probation_end(cadre.hire_date)


@transaction.atomic
def cadre_create(*, actor, tags: list[Tag] | None = None, **fields: Any) -> Cadre:
    cadre = Cadre(**fields)
    _fill_derived(cadre)
    cadre.full_clean()
    cadre.save()
    if tags:
        cadre.tags.set(tags)
    audit_record(actor=actor, action=Action.CREATE, obj=cadre, after=cadre_snapshot(cadre))
    return cadre


@transaction.atomic
def cadre_update(
    *,
    actor,
    cadre: Cadre,
    tags: list[Tag] | None = None,
    effective: dt.date | None = None,
    note: str = "",
    **fields: Any,
) -> Cadre:
    """Change a cadre; the audit keeps only what changed.  ``status`` goes through cadre_set_status.

    The dated fields (科室, post, rank, leadership level) change as of ``effective`` (default today) through
    the periods of service (``history.cadre_change``'s rules); the others (name, phone …) are not dated.
    """
    effective = history.check_effective(effective or timezone.localdate())
    stored = Cadre.objects.select_for_update().select_related("section").get(pk=cadre.pk)
    before = cadre_snapshot(stored)
    for name, value in fields.items():
        if name not in CADRE_FIELDS:
            raise TypeError(f"cadre_update cannot set {name!r}")
        setattr(cadre, name, value)
    _fill_derived(cadre)
    cadre.full_clean()
    dated = {name: fields[name] for name in history.DATED_FIELDS if name in fields}
    # The periods write the dated columns (a past change may stop short of a later one): the row keeps them.
    for name in (*PERIOD_FIELDS, "section"):
        if name == "section":
            cadre.section = stored.section
        else:
            setattr(cadre, name, getattr(stored, name))
    cadre.save()
    plan = history.apply_change(cadre, effective, dated, note)
    if tags is not None:
        cadre.tags.set(tags)
    after = cadre_snapshot(cadre)
    changes_before = {k: v for k, v in before.items() if k not in history.DATED_FIELDS}
    changes_after = {k: v for k, v in after.items() if k not in history.DATED_FIELDS}
    if plan.changed:
        dated_before, dated_after = history.audit_values(plan)
        changes_before.update(dated_before)
        changes_after.update(dated_after)
    if changes_before != changes_after:
        summary = history.effective_summary(plan.start, note) if plan.changed else ""
        audit_record(
            actor=actor, action=Action.UPDATE, obj=cadre, before=changes_before, after=changes_after, summary=summary
        )
    if plan.changed:
        history.announce([cadre.pk], plan.start)
    return cadre


@transaction.atomic
def cadre_set_status(*, actor, cadre: Cadre, status: str, note: str = "", effective: dt.date | None = None) -> Cadre:
    """Transfer out, retire or reinstate a cadre as of ``effective`` (default today).  A cadre is never deleted."""
    if status not in Status.values:
        raise ValueError(f"unknown status {status!r}")
    history.cadre_change(
        actor=actor, cadre=cadre, effective=effective or timezone.localdate(), note=note, status=status
    )
    return cadre


# --- units (单位) ----------------------------------------------------------------------------------------

UNIT_FIELDS = ("name", "code", "kind", "parent", "sort_order", "is_active")


def unit_snapshot(unit: Unit) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "name": unit.name,
            "code": unit.code,
            "kind": str(unit.get_kind_display()),
            "parent": unit.parent.name if unit.parent_id else None,
            "sort_order": unit.sort_order,
            "is_active": unit.is_active,
        }


def _check_reach(actor, parent: Unit | None) -> None:
    """An administrator held in a unit places units only below it: never at the top, never beside it."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_admin:
        return  # commands and the demo loader
    own = actor.unit_scope
    if own is None:
        return
    if parent is None or not parent.is_within(own):
        raise ValidationError({"parent": _("Choose a parent unit within %(unit)s.") % {"unit": own.name}})


@transaction.atomic
def unit_create(
    *,
    actor,
    name: str,
    code: str,
    kind: str = UnitKind.BUREAU,
    parent: Unit | None = None,
    sort_order: int = 100,
    is_active: bool = True,
) -> Unit:
    """A new unit under ``parent`` (a top-level one without); its path and depth follow from the parent."""
    _check_reach(actor, parent)
    unit = Unit(
        name=name.strip(), code=code.strip(), kind=kind, parent=parent, sort_order=sort_order, is_active=is_active
    )
    unit.full_clean()
    unit.save()
    audit_record(actor=actor, action=Action.CREATE, obj=unit, after=unit_snapshot(unit))
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **fields: Any) -> Unit:
    """Change a unit.  A new parent moves the unit with everything below it: the paths of the subtree are
    rewritten in one UPDATE.  A unit cannot be put under itself or one of its own units."""
    stored = Unit.objects.select_for_update().get(pk=unit.pk)  # no join: PostgreSQL locks no nullable side
    before = unit_snapshot(stored)
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise TypeError(f"unit_update cannot set {name!r}")
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    moved = unit.parent_id != stored.parent_id
    if moved:
        parent = unit.parent
        if parent is not None and (parent.pk == stored.pk or parent.is_within(stored)):
            raise ValidationError(
                {"parent": _("%(unit)s cannot be placed under itself or a unit below it.") % {"unit": stored.name}}
            )
        _check_reach(actor, parent)
    unit.full_clean()
    unit.path, unit.depth = stored.path, stored.depth
    unit.save()
    if moved:
        parent_path = Unit.objects.values_list("path", flat=True).get(pk=unit.parent_id) if unit.parent_id else "/"
        new_path = f"{parent_path}{unit.pk}/"
        delta = new_path.count("/") - stored.path.count("/")
        Unit.objects.filter(path__startswith=stored.path).update(
            path=Concat(Value(new_path), Substr("path", len(stored.path) + 1), output_field=CharField()),
            depth=F("depth") + delta,
        )
        unit.path, unit.depth = new_path, stored.depth + delta
    after = unit_snapshot(unit)
    if before != after:
        only_activity = set(changed_fields(before, after)) == {"is_active"}
        action = Action.STATUS if only_activity else Action.UPDATE
        audit_record(actor=actor, action=action, obj=unit, before=before, after=after)
    return unit


# --- 科室 ----------------------------------------------------------------------------------------------------


def section_snapshot(section: Section) -> dict[str, Any]:
    return {
        "name": section.name,
        "unit": section.unit.name if section.unit_id else None,
        "sort_order": section.sort_order,
        "is_active": section.is_active,
    }


@transaction.atomic
def section_create(*, actor, name: str, unit=None, sort_order: int = 100, is_active: bool = True) -> Section:
    """A new 科室 of ``unit`` (by default the top unit: a single bureau never names it)."""
    section = Section(name=name.strip(), sort_order=sort_order, is_active=is_active)
    if unit is not None:
        section.unit = unit
    section.full_clean()
    section.save()
    audit_record(actor=actor, action=Action.CREATE, obj=section, after=section_snapshot(section))
    return section


@transaction.atomic
def section_update(*, actor, section: Section, **fields: Any) -> Section:
    """Rename, reorder or retire a 科室; it moves to another unit only while it has no cadres (a cadre's unit
    is a dated fact of their record: moving people is a change of their service, not of the 科室)."""
    stored = Section.objects.select_related("unit").get(pk=section.pk)
    before = section_snapshot(stored)
    for name, value in fields.items():
        if name not in ("name", "unit", "sort_order", "is_active"):
            raise TypeError(f"section_update cannot set {name!r}")
        setattr(section, name, value)
    if section.unit_id != stored.unit_id and Cadre.objects.filter(section_id=section.pk).exists():
        raise ValidationError(
            {"unit": _("%(section)s has cadres and cannot move to another unit.") % {"section": stored.name}}
        )
    section.full_clean()
    section.save()
    after = section_snapshot(section)
    if before != after:
        only_activity = set(changed_fields(before, after)) == {"is_active"}
        action = Action.STATUS if only_activity else Action.UPDATE
        audit_record(actor=actor, action=action, obj=section, before=before, after=after)
    return section


def tag_snapshot(tag: Tag) -> dict[str, Any]:
    return {"name": tag.name, "description": tag.description}


@transaction.atomic
def tag_create(*, actor, name: str, description: str = "") -> Tag:
    tag = Tag(name=name.strip(), description=description.strip())
    tag.full_clean()
    tag.save()
    audit_record(actor=actor, action=Action.CREATE, obj=tag, after=tag_snapshot(tag))
    return tag


@transaction.atomic
def tag_update(*, actor, tag: Tag, **fields: Any) -> Tag:
    """Rename or describe a tag; the cadres carrying it keep it."""
    before = tag_snapshot(Tag.objects.get(pk=tag.pk))
    for name, value in fields.items():
        if name not in ("name", "description"):
            raise TypeError(f"tag_update cannot set {name!r}")
        setattr(tag, name, value.strip())
    tag.full_clean()
    tag.save()
    after = tag_snapshot(tag)
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=tag, before=before, after=after)
    return tag
