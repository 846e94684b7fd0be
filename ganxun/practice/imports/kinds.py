"""The four kinds of practice list: deployments, community reporting, team members, secondments.

Each says how its cells become a record, which record already there a row is (the cadre and place or team,
and the date: a date written to the month finds the record dated within that month), and which service writes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from ganxun.core.excel import CellDate, ExcelFileError

from ..models import (
    Campaign,
    CommunityReport,
    PlaceKind,
    Secondment,
    SecondmentKind,
    Stint,
    Team,
    TeamMembership,
    TeamRole,
)
from ..services import (
    campaign_create,
    campaign_get_or_create,
    community_report_create,
    community_report_update,
    default_unit,
    party_member_refusal,
    secondment_create,
    secondment_update,
    stint_create,
    stint_update,
    team_create,
    team_get_or_create,
    team_membership_create,
    team_membership_update,
)
from ..services.records import COMMUNITY_REPORT, SECONDMENT, STINT, TEAM_MEMBERSHIP
from . import columns as cols
from . import vocabulary
from .engine import PracticeImport, Row, end_of_month
from .places import PlaceResolver, place_key, resolved


def _day_or_kept(cell: CellDate | None, kept: dt.date | None, *, end: bool = False) -> dt.date | None:
    """A cell's date; written to the month, the date already recorded in that month stays (else the month's
    first day, or its last for an end date)."""
    if cell is None:
        return None
    if cell.to_month and cell.agrees_with(kept):
        return kept
    return end_of_month(cell) if end else cell.first()


def _stripped(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as the services assign them (texts stripped)."""
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


def find_group(model, name: str, actor):
    """The campaign or team of that name the account reaches (``None``: not there yet); ExcelFileError when
    several units have one of that name and none is the account's own."""
    found = list((model.objects.visible_to(actor) if actor is not None else model.objects.all()).filter(name=name))
    if len(found) > 1:
        own = [g for g in found if g.unit_id == default_unit(actor).pk]
        if len(own) == 1:
            return own[0]
        raise ExcelFileError(
            _("Several units have a %(what)s named “%(name)s”; it cannot be told which is meant.")
            % {"what": model._meta.verbose_name, "name": name}
        )
    return found[0] if found else None


# --- deployments ----------------------------------------------------------------------------------------------------


