"""Writes of 现场教学: a site saved (its name normalised, once per unit), deleted only while no activity is linked,
and the activities held there linked and unlinked; each write audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.practice.services.places import normalise, tidy
from ganxun.roster.idcard import contact_phone
from ganxun.roster.models import Unit
from ganxun.training.models import Activity

from .models import Site, SiteActivity

FIELDS = ("name", "kind", "address", "section", "contact", "contact_phone", "note", "is_active")


def require_admin_of(actor, unit_id: int) -> None:
    """An administrator whose role reaches the unit."""
    if not (
        actor.is_authenticated
        and actor.is_active
        and actor.is_admin
        and Unit.objects.visible_to(actor).filter(pk=unit_id).exists()
    ):
        raise PermissionDenied


def snapshot(site: Site) -> dict[str, Any]:
    """A site as the audit trail keeps it: the phone masked."""
    return {
        "name": site.name,
        "kind": str(site.get_kind_display()),
        "address": site.address,
        "section": site.section.name if site.section_id else "",
        "contact": site.contact,
        "contact_phone": site.masked_phone,
        "note": site.note,
        "is_active": site.is_active,
    }


def _check(site: Site) -> None:
    errors: dict[str, str] = {}
    site.name = tidy(site.name)
    site.normalised_name = normalise(site.name)
    if not site.normalised_name:
        errors["name"] = _("Give the site a name.")
    elif Site.objects.filter(unit_id=site.unit_id, normalised_name=site.normalised_name).exclude(pk=site.pk).exists():
        errors["name"] = _("This unit already has a site of that name.")
    site.contact_phone, phone_error = contact_phone(site.contact_phone)
    if phone_error:
        errors["contact_phone"] = phone_error
    if site.section_id and site.section.unit_id != site.unit_id:
        errors["section"] = _("The section is not of this unit.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def site_save(*, actor, unit: Unit, site: Site | None = None, **fields: Any) -> Site:
    """Create a site of ``unit`` or change one (an administrator of its unit)."""
    creating = site is None
    site = site or Site(unit=unit)
    require_admin_of(actor, site.unit_id)
    before = None if creating else snapshot(Site.objects.select_related("section").get(pk=site.pk))
    for name, value in fields.items():
        if name not in FIELDS:
            raise TypeError(name)
        setattr(site, name, value.strip() if isinstance(value, str) else value)
    _check(site)
    site.full_clean()
    try:
        with transaction.atomic():
            site.save()
    except IntegrityError as error:  # another administrator saved the same name meanwhile
        raise ValidationError({"name": _("This unit already has a site of that name.")}) from error
    after = snapshot(site)
    if creating:
        audit_record(actor=actor, action=Action.CREATE, obj=site, after=after)
    elif before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=site, before=before, after=after)
    return site


@transaction.atomic
def site_delete(*, actor, site: Site) -> None:
    """Delete a site with no activity linked; one with activities is refused with their count (deactivate it)."""
    require_admin_of(actor, site.unit_id)
    site = Site.objects.select_for_update(of=("self",)).select_related("section").get(pk=site.pk)
    linked = SiteActivity.objects.filter(site=site).count()
    if linked:
        raise ValidationError(
            ngettext(
                "%(count)d activity was held at this site: it cannot be deleted. Mark it not in use instead.",
                "%(count)d activities were held at this site: it cannot be deleted. Mark it not in use instead.",
                linked,
            )
            % {"count": linked}
        )
    audit_record(actor=actor, action=Action.DELETE, obj=site, before=snapshot(site))
    site.delete()


def linkable_activities(site: Site):
    """The activities that may be linked to the site: organised by its unit, not held at a site yet."""
    return Activity.objects.filter(unit_id=site.unit_id, site_link__isnull=True)


@transaction.atomic
def activity_link(*, actor, site: Site, activity: Activity) -> SiteActivity:
    """Say that ``activity`` was held at ``site`` (an activity of the site's unit, at no other site)."""
    require_admin_of(actor, site.unit_id)
    if activity.unit_id != site.unit_id:
        raise ValidationError({"activity": _("The activity is not organised by the site's unit.")})
    existing = SiteActivity.objects.select_related("site").filter(activity=activity).first()
    if existing is not None:
        raise ValidationError(
            {"activity": _("The activity is already linked to the site %(site)s.") % {"site": existing.site.name}}
        )
    try:
        with transaction.atomic():
            link = SiteActivity.objects.create(site=site, activity=activity, linked_by=actor)
    except IntegrityError as error:
        raise ValidationError({"activity": _("The activity is already linked to a site.")}) from error
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=site,
        summary=_("Activity linked to the site: %(title)s") % {"title": activity.title},
    )
    return link


@transaction.atomic
def activity_unlink(*, actor, link: SiteActivity) -> None:
    """The activity was not held at the site after all."""
    require_admin_of(actor, link.site.unit_id)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=link.site,
        summary=_("Activity unlinked from the site: %(title)s") % {"title": link.activity.title},
    )
    link.delete()
