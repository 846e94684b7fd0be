"""The register of places: one place per normalised name, kind and parent; merging two keeps the old spelling."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from ..models import PARENT_KINDS, CommunityReport, Place, PlaceKind, Secondment, Stint, Visit
from .common import require_admin, snapshot

FIELDS = ("name", "kind", "parent", "note")


def normalise(name: str) -> str:
    """What two spellings of a place are compared by: NFKC (full-width letters, digits and spaces as half-width),
    every space removed, Latin letters folded to lower case.  "长白一村 居委" and "长白一村居委" are one place."""
    return "".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def tidy(name: str) -> str:
    """A name as stored: NFKC, runs of spaces made one, none at the ends."""
    return " ".join(unicodedata.normalize("NFKC", name or "").split())


def live(place: Place | None) -> Place | None:
    """The place a merged place was merged into (following a chain), the place itself when not merged."""
    seen = set()
    while place is not None and place.merged_into_id is not None and place.pk not in seen:
        seen.add(place.pk)
        place = place.merged_into
    return place


def _check(place: Place) -> None:
    place.name = tidy(place.name)
    place.normalised_name = normalise(place.name)
    if not place.normalised_name:
        raise ValidationError({"name": _("Please give the place's name.")})
    if place.parent_id is not None:
        parent = place.parent
        if parent.merged_into_id is not None:
            place.parent = parent = live(parent)
        allowed = PARENT_KINDS.get(place.kind, frozenset())
        if parent.kind not in allowed:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s cannot be part of a %(parent_kind)s.")
                    % {"kind": PlaceKind(place.kind).label, "parent_kind": PlaceKind(parent.kind).label}
                }
            )
        ancestor, steps = parent, 0
        while ancestor is not None and steps < 10:
            if place.pk is not None and ancestor.pk == place.pk:
                raise ValidationError({"parent": _("A place cannot be part of itself.")})
            ancestor, steps = ancestor.parent, steps + 1
    place.full_clean()


def place_find(name: str, kind: str, parent: Place | None = None) -> Place | None:
    """The live place a spelling names: by normalised name and kind (under ``parent`` when given, then one not
    yet placed), else a merged place of that spelling followed to the place it was merged into.  Without a
    parent, a name shared by places under different parents is ambiguous: ValidationError naming them."""
    key = normalise(name)
    parent = live(parent)
    candidates = list(Place.objects.filter(kind=kind, normalised_name=key).select_related("parent", "merged_into"))
    alive = [p for p in candidates if p.merged_into_id is None]
    gone = [p for p in candidates if p.merged_into_id is not None]
    if parent is not None:
        for group in (alive, gone):
            exact = [p for p in group if p.parent_id == parent.pk]
            if exact:
                return live(exact[0])
        loose = [p for p in alive if p.parent_id is None]
        if loose:
            return loose[0]
        loose = [p for p in gone if p.parent_id is None]
        return live(loose[0]) if loose else None
    if len(alive) == 1:
        return alive[0]
    if len(alive) > 1:
        raise ValidationError(
            _("There are several places named %(name)s (%(where)s): please say which street or committee.")
            % {"name": tidy(name), "where": "、".join(p.full_name for p in alive)},
            code="ambiguous",
        )
    found = {live(p).pk: live(p) for p in gone}
    if len(found) == 1:
        return next(iter(found.values()))
    if len(found) > 1:
        raise ValidationError(
            _("There are several places named %(name)s (%(where)s): please say which street or committee.")
            % {"name": tidy(name), "where": "、".join(p.full_name for p in found.values())},
            code="ambiguous",
        )
    return None


@transaction.atomic
def place_create(*, actor, **fields: Any) -> Place:
    require_admin(actor)
    place = Place(**{k: v for k, v in fields.items() if k in FIELDS})
    _check(place)
    place.save()
    audit_record(actor=actor, action=Action.CREATE, obj=place, after=snapshot(place, FIELDS))
    return place


@transaction.atomic
def place_get_or_create(*, actor, name: str, kind: str, parent: Place | None = None) -> tuple[Place, bool]:
    """The place of this spelling, kind and parent (``place_find``), or a new one: (place, created).  A place
    found without a parent gets the parent now given (the register learns where it lies)."""
    found = place_find(name, kind, parent)
    parent = live(parent)
    if found is None:
        return place_create(actor=actor, name=name, kind=kind, parent=parent), True
    if parent is not None and found.parent_id is None and parent.kind in PARENT_KINDS.get(found.kind, ()):
        place_update(actor=actor, place=found, parent=parent)
    return found, False


@transaction.atomic
def place_update(*, actor, place: Place, **fields: Any) -> Place:
    require_admin(actor)
    place = Place.objects.select_for_update().get(pk=place.pk)
    if place.merged_into_id is not None:
        raise ValidationError(_("This place was merged into %(place)s: change that one.") % {"place": live(place)})
    before = snapshot(place, FIELDS)
    for name in FIELDS:
        if name in fields:
            setattr(place, name, fields[name])
    _check(place)
    place.save()
    after = snapshot(place, FIELDS)
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=place, before=before, after=after)
    return place


@transaction.atomic
def place_delete(*, actor, place: Place) -> None:
    """Only a place nothing refers to (no record, no place within it, none merged into it)."""
    require_admin(actor)
    used = (
        Stint.objects.filter(place=place).exists()
        or CommunityReport.objects.filter(place=place).exists()
        or Visit.objects.filter(place=place).exists()
        or Secondment.objects.filter(place=place).exists()
        or Place.objects.filter(parent=place).exists()
        or Place.objects.filter(merged_into=place).exists()
    )
    if used:
        raise ValidationError(
            _("%(place)s is in use and cannot be deleted: merge it into another place instead.") % {"place": place.name}
        )
    audit_record(actor=actor, action=Action.DELETE, obj=place, before=snapshot(place, FIELDS))
    place.delete()


RECORDS = (Stint, CommunityReport, Visit, Secondment)


@transaction.atomic
def place_merge(*, actor, keep: Place, gone: Place) -> Place:
    """``gone`` turns out to be ``keep`` (of the same kind): every record of ``gone`` (stints, community reports,
    visits, secondments), its places within it and the places merged into it move to ``keep``; a place within
    ``gone`` of the same name and kind as one within ``keep`` is merged into it in turn.  ``gone`` stays, marked merged
    into ``keep``, so its spelling still finds ``keep``.  Refused when a record would then repeat one of
    ``keep``'s (the same deployment or report recorded at both places): delete the duplicate first."""
    require_admin(actor)
    keep = Place.objects.select_for_update().get(pk=keep.pk)
    gone = Place.objects.select_for_update().get(pk=gone.pk)
    if keep.pk == gone.pk:
        raise ValidationError(_("A place cannot be merged into itself."))
    if keep.merged_into_id is not None or gone.merged_into_id is not None:
        raise ValidationError(_("A place already merged cannot be merged again."))
    if keep.kind != gone.kind:
        raise ValidationError(
            _("Only places of the same kind can be merged (%(keep)s is a %(keep_kind)s, %(gone)s a %(gone_kind)s).")
            % {
                "keep": keep.name,
                "keep_kind": keep.get_kind_display(),
                "gone": gone.name,
                "gone_kind": gone.get_kind_display(),
            }
        )
    twin_stint = Stint.objects.filter(
        place=keep, campaign=OuterRef("campaign"), cadre=OuterRef("cadre"), start_date=OuterRef("start_date")
    )
    twin_report = CommunityReport.objects.filter(place=keep, cadre=OuterRef("cadre"), date=OuterRef("date"))
    repeated = (
        Stint.objects.filter(place=gone).filter(Exists(twin_stint)).count()
        + CommunityReport.objects.filter(place=gone).filter(Exists(twin_report)).count()
    )
    if repeated:
        raise ValidationError(
            _(
                "%(count)s records of %(gone)s repeat records of %(keep)s (the same cadre on the same day): delete "
                "the duplicates first."
            )
            % {"count": repeated, "gone": gone.name, "keep": keep.name}
        )
    moved = {}
    for model in RECORDS:
        moved[str(model._meta.verbose_name_plural)] = model.objects.filter(place=gone).update(place=keep)
    if keep.parent_id is None and gone.parent_id is not None:  # the register learns where keep lies
        Place.objects.filter(pk=keep.pk).update(parent=gone.parent_id)
        keep.parent_id = gone.parent_id
    for child in Place.objects.filter(parent=gone, merged_into__isnull=True):
        twin = (
            Place.objects.filter(
                parent=keep, kind=child.kind, normalised_name=child.normalised_name, merged_into__isnull=True
            )
            .exclude(pk=child.pk)
            .first()
        )
        if twin is not None:
            place_merge(actor=actor, keep=twin, gone=child)
        else:
            Place.objects.filter(pk=child.pk).update(parent=keep)
    Place.objects.filter(parent=gone).update(parent=keep)  # places merged away under gone follow too
    Place.objects.filter(merged_into=gone).update(merged_into=keep)
    Place.objects.filter(pk=gone.pk).update(merged_into=keep)
    gone.merged_into = keep
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=gone,
        before={"merged_into": None},
        after={"merged_into": keep.full_name},
        summary=_("Merged into %(keep)s: %(counts)s")
        % {"keep": keep.full_name, "counts": "，".join(f"{label} {count}" for label, count in moved.items())},
    )
    return keep