class DeploymentImport(PracticeImport):
    kind = cols.DEPLOYMENT
    date_key = "start"
    compared = ("end_date", "task")
    model_name = "stint"
    service_kind = STINT

    def setup(self) -> None:
        if not self.group_name:
            raise ExcelFileError(_("Name the campaign the deployments belong to."))
        self.campaign = find_group(Campaign, self.group_name, self.actor)
        self.campaign_before = self.campaign  # None: the import creates it (perhaps already, with a first batch)
        self.result.campaign = self.group_name
        self.places = PlaceResolver()
        self.first_day: dt.date | None = None
        self.last_day: dt.date | None = None
        self.kinds = vocabulary.index(vocabulary.PLACE_KIND, PlaceKind)

    def check_layout(self, keys: set[str]) -> None:
        if not keys & {"place", "committee", "estate"}:
            raise ExcelFileError(
                _("Required columns are missing: %(columns)s. The header must be within the first %(scan)s rows.")
                % {
                    "columns": _("%(place)s (or %(committee)s and %(estate)s)")
                    % {
                        "place": self.columns["place"].header,
                        "committee": self.columns["committee"].header,
                        "estate": self.columns["estate"].header,
                    },
                    "scan": 10,
                }
            )

    def parse(self, row: Row, cells: dict[str, Any]) -> None:
        v = row.values
        street = self.text(row, cells, "street", limit=100)
        committee = self.text(row, cells, "committee", limit=100)
        estate = self.text(row, cells, "estate", limit=100)
        place = self.text(row, cells, "place", limit=100)
        kind = self.choice(row, cells, "place_kind", self.kinds, vocabulary.standard(vocabulary.PLACE_KIND))
        v["start"] = self.date(row, cells, "start", required=True)
        v["end"] = self.date(row, cells, "end", required=True)
        v["task"] = self.text(row, cells, "task", limit=Stint._meta.get_field("task").max_length)
        if not (estate or committee or place):
            key = next((k for k in ("place", "committee", "estate") if self.has(k)), "place")
            self.error(row.number, key, _("Write the place (or the residents' committee and the estate)."))
            return
        parent = self.cell(row.number, "street", lambda: self.places.find(street, PlaceKind.STREET)) if street else None
        if estate:
            holder = parent
            if committee:
                holder = self.cell(
                    row.number, "committee", lambda: self.places.find(committee, PlaceKind.COMMITTEE, parent)
                )
            v["place"] = self.cell(row.number, "estate", lambda: self.places.find(estate, PlaceKind.ESTATE, holder))
        elif committee:
            v["place"] = self.cell(
                row.number, "committee", lambda: self.places.find(committee, PlaceKind.COMMITTEE, parent)
            )
        else:
            kind = kind or self.places.kind_of(place)
            v["place"] = self.cell(row.number, "place", lambda: self.places.find(place, kind, parent))

    def group_of(self, row: Row) -> tuple[int, int]:
        return (row.cadre.pk, place_key(row.values["place"]))

    def existing(self, cadre_ids: list[int]) -> dict[tuple, list[Any]]:
        if self.campaign is None:
            return {}
        found: dict[tuple, list[Any]] = {}
        for stint in self.already_there(Stint.objects.filter(campaign=self.campaign, cadre_id__in=cadre_ids)).only(
            "pk", "cadre_id", "place_id", "start_date", "end_date", "task", "updated_at"
        ):
            found.setdefault((stint.cadre_id, stint.place_id), []).append(stint)
        return found

    def record_day(self, record: Any) -> dt.date:
        return record.start_date

    def fields_of(self, row: Row, record: Any | None) -> dict[str, Any]:
        v = row.values
        fields = {
            "start_date": record.start_date if record is not None else v["start"].first(),
            "end_date": _day_or_kept(v["end"], record.end_date if record is not None else None, end=True),
        }
        if self.has("task"):
            fields["task"] = v["task"]
        return fields

    def check_fields(self, row: Row) -> bool:
        fields = row.fields
        if fields["end_date"] < fields["start_date"]:
            self.error(row.number, "end", _("The end date cannot come before the start date."))
            return False
        self.first_day = min(filter(None, (self.first_day, fields["start_date"])))
        self.last_day = max(filter(None, (self.last_day, fields["end_date"])))
        return True

    def finish(self) -> None:
        self.result.new_places = [p.full_name for p in self.places.new]
        if self.first_day is None:
            return
        if self.campaign_before is None:
            self.result.created_group = _("campaign “%(name)s” (%(start)s to %(end)s)") % {
                "name": self.group_name,
                "start": self.first_day.isoformat(),
                "end": self.last_day.isoformat(),
            }
            return
        start, end = self.campaign_before.start_date, self.campaign_before.end_date
        if self.first_day < start or (end is not None and self.last_day > end):
            self.result.widened_group = _("The period of the campaign “%(name)s” widens to %(start)s to %(end)s.") % {
                "name": self.campaign.name,
                "start": min(start, self.first_day).isoformat(),
                "end": max(end, self.last_day).isoformat() if end is not None else "…",
            }

    def open_group(self) -> None:
        if self.campaign is None:
            # Over the rows read so far; ``close_group`` widens it to the rest.
            self.campaign = campaign_create(
                actor=self.actor, name=self.group_name, start_date=self.first_day, end_date=self.last_day
            )

    def close_group(self) -> None:
        if self.first_day is not None:
            self.campaign, _created = campaign_get_or_create(
                actor=self.actor,
                name=self.campaign.name,
                start_date=self.first_day,
                end_date=self.last_day,
                unit=self.campaign.unit,
            )

    def write_places(self) -> None:
        self.places.create(self.actor)

    def write_group(self) -> None:
        if self.campaign is None:
            self.campaign = campaign_create(
                actor=self.actor, name=self.group_name, start_date=self.first_day, end_date=self.last_day
            )
        elif self.first_day is not None:
            # The campaign's period widens to hold the rows (audited), as the campaign service does for imports.
            self.campaign, _created = campaign_get_or_create(
                actor=self.actor,
                name=self.campaign.name,
                start_date=self.first_day,
                end_date=self.last_day,
                unit=self.campaign.unit,
            )
        self.places.create(self.actor)

    bulk_writes = True

    def new_record(self, row: Row) -> Stint:
        return Stint(
            cadre=self.cadres[row.cadre.pk],
            campaign=self.campaign,
            place=resolved(row.values["place"]),
            **_stripped(row.fields),
        )

    def write_row(self, row: Row) -> None:
        fields = row.fields
        if row.record is None:
            stint_create(
                actor=self.actor,
                cadre=self.cadres[row.cadre.pk],
                campaign=self.campaign,
                place=resolved(row.values["place"]),
                **fields,
            )
        else:
            stint_update(actor=self.actor, stint=row.record, **{f: fields[f] for f in row.changed})

    def column_of_field(self, name: str) -> str:
        return {"start_date": "start", "end_date": "end", "task": "task", "place": "place"}.get(name, "name")

    def describe(self, row: Row) -> str:
        place = row.values["place"]
        return f"{place.full_name} {row.fields['start_date']:%Y-%m-%d}–{row.fields['end_date']:%Y-%m-%d}"

    def field_header(self, name: str) -> str:
        return self.header({"end_date": "end", "task": "task"}[name])


