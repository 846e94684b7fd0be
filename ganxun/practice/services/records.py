"""Create, change and delete the practice records about one cadre, audited; the 学时 follow (``hours.py``).

Each kind is described once (``Kind``: its fields, its own checks, whether it counts 学时); the public services
below (``stint_create`` …) are thin.  Every write: the actor's reach (an administrator the cadres of their units,
a 科室负责人 their 科室; ``actor=None`` is a command or the demo), nobody entering hours for themself, the dates'
sane range, the record's attribution (the cadre's 单位 and 科室 on its first day), ``full_clean`` (the database's
constraints with their Chinese messages), the audit event, and for a kind that counts 学时 the cadre's entries of
the years touched brought up to date.  A record's cadre is never changed: delete it and enter it for the other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster.models import PARTY_MEMBER_STATUSES, Cadre, PoliticalStatus

from ..models import (
    CommunityReport,
    Evidence,
    Place,
    PlaceKind,
    Secondment,
    Stint,
    Team,
    TeamMembership,
    TeamRole,
    Visit,
)
from .common import (
    assign,
    attribute,
    check_dates,
    refuse_own_record,
    require_cadre_reach,
    require_record_reach,
    snapshot,
    stored_language,
)
from .hours import practice_hours_sync, withdraw_record, years_of
from .places import live


@dataclasses.dataclass(frozen=True)
class Kind:
    model: type[models.Model]
    fields: tuple[str, ...]  # what a caller may set (the cadre only on create)
    dates: tuple[str, ...]
    counts_hours: bool
    check: Callable[[Any], None]
    far_dates: tuple[str, ...] = ()

    def first_day(self, record) -> dt.date:
        return record.joined_on if isinstance(record, TeamMembership) else record.start_date

    def audited(self) -> tuple[str, ...]:
        return ("cadre", *self.fields)


# --- the checks of each kind ----------------------------------------------------------------------------------------


def _live_place(record) -> None:
    """A record names the place kept when given a place since merged (read as stored, not as the caller holds it)."""
    if getattr(record, "place_id", None) is None:
        return
    stored = Place.objects.select_related("merged_into").get(pk=record.place_id)
    if stored.merged_into_id is not None:
        record.place = live(stored)


def _check_stint(stint: Stint) -> None:
    _live_place(stint)
    campaign = stint.campaign
    if stint.start_date and stint.end_date:
        outside = stint.start_date < campaign.start_date or (
            campaign.end_date is not None and stint.end_date > campaign.end_date
        )
        if outside:
            raise ValidationError(
                {
                    "start_date": _("A deployment must lie within its campaign (%(campaign)s: %(first)s to %(last)s).")
                    % {
                        "campaign": campaign.name,
                        "first": campaign.start_date.isoformat(),
                        "last": campaign.end_date.isoformat()
                        if campaign.end_date
                        else pgettext("campaign period", "ongoing"),
                    }
                }
            )


def is_party_member_on(cadre: Cadre, day: dt.date) -> bool:
    """Whether the cadre is a 中共党员 or 预备党员 on ``day``.  The roster keeps the political status without its
    history (it is not among the dated facts of a period of service), so the status recorded now is read."""
    return cadre.political_status in PARTY_MEMBER_STATUSES


def party_member_refusal(cadre: Cadre, day: dt.date) -> str | None:
    """Why the cadre cannot report to a community on ``day`` (a Chinese sentence naming them), or None."""
    if is_party_member_on(cadre, day):
        return None
    return _(
        "%(name)s is not a CPC member or probationary member on %(date)s (political status: %(status)s): only "
        "party members report to a community."
    ) % {
        "name": cadre.name,
        "date": day.isoformat(),
        "status": PoliticalStatus(cadre.political_status).label,
    }


def _check_community_report(report: CommunityReport) -> None:
    _live_place(report)
    if report.place.kind != PlaceKind.COMMITTEE:
        raise ValidationError(
            {
                "place": _("A party member reports to a residents' committee; %(place)s is a %(kind)s.")
                % {"place": report.place.name, "kind": report.place.get_kind_display()}
            }
        )
    if report.date and (message := party_member_refusal(report.cadre, report.date)):
        raise ValidationError({"cadre": ValidationError(message, code="not_party_member")})
    if not report.party_branch:
        report.party_branch = report.cadre.party_branch


def _check_membership(member: TeamMembership) -> None:
    team = member.team
    if member.joined_on is None:
        return
    if member.joined_on < team.formed_on:
        raise ValidationError(
            {
                "joined_on": _("%(team)s was formed on %(date)s: nobody joined it before.")
                % {"team": team.name, "date": team.formed_on.isoformat()}
            }
        )
    if team.dissolved_on is not None and member.joined_on >= team.dissolved_on:
        raise ValidationError(
            {
                "joined_on": _("%(team)s was dissolved on %(date)s.")
                % {"team": team.name, "date": team.dissolved_on.isoformat()}
            }
        )
    others = TeamMembership.objects.filter(team=team, cadre=member.cadre_id).exclude(pk=member.pk)
    if member.left_on is not None:
        others = others.filter(joined_on__lt=member.left_on)
    others = others.filter(Q(left_on__isnull=True) | Q(left_on__gt=member.joined_on))
    if clash := others.first():
        raise ValidationError(
            {
                "joined_on": _("%(name)s is already a member of %(team)s from %(date)s.")
                % {"name": member.cadre.name, "team": team.name, "date": clash.joined_on.isoformat()}
            }
        )


def _check_secondment(secondment: Secondment) -> None:
    _live_place(secondment)


def _check_visit(visit: Visit) -> None:
    _live_place(visit)


STINT = Kind(
    Stint,
    ("campaign", "place", "role", "task", "start_date", "end_date", "note"),
    ("start_date", "end_date"),
    True,
    _check_stint,
)
COMMUNITY_REPORT = Kind(
    CommunityReport,
    ("place", "date", "service", "party_branch", "note"),
    ("date",),
    True,
    _check_community_report,
)
TEAM_MEMBERSHIP = Kind(
    TeamMembership, ("team", "role", "joined_on", "left_on", "note"), ("joined_on", "left_on"), False, _check_membership
)
SECONDMENT = Kind(
    Secondment,
    (
        "kind",
        "region",
        "place",
        "host_unit",
        "post",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "note",
    ),
    ("planned_start", "planned_end", "actual_start", "actual_end"),
    True,
    _check_secondment,
    far_dates=("planned_end",),
)
VISIT = Kind(
    Visit,
    ("kind", "place", "destination", "start_date", "end_date", "task", "note"),
    ("start_date", "end_date"),
    True,
    _check_visit,
)
KINDS = {kind.model: kind for kind in (STINT, COMMUNITY_REPORT, TEAM_MEMBERSHIP, SECONDMENT, VISIT)}


# --- the generic writes ---------------------------------------------------------------------------------------------


def _validate(spec: Kind, record) -> None:
    """Dates, fields, the kind's checks, the attribution, then the model's constraints (Chinese messages).  The
    related rows are in the caller's hands: their existence is not read again (a missing one is still named)."""
    check_dates(record, spec.dates, far=spec.far_dates)
    in_hand = [f.name for f in record._meta.concrete_fields if f.is_relation and getattr(record, f.attname) is not None]
    record.clean_fields(exclude=[*in_hand, "unit", "section"])
    spec.check(record)
    attribute(record, spec.first_day(record))
    record.clean()
    record.validate_constraints()


