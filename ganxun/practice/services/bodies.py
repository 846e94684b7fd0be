"""Campaigns and teams: the bodies cadres take part in, each of a 单位; written by administrators, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster.models import Unit, home_unit_id

from ..models import Campaign, Team
from .common import assign, check_dates, is_system, require_admin, snapshot

CAMPAIGN_FIELDS = ("name", "unit", "start_date", "end_date", "description")
TEAM_FIELDS = ("name", "kind", "unit", "formed_on", "dissolved_on", "description")


def default_unit(actor) -> Unit:
    """The unit a body is organised by when none is named: the administrator's own, else the home unit."""
    unit = None if is_system(actor) else actor.unit
    return unit or Unit.objects.get(pk=home_unit_id())


def _require_unit_reach(actor, unit: Unit) -> None:
    """An administrator organises bodies in the units their role reaches."""
    require_admin(actor)
    if is_system(actor) or actor.unit is None:
        return
    if not unit.is_within(actor.unit):
        raise ValidationError({"unit": _("You can only organise this for your own unit and the units below it.")})


def _save_new(actor, obj: models.Model, fields: tuple[str, ...]) -> models.Model:
    obj.full_clean()
    obj.save()
    audit_record(actor=actor, action=Action.CREATE, obj=obj, after=snapshot(obj, fields))
    return obj


def _save_changed(actor, obj: models.Model, before: dict, fields: tuple[str, ...]) -> models.Model:
    obj.full_clean()
    obj.save()
    after = snapshot(obj, fields)
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=obj, before=before, after=after)
    return obj


def _require_body_reach(actor, obj: models.Model) -> None:
    require_admin(actor)
    if not is_system(actor) and not type(obj).objects.editable_by(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied


# --- campaigns ------------------------------------------------------------------------------------------------------


def _check_campaign(campaign: Campaign) -> None:
    check_dates(campaign, ("start_date", "end_date"))
    if campaign.pk is None or campaign.start_date is None:
        return
    span = campaign.stints.aggregate(first=Min("start_date"), last=Max("end_date"))
    if span["first"] is not None and (
        span["first"] < campaign.start_date or (campaign.end_date is not None and span["last"] > campaign.end_date)
    ):
        raise ValidationError(
            {
                "start_date": _("The campaign's deployments run from %(first)s to %(last)s: its period must hold them.")
                % {"first": span["first"].isoformat(), "last": span["last"].isoformat()}
            }
        )


@transaction.atomic
def campaign_create(*, actor, **fields: Any) -> Campaign:
    """fields: name, unit (default: the actor's unit, else the home unit), start_date, end_date, description."""
    campaign = Campaign()
    assign(campaign, fields, CAMPAIGN_FIELDS)
    if campaign.unit_id is None:
        campaign.unit = default_unit(actor)
    _require_unit_reach(actor, campaign.unit)
    _check_campaign(campaign)
    return _save_new(actor, campaign, CAMPAIGN_FIELDS)


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **fields: Any) -> Campaign:
    """Its period must still hold its deployments."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_body_reach(actor, campaign)
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    assign(campaign, fields, CAMPAIGN_FIELDS)
    _require_unit_reach(actor, campaign.unit)
    _check_campaign(campaign)
    return _save_changed(actor, campaign, before, CAMPAIGN_FIELDS)


@transaction.atomic
def campaign_delete(*, actor, campaign: Campaign) -> None:
    """Only a campaign without deployments or competitions (delete those first)."""
    _require_body_reach(actor, campaign)
    if campaign.stints.exists() or campaign.competitions.exists():
        raise ValidationError(_("%(name)s has deployments or competitions and cannot be deleted.") % {"name": campaign})
    audit_record(actor=actor, action=Action.DELETE, obj=campaign, before=snapshot(campaign, CAMPAIGN_FIELDS))
    campaign.delete()


@transaction.atomic
def campaign_get_or_create(
    *, actor, name: str, start_date: dt.date, end_date: dt.date | None = None, unit: Unit | None = None
) -> tuple[Campaign, bool]:
    """The unit's campaign of this name, or a new one over the given period: (campaign, created).  An existing
    campaign's period is widened to hold the given dates (an import's rows), audited."""
    unit = unit or default_unit(actor)
    name = " ".join((name or "").split())
    campaign = Campaign.objects.filter(unit=unit, name=name).first()
    if campaign is None:
        return campaign_create(actor=actor, name=name, unit=unit, start_date=start_date, end_date=end_date), True
    changes = {}
    if start_date < campaign.start_date:
        changes["start_date"] = start_date
    if campaign.end_date is not None and end_date is not None and end_date > campaign.end_date:
        changes["end_date"] = end_date
    if changes:
        campaign = campaign_update(actor=actor, campaign=campaign, **changes)
    return campaign, False


# --- teams ----------------------------------------------------------------------------------------------------------


def _check_team(team: Team) -> None:
    check_dates(team, ("formed_on", "dissolved_on"))
    if team.pk is None or team.formed_on is None:
        return
    early = team.memberships.filter(joined_on__lt=team.formed_on).order_by("joined_on").first()
    if early is not None:
        raise ValidationError(
            {
                "formed_on": _("%(name)s joined on %(date)s: the team must be formed by then.")
                % {"name": early.cadre.name, "date": early.joined_on.isoformat()}
            }
        )


@transaction.atomic
def team_create(*, actor, **fields: Any) -> Team:
    """fields: name, kind (TeamKind), unit (default: the actor's, else the home unit), formed_on, dissolved_on,
    description."""
    team = Team()
    assign(team, fields, TEAM_FIELDS)
    if team.unit_id is None:
        team.unit = default_unit(actor)
    _require_unit_reach(actor, team.unit)
    _check_team(team)
    return _save_new(actor, team, TEAM_FIELDS)


@transaction.atomic
def team_update(*, actor, team: Team, **fields: Any) -> Team:
    team = Team.objects.select_for_update().get(pk=team.pk)
    _require_body_reach(actor, team)
    before = snapshot(team, TEAM_FIELDS)
    assign(team, fields, TEAM_FIELDS)
    _require_unit_reach(actor, team.unit)
    _check_team(team)
    return _save_changed(actor, team, before, TEAM_FIELDS)


@transaction.atomic
def team_delete(*, actor, team: Team) -> None:
    """Only a team without members (a team that ends is dissolved, not deleted)."""
    _require_body_reach(actor, team)
    if team.memberships.exists():
        raise ValidationError(_("%(name)s has members and cannot be deleted: dissolve it instead.") % {"name": team})
    audit_record(actor=actor, action=Action.DELETE, obj=team, before=snapshot(team, TEAM_FIELDS))
    team.delete()


@transaction.atomic
def team_get_or_create(
    *, actor, name: str, formed_on: dt.date, unit: Unit | None = None, **fields: Any
) -> tuple[Team, bool]:
    """The unit's team of this name, or a new one formed on ``formed_on``: (team, created).  An existing team
    formed later than ``formed_on`` is dated back to it (an import's earliest joining), audited."""
    unit = unit or default_unit(actor)
    name = " ".join((name or "").split())
    team = Team.objects.filter(unit=unit, name=name).first()
    if team is None:
        return team_create(actor=actor, name=name, unit=unit, formed_on=formed_on, **fields), True
    if formed_on < team.formed_on:
        team = team_update(actor=actor, team=team, formed_on=formed_on)
    return team, False