# --- community reporting ----------------------------------------------------------------------------------------------


class CommunityImport(PracticeImport):
    kind = cols.COMMUNITY
    date_key = "date"
    compared = ("service", "party_branch")
    model_name = "communityreport"
    service_kind = COMMUNITY_REPORT

    def setup(self) -> None:
        self.places = PlaceResolver()

    def parse(self, row: Row, cells: dict[str, Any]) -> None:
        v = row.values
        street = self.text(row, cells, "street", limit=100)
        committee = self.text(row, cells, "committee", limit=100, required=True)
        v["date"] = self.date(row, cells, "date", required=True)
        v["service"] = self.text(row, cells, "service", limit=CommunityReport._meta.get_field("service").max_length)
        v["branch"] = self.text(row, cells, "branch", limit=CommunityReport._meta.get_field("party_branch").max_length)
        if committee:
            parent = (
                self.cell(row.number, "street", lambda: self.places.find(street, PlaceKind.STREET)) if street else None
            )
            v["place"] = self.cell(
                row.number, "committee", lambda: self.places.find(committee, PlaceKind.COMMITTEE, parent)
            )

    def check_fields(self, row: Row) -> bool:
        if message := party_member_refusal(row.cadre, row.fields["date"]):
            self.error(row.number, "name" if self.has("name") else "id_number", message)
            return False
        return True

    def group_of(self, row: Row) -> tuple[int, int]:
        return (row.cadre.pk, place_key(row.values["place"]))

    def existing(self, cadre_ids: list[int]) -> dict[tuple, list[Any]]:
        found: dict[tuple, list[Any]] = {}
        for report in self.already_there(CommunityReport.objects.filter(cadre_id__in=cadre_ids)):
            found.setdefault((report.cadre_id, report.place_id), []).append(report)
        return found

    def record_day(self, record: Any) -> dt.date:
        return record.date

    def fields_of(self, row: Row, record: Any | None) -> dict[str, Any]:
        fields: dict[str, Any] = {"date": record.date if record is not None else row.values["date"].first()}
        if self.has("service"):
            fields["service"] = row.values["service"]
        if self.has("branch"):
            fields["party_branch"] = row.values["branch"]
        return fields

    def finish(self) -> None:
        self.result.new_places = [p.full_name for p in self.places.new]

    def write_group(self) -> None:
        self.places.create(self.actor)

    write_places = write_group
    bulk_writes = True

    def new_record(self, row: Row) -> CommunityReport:
        cadre = self.cadres[row.cadre.pk]
        report = CommunityReport(cadre=cadre, place=resolved(row.values["place"]), **_stripped(row.fields))
        # As the service: the reporting party member's branch unless the file says another (the place is a
        # 居委 and the cadre a party member on the day: both checked with the row).
        if not report.party_branch:
            report.party_branch = cadre.party_branch
        return report

    def write_row(self, row: Row) -> None:
        fields = row.fields
        if row.record is None:
            community_report_create(
                actor=self.actor, cadre=self.cadres[row.cadre.pk], place=resolved(row.values["place"]), **fields
            )
        else:
            community_report_update(actor=self.actor, report=row.record, **{f: fields[f] for f in row.changed})

    def column_of_field(self, name: str) -> str:
        return {"date": "date", "service": "service", "party_branch": "branch", "place": "committee"}.get(name, "name")

    def describe(self, row: Row) -> str:
        return f"{row.values['place'].full_name} {row.fields['date']:%Y-%m-%d}"

    def field_header(self, name: str) -> str:
        return self.header({"service": "service", "party_branch": "branch"}[name])