@transaction.atomic
def record_create(spec: Kind, /, *, actor, cadre: Cadre, **fields: Any):
    """A new record of the kind ``spec`` about ``cadre``."""
    require_cadre_reach(actor, cadre)
    if spec.counts_hours:
        refuse_own_record(actor, cadre)
    record = spec.model(cadre=cadre)
    assign(record, fields, spec.fields)
    _validate(spec, record)
    record.save()
    audit_record(actor=actor, action=Action.CREATE, obj=record, after=snapshot(record, spec.audited()))
    if spec.counts_hours:
        practice_hours_sync(actor=actor, cadre=cadre, years=years_of(record))
    return record


@transaction.atomic
def record_update(spec: Kind, /, record, *, actor, **fields: Any):
    """Change a record (not its cadre); the 学时 of the years it covered and covers follow."""
    record = spec.model.objects.select_for_update().get(pk=record.pk)
    require_record_reach(actor, record)
    if "cadre" in fields and fields.pop("cadre").pk != record.cadre_id:
        raise ValidationError(
            {"cadre": _("A record's cadre cannot be changed: delete it and enter it for the other cadre.")}
        )
    if spec.counts_hours:
        refuse_own_record(actor, record.cadre)
    before = snapshot(record, spec.audited())
    years = years_of(record) if spec.counts_hours else set()
    assign(record, fields, spec.fields)
    _validate(spec, record)
    record.save()
    after = snapshot(record, spec.audited())
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=record, before=before, after=after)
    if spec.counts_hours:
        practice_hours_sync(actor=actor, cadre=record.cadre, years=years | years_of(record))
    return record