# --- team members -------------------------------------------------------------------------------------------------------


class TeamImport(PracticeImport):
    kind = cols.TEAM
    date_key = "joined"
    compared = ("role", "left_on")
    model_name = "teammembership"
    service_kind = TEAM_MEMBERSHIP

    def setup(self) -> None:
        if not self.group_name:
            raise ExcelFileError(_("Name the team the members belong to."))
        self.team = find_group(Team, self.group_name, self.actor)
        self.result.team = self.group_name
        self.roles = vocabulary.index(vocabulary.TEAM_ROLE, TeamRole)
        self.first_day: dt.date | None = None

    def parse(self, row: Row, cells: dict[str, Any]) -> None:
        v = row.values
        v["role"] = self.choice(row, cells, "role", self.roles, vocabulary.standard(vocabulary.TEAM_ROLE))
        v["joined"] = self.date(row, cells, "joined", required=True)
        v["left"] = self.date(row, cells, "left")

    def group_of(self, row: Row) -> tuple[int, int]:
        return (row.cadre.pk, 0)

    def existing(self, cadre_ids: list[int]) -> dict[tuple, list[Any]]:
        if self.team is None:
            return {}
        found: dict[tuple, list[Any]] = {}
        for membership in TeamMembership.objects.filter(team=self.team, cadre_id__in=cadre_ids):
            found.setdefault((membership.cadre_id, 0), []).append(membership)
        return found

    def record_day(self, record: Any) -> dt.date:
        return record.joined_on

    def fields_of(self, row: Row, record: Any | None) -> dict[str, Any]:
        v = row.values
        fields: dict[str, Any] = {"joined_on": record.joined_on if record is not None else v["joined"].first()}
        if self.has("role"):
            fields["role"] = v["role"] or TeamRole.MEMBER
        if self.has("left"):
            fields["left_on"] = _day_or_kept(v["left"], record.left_on if record is not None else None)
        return fields

    def check_fields(self, row: Row) -> bool:
        left = row.fields.get("left_on")
        if left is not None and left <= row.fields["joined_on"]:
            self.error(row.number, "left", _("The leaving date must come after the joining date."))
            return False
        self.first_day = min(filter(None, (self.first_day, row.fields["joined_on"])))
        return True

    def finish(self) -> None:
        if self.first_day is None:
            return
        if self.team is None:
            self.result.created_group = _("team “%(name)s” (formed on %(date)s)") % {
                "name": self.group_name,
                "date": self.first_day.isoformat(),
            }
        elif self.first_day < self.team.formed_on:
            self.result.widened_group = _("The team “%(name)s” is dated back to %(date)s, its first joining.") % {
                "name": self.team.name,
                "date": self.first_day.isoformat(),
            }

    def write_group(self) -> None:
        if self.team is None:
            self.team = team_create(actor=self.actor, name=self.group_name, formed_on=self.first_day)
        elif self.first_day is not None:
            # A member who joined before the team's recorded formation dates it back (audited).
            self.team, _created = team_get_or_create(
                actor=self.actor, name=self.team.name, formed_on=self.first_day, unit=self.team.unit
            )

    def write_row(self, row: Row) -> None:
        fields = row.fields
        if row.record is None:
            team_membership_create(actor=self.actor, cadre=self.cadres[row.cadre.pk], team=self.team, **fields)
        else:
            team_membership_update(actor=self.actor, membership=row.record, **{f: fields[f] for f in row.changed})

    def column_of_field(self, name: str) -> str:
        return {"joined_on": "joined", "left_on": "left", "role": "role"}.get(name, "name")

    def describe(self, row: Row) -> str:
        role = TeamRole(row.fields.get("role") or (row.record.role if row.record else TeamRole.MEMBER)).label
        return f"{self.group_name} {role} {row.fields['joined_on']:%Y-%m-%d}"

    def field_header(self, name: str) -> str:
        return self.header({"role": "role", "left_on": "left"}[name])


# --- secondments --------------------------------------------------------------------------------------------------------