@transaction.atomic
def record_delete(spec: Kind, /, record, *, actor, reason: str = "") -> None:
    """Delete a record and its evidence; its 学时 are withdrawn with the reason (the entries stay, rejected), and
    the days it had claimed may now count for another record of the cadre."""
    record = spec.model.objects.select_for_update().get(pk=record.pk)
    require_record_reach(actor, record)
    cadre = record.cadre
    if spec.counts_hours:
        refuse_own_record(actor, cadre)
        with stored_language():
            why = reason.strip() or _("The practice record was deleted.")
        withdraw_record(actor=actor, record=record, reason=why)
        years = years_of(record)
    audit_record(actor=actor, action=Action.DELETE, obj=record, before=snapshot(record, spec.audited()))
    Evidence.objects.of(record).delete()
    record.delete()
    if spec.counts_hours:
        practice_hours_sync(actor=actor, cadre=cadre, years=years)


# --- the public services ---------------------------------------------------------------------------------------------


def stint_create(*, actor, cadre: Cadre, **fields: Any) -> Stint:
    """fields: campaign, place, role, task, start_date, end_date, note."""
    return record_create(STINT, actor=actor, cadre=cadre, **fields)


def stint_update(*, actor, stint: Stint, **fields: Any) -> Stint:
    return record_update(STINT, stint, actor=actor, **fields)


def stint_delete(*, actor, stint: Stint, reason: str = "") -> None:
    record_delete(STINT, stint, actor=actor, reason=reason)


def community_report_create(*, actor, cadre: Cadre, **fields: Any) -> CommunityReport:
    """fields: place (a 居委), date, service, party_branch (default: the cadre's), note.  Refused unless the cadre
    is a 中共党员/预备党员 on the date (``party_member_refusal`` says why, on the ``cadre`` field)."""
    return record_create(COMMUNITY_REPORT, actor=actor, cadre=cadre, **fields)


def community_report_update(*, actor, report: CommunityReport, **fields: Any) -> CommunityReport:
    return record_update(COMMUNITY_REPORT, report, actor=actor, **fields)


def community_report_delete(*, actor, report: CommunityReport, reason: str = "") -> None:
    record_delete(COMMUNITY_REPORT, report, actor=actor, reason=reason)


def team_membership_create(*, actor, cadre: Cadre, **fields: Any) -> TeamMembership:
    """fields: team, role (TeamRole), joined_on, left_on (exclusive; empty: still a member), note."""
    return record_create(TEAM_MEMBERSHIP, actor=actor, cadre=cadre, **fields)


def team_membership_update(*, actor, membership: TeamMembership, **fields: Any) -> TeamMembership:
    return record_update(TEAM_MEMBERSHIP, membership, actor=actor, **fields)


def team_membership_delete(*, actor, membership: TeamMembership, reason: str = "") -> None:
    record_delete(TEAM_MEMBERSHIP, membership, actor=actor, reason=reason)


def team_membership_leave(*, actor, membership: TeamMembership, left_on: dt.date, note: str = "") -> TeamMembership:
    """The cadre leaves the team on ``left_on`` (no longer a member from that day).  ``note``, when given, replaces
    the membership's note (e.g. why they left)."""
    fields: dict[str, Any] = {"left_on": left_on}
    if note:
        fields["note"] = note
    return record_update(TEAM_MEMBERSHIP, membership, actor=actor, **fields)


def secondment_create(*, actor, cadre: Cadre, **fields: Any) -> Secondment:
    """fields: kind (SecondmentKind), region, place, host_unit, post, planned_start, planned_end, actual_start,
    actual_end, note."""
    return record_create(SECONDMENT, actor=actor, cadre=cadre, **fields)


def secondment_update(*, actor, secondment: Secondment, **fields: Any) -> Secondment:
    return record_update(SECONDMENT, secondment, actor=actor, **fields)


def secondment_delete(*, actor, secondment: Secondment, reason: str = "") -> None:
    record_delete(SECONDMENT, secondment, actor=actor, reason=reason)


def visit_create(*, actor, cadre: Cadre, **fields: Any) -> Visit:
    """fields: kind (VisitKind), place or destination, start_date, end_date, task, note."""
    return record_create(VISIT, actor=actor, cadre=cadre, **fields)


def visit_update(*, actor, visit: Visit, **fields: Any) -> Visit:
    return record_update(VISIT, visit, actor=actor, **fields)


def visit_delete(*, actor, visit: Visit, reason: str = "") -> None:
    record_delete(VISIT, visit, actor=actor, reason=reason)


def team_members_on(team: Team, day: dt.date):
    """The memberships of ``team`` in force on ``day`` (none once the team is dissolved), cadres joined."""
    if day < team.formed_on or (team.dissolved_on is not None and day >= team.dissolved_on):
        return TeamMembership.objects.none()
    leaders_first = Case(
        When(role=TeamRole.LEADER, then=Value(0)), When(role=TeamRole.DEPUTY, then=Value(1)), default=Value(2)
    )
    return (
        TeamMembership.objects.filter(team=team)
        .on(day)
        .select_related("cadre")
        .order_by(leaders_first, "cadre__name", "pk")
    )