class SecondmentImport(PracticeImport):
    kind = cols.SECONDMENT
    date_key = "start"
    compared = ("region", "host_unit", "post", "planned_end", "actual_start", "actual_end")
    model_name = "secondment"
    service_kind = SECONDMENT

    def setup(self) -> None:
        self.kinds = vocabulary.index(vocabulary.SECONDMENT_KIND, SecondmentKind)

    def parse(self, row: Row, cells: dict[str, Any]) -> None:
        v = row.values
        field = Secondment._meta.get_field
        v["destination"] = self.text(row, cells, "destination", limit=field("region").max_length, required=True)
        v["host"] = self.text(row, cells, "host", limit=field("host_unit").max_length)
        v["post"] = self.text(row, cells, "post", limit=field("post").max_length)
        written = self.choice(
            row, cells, "secondment_kind", self.kinds, vocabulary.standard(vocabulary.SECONDMENT_KIND)
        )
        v["secondment_kind"] = written or vocabulary.secondment_kind_of_region(v["destination"])
        v["start"] = self.date(row, cells, "start", required=True)
        v["end"] = self.date(row, cells, "end", required=True)
        v["actual_end"] = self.date(row, cells, "actual_end")

    def group_of(self, row: Row) -> tuple[int, int]:
        return (row.cadre.pk, SECONDMENT_KINDS.index(row.values["secondment_kind"]))

    def existing(self, cadre_ids: list[int]) -> dict[tuple, list[Any]]:
        found: dict[tuple, list[Any]] = {}
        for secondment in self.already_there(Secondment.objects.filter(cadre_id__in=cadre_ids)):
            found.setdefault((secondment.cadre_id, SECONDMENT_KINDS.index(secondment.kind)), []).append(secondment)
        return found

    def record_day(self, record: Any) -> dt.date:
        return record.planned_start

    def fields_of(self, row: Row, record: Any | None) -> dict[str, Any]:
        v = row.values
        start = record.planned_start if record is not None else v["start"].first()
        fields: dict[str, Any] = {
            "planned_start": start,
            "planned_end": _day_or_kept(v["end"], record.planned_end if record is not None else None, end=True),
            "region": v["destination"],
        }
        if self.has("host"):
            fields["host_unit"] = v["host"]
        if self.has("post"):
            fields["post"] = v["post"]
        if self.has("actual_end"):
            actual_end = _day_or_kept(v["actual_end"], record.actual_end if record is not None else None, end=True)
            fields["actual_end"] = actual_end
            if actual_end is not None:
                # The actual end needs an actual start: the one on record, else the start the file gives.
                fields["actual_start"] = (record.actual_start if record is not None else None) or start
        return fields

    def check_fields(self, row: Row) -> bool:
        fields = row.fields
        if fields["planned_end"] < fields["planned_start"]:
            self.error(row.number, "end", _("The end date cannot come before the start date."))
            return False
        actual_end = fields.get("actual_end")
        if actual_end is not None and actual_end < fields["actual_start"]:
            self.error(row.number, "actual_end", _("The end date cannot come before the start date."))
            return False
        return True

    bulk_writes = True

    def new_record(self, row: Row) -> Secondment:
        return Secondment(cadre=self.cadres[row.cadre.pk], kind=row.values["secondment_kind"], **_stripped(row.fields))

    def write_row(self, row: Row) -> None:
        fields = row.fields
        if row.record is None:
            secondment_create(
                actor=self.actor, cadre=self.cadres[row.cadre.pk], kind=row.values["secondment_kind"], **fields
            )
        else:
            secondment_update(actor=self.actor, secondment=row.record, **{f: fields[f] for f in row.changed})

    def column_of_field(self, name: str) -> str:
        return {
            "region": "destination",
            "host_unit": "host",
            "post": "post",
            "planned_start": "start",
            "planned_end": "end",
            "actual_start": "start",
            "actual_end": "actual_end",
            "kind": "secondment_kind",
        }.get(name, "name")

    def describe(self, row: Row) -> str:
        kind = SecondmentKind(row.values["secondment_kind"]).label
        return (
            f"{kind} {row.fields['region']} {row.fields['planned_start']:%Y-%m-%d}–{row.fields['planned_end']:%Y-%m-%d}"
        )

    def field_header(self, name: str) -> str:
        return self.header(
            {
                "region": "destination",
                "host_unit": "host",
                "post": "post",
                "planned_end": "end",
                "actual_start": "start",
                "actual_end": "actual_end",
            }[name]
        )


SECONDMENT_KINDS = list(SecondmentKind.values)

KINDS: dict[str, type[PracticeImport]] = {
    cols.DEPLOYMENT: DeploymentImport,
    cols.COMMUNITY: CommunityImport,
    cols.TEAM: TeamImport,
    cols.SECONDMENT: SecondmentImport,
}
