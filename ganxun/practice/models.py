"""The practice classroom (实践课堂): places, deployments, community reporting, teams, secondments, visits,
merit competitions, their evidence, and the 学时 counted from them (``PracticeCredit``).

Every record about a cadre carries its attribution (``unit`` and ``section``: the cadre's 单位 and 科室 in force
on the record's first day, set by the services), so scoping by a unit subtree or a 科室 is one filter; records of
a body (campaign, team, competition) carry their organising ``unit``.  Writes go through ``practice.services``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .querysets import (
    CadreRecordQuerySet,
    CompetitionPartQuerySet,
    CompetitionQuerySet,
    EvidenceQuerySet,
    OrganisedQuerySet,
    PlaceQuerySet,
    ScoreQuerySet,
    TeamMembershipQuerySet,
)

# The dates a practice record may carry (the database's plain-range backstop; the services hold them closer).
EARLIEST_DATE = dt.date(1950, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
MAX_SCORE = 1000  # the highest maximum score a criterion may have
MAX_WEIGHT = 100


def dates_sane(*names: str) -> Q:
    condition = Q()
    for name in names:
        condition &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": EARLIEST_DATE, f"{name}__lte": LATEST_DATE})
    return condition


SANE_DATES_MESSAGE = _("The dates must be between 1950-01-01 and 2100-12-31.")


# --- Places -------------------------------------------------------------------------------------------------------


class PlaceKind(models.TextChoices):
    STREET = "street", _("Sub-district")  # 街道
    COMMITTEE = "committee", _("Residents' committee")  # 居委
    ESTATE = "estate", _("Residential estate")  # 小区
    AIRPORT = "airport", _("Airport")  # 机场
    QUARANTINE = "quarantine", _("Quarantine site")  # 隔离点
    OBSERVATION = "observation", _("Medical observation site")  # 医学观察点
    AID_SITE = "aid_site", _("Aid destination")  # 援建地
    OTHER = "other", _("Other place")  # 其他


# Which kind of place may hold which (a 小区 under its 居委, a 居委 under its 街道); others stand alone or under a 街道.
PARENT_KINDS: dict[str, frozenset[str]] = {
    PlaceKind.ESTATE: frozenset({PlaceKind.COMMITTEE, PlaceKind.STREET}),
    PlaceKind.COMMITTEE: frozenset({PlaceKind.STREET}),
    PlaceKind.STREET: frozenset(),
    PlaceKind.AIRPORT: frozenset({PlaceKind.STREET}),
    PlaceKind.QUARANTINE: frozenset({PlaceKind.STREET, PlaceKind.COMMITTEE}),
    PlaceKind.OBSERVATION: frozenset({PlaceKind.STREET, PlaceKind.COMMITTEE}),
    PlaceKind.AID_SITE: frozenset(),
    PlaceKind.OTHER: frozenset({PlaceKind.STREET, PlaceKind.COMMITTEE}),
}
# Kinds that count as the front line of the community (居委, 小区) and as key sites (机场, 隔离点, 医学观察点).
COMMUNITY_KINDS = frozenset({PlaceKind.COMMITTEE, PlaceKind.ESTATE})
KEY_SITE_KINDS = frozenset({PlaceKind.AIRPORT, PlaceKind.QUARANTINE, PlaceKind.OBSERVATION})


class Place(models.Model):
    """A place the bureau serves.  ``normalised_name`` (NFKC, spaces removed, ``services.places.normalise``) makes
    "长白一村 居委" and "长白一村居委" one place.  A place merged into another keeps its row with ``merged_into``
    set, so its old spelling still finds the place kept; every record moved to the kept place."""

    name = models.CharField(_("name"), max_length=100)
    normalised_name = models.CharField(_("normalised name"), max_length=100, db_index=True, editable=False)
    kind = models.CharField(_("kind of place"), max_length=20, choices=PlaceKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_places",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["kind", "normalised_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "normalised_name", "parent"],
                condition=Q(merged_into__isnull=True, parent__isnull=False),
                name="place_unique_under_parent",
                violation_error_message=_("A place of this name and kind already exists there."),
            ),
            models.UniqueConstraint(
                fields=["kind", "normalised_name"],
                condition=Q(merged_into__isnull=True, parent__isnull=True),
                name="place_unique_at_top",
                violation_error_message=_("A place of this name and kind already exists there."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="place_not_its_own_parent",
                violation_error_message=_("A place cannot be part of itself."),
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="place_not_merged_into_itself",
                violation_error_message=_("A place cannot be merged into itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practice:place_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        """The place with the places it is part of: 长白新村街道 长白一村居委 长白一村小区."""
        return f"{self.parent.full_name} {self.name}" if self.parent_id else self.name


# --- Deployments (下沉/派驻) ------------------------------------------------------------------------------------------


class Campaign(models.Model):
    """A campaign cadres are deployed in (2022年社区抗疫, 旧改攻坚一线 …): its period and organising 单位."""

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        "roster.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Empty: still going on."))
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisedQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="campaign_name_unique_in_unit",
                violation_error_message=_("A campaign of this name already exists in the unit."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="campaign_ends_after_start",
                violation_error_message=_("The end date cannot come before the start date."),
            ),
            models.CheckConstraint(
                condition=dates_sane("start_date", "end_date"),
                name="campaign_dates_sane",
                violation_error_message=SANE_DATES_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practice:campaign_detail", args=[self.pk])


class CadreRecord(models.Model):
    """What every record about one cadre has: the cadre and their 单位 and 科室 on the record's first day."""

    cadre = models.ForeignKey("roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "roster.Unit", verbose_name=_("unit on the date"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    section = models.ForeignKey(
        "roster.Section",
        verbose_name=_("section on the date"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CadreRecordQuerySet.as_manager()

    class Meta:
        abstract = True


class Stint(CadreRecord):
    """One cadre's service at one place in a campaign, from ``start_date`` to ``end_date`` (both inclusive)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="stints")
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="stints")
    role = models.CharField(_("role"), max_length=50, blank=True, help_text=_("e.g. team leader, volunteer"))
    task = models.CharField(_("task"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        ordering = ["-start_date", "pk"]
        indexes = [
            models.Index(fields=["cadre", "start_date"]),
            models.Index(fields=["unit", "start_date"]),
            models.Index(fields=["start_date", "end_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="stint_ends_after_start",
                violation_error_message=_("The end date cannot come before the start date."),
            ),
            models.CheckConstraint(
                condition=dates_sane("start_date", "end_date"),
                name="stint_dates_sane",
                violation_error_message=SANE_DATES_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["campaign", "cadre", "place", "start_date"],
                name="stint_once",
                violation_error_message=_("This deployment is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.place} {self.start_date}–{self.end_date}"

    def get_absolute_url(self) -> str:
        return reverse("practice:stint_detail", args=[self.pk])


class CommunityReport(CadreRecord):
    """A party member reporting to the 居委 of their residence (党员到社区报到) on one day, with the service done."""

    place = models.ForeignKey(
        Place, verbose_name=_("residents' committee"), on_delete=models.PROTECT, related_name="community_reports"
    )
    date = models.DateField(_("date"))
    service = models.CharField(_("service"), max_length=200, blank=True)
    party_branch = models.CharField(_("party branch"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("community report")
        verbose_name_plural = _("community reports")
        ordering = ["-date", "pk"]
        indexes = [models.Index(fields=["cadre", "date"]), models.Index(fields=["unit", "date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "place", "date"],
                name="community_report_once_a_day",
                violation_error_message=_("This cadre has already reported to this committee on this day."),
            ),
            models.CheckConstraint(
                condition=dates_sane("date"),
                name="community_report_date_sane",
                violation_error_message=SANE_DATES_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.place} {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("practice:community_report_detail", args=[self.pk])

    @property
    def start_date(self) -> dt.date:
        return self.date

    @property
    def end_date(self) -> dt.date:
        return self.date


# --- Teams ------------------------------------------------------------------------------------------------------------


class TeamKind(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency support team")  # 应急支援队
    COMMANDO = "commando", _("Task force")  # 突击队
    VOLUNTEER = "volunteer", _("Volunteer team")  # 志愿服务队
    OTHER = "other", _("Other team")


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Team leader")  # 队长
    DEPUTY = "deputy", _("Deputy team leader")  # 副队长
    MEMBER = "member", _("Team member")  # 队员


class Team(models.Model):
    """A standing team (应急支援队 …) of a 单位, formed on a day and possibly dissolved."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind of team"), max_length=20, choices=TeamKind.choices, default=TeamKind.EMERGENCY)
    unit = models.ForeignKey("roster.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    formed_on = models.DateField(_("formed on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisedQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="team_name_unique_in_unit",
                violation_error_message=_("A team of this name already exists in the unit."),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("formed_on")),
                name="team_dissolved_after_formed",
                violation_error_message=_("A team cannot be dissolved before it is formed."),
            ),
            models.CheckConstraint(
                condition=dates_sane("formed_on", "dissolved_on"),
                name="team_dates_sane",
                violation_error_message=SANE_DATES_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practice:team_detail", args=[self.pk])


class TeamMembership(CadreRecord):
    """A cadre in a team with a role from ``joined_on`` (inclusive) until ``left_on`` (exclusive: the day they
    left is no longer a day of membership, as ``CadrePeriod.valid_to``); empty ``left_on``: still a member."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role in the team"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "joined_on", "pk"]
        indexes = [models.Index(fields=["team", "joined_on"]), models.Index(fields=["cadre", "joined_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=F("joined_on")),
                name="team_membership_leaves_after_joining",
                violation_error_message=_("The leaving date must come after the joining date."),
            ),
            models.CheckConstraint(
                condition=dates_sane("joined_on", "left_on"),
                name="team_membership_dates_sane",
                violation_error_message=SANE_DATES_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["team", "cadre", "joined_on"],
                name="team_membership_once",
                violation_error_message=_("This cadre's joining of the team on this day is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.cadre} {self.get_role_display()}"

    def get_absolute_url(self) -> str:
        return reverse("practice:team_membership_detail", args=[self.pk])

    @property
    def start_date(self) -> dt.date:
        return self.joined_on

    def is_member_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


# --- Secondments (援藏/援滇/援疆/挂职) ------------------------------------------------------------------------------------


class SecondmentKind(models.TextChoices):
    TIBET = "tibet", _("Aid to Tibet")  # 援藏
    YUNNAN = "yunnan", _("Aid to Yunnan")  # 援滇
    XINJIANG = "xinjiang", _("Aid to Xinjiang")  # 援疆
    ATTACHMENT = "attachment", _("Temporary post")  # 挂职


class Secondment(CadreRecord):
    """A cadre sent to a post elsewhere: planned dates, and the actual ones once known.  The 学时 count over the
    actual dates (the planned ones until the actual are entered)."""

    kind = models.CharField(_("kind of secondment"), max_length=20, choices=SecondmentKind.choices)
    region = models.CharField(_("destination"), max_length=100, help_text=_("e.g. 西藏日喀则市"))
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, null=True, blank=True, related_name="secondments"
    )
    host_unit = models.CharField(_("host unit"), max_length=100, blank=True)
    post = models.CharField(_("post held"), max_length=100, blank=True)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        ordering = ["-planned_start", "pk"]
        indexes = [models.Index(fields=["cadre", "planned_start"]), models.Index(fields=["unit", "planned_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="secondment_planned_end_after_start",
                violation_error_message=_("The planned end cannot come before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | (Q(actual_start__isnull=False) & Q(actual_end__gte=F("actual_start"))),
                name="secondment_actual_end_after_start",
                violation_error_message=_("The actual end needs an actual start and cannot come before it."),
            ),
            models.CheckConstraint(
                condition=dates_sane("planned_start", "planned_end", "actual_start", "actual_end"),
                name="secondment_dates_sane",
                violation_error_message=SANE_DATES_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["cadre", "kind", "planned_start"],
                name="secondment_once",
                violation_error_message=_("This secondment is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()} {self.region}"

    def get_absolute_url(self) -> str:
        return reverse("practice:secondment_detail", args=[self.pk])

    @property
    def start_date(self) -> dt.date:
        """The first day served: the actual start, else the planned one."""
        return self.actual_start or self.planned_start

    @property
    def end_date(self) -> dt.date:
        """The last day served: the actual end; with an actual start but no end yet, the planned end."""
        return self.actual_end or self.planned_end


# --- Exchange visits (互访互学) and frontline assignments (攻坚一线) -----------------------------------------------------


class VisitKind(models.TextChoices):
    EXCHANGE = "exchange", _("Exchange visit")  # 互访互学
    FRONTLINE = "frontline", _("Frontline assignment")  # 攻坚一线


class Visit(CadreRecord):
    """Who went where, when, with what task: a place of the register or a destination in words."""

    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices)
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    destination = models.CharField(_("destination"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    task = models.CharField(_("task"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("visit or frontline assignment")
        verbose_name_plural = _("visits and frontline assignments")
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["cadre", "start_date"]), models.Index(fields=["unit", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="visit_ends_after_start",
                violation_error_message=_("The end date cannot come before the start date."),
            ),
            models.CheckConstraint(
                condition=dates_sane("start_date", "end_date"),
                name="visit_dates_sane",
                violation_error_message=SANE_DATES_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(place__isnull=False) | ~Q(destination=""),
                name="visit_goes_somewhere",
                violation_error_message=_("Give the place or the destination."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()} {self.where}"

    def get_absolute_url(self) -> str:
        return reverse("practice:visit_detail", args=[self.pk])

    @property
    def where(self) -> str:
        return self.destination or (self.place.name if self.place_id else "")


# --- Merit competitions (立功竞赛, e.g. 五比五赛) -------------------------------------------------------------------------


class Competition(models.Model):
    """A merit competition of a 单位 in a year; publishing its ranking freezes the scores."""

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        "roster.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competitions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    published_at = models.DateTimeField(_("ranking published"), null=True, blank=True)
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judges"),
        blank=True,
        related_name="+",
        help_text=_("The accounts that score the entries, each on their own sheet."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("merit competition")
        verbose_name_plural = _("merit competitions")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "name"],
                name="competition_name_unique_in_unit_year",
                violation_error_message=_("A competition of this name already exists in the unit for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="competition_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="competition_ends_after_start",
                violation_error_message=_("The end date cannot come before the start date."),
            ),
            models.CheckConstraint(
                condition=dates_sane("start_date", "end_date"),
                name="competition_dates_sane",
                violation_error_message=SANE_DATES_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practice:competition_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Criterion(models.Model):
    """One "比" item of a competition: its weight in the total and the highest score it can be given."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2, default=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CompetitionPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["competition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "name"],
                name="criterion_name_unique_in_competition",
                violation_error_message=_("The competition already has a criterion of this name."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=MAX_WEIGHT),
                name="criterion_weight_plausible",
                violation_error_message=_("The weight must be above 0 and at most 100."),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gt=0, max_score__lte=MAX_SCORE),
                name="criterion_max_score_plausible",
                violation_error_message=_("The maximum score must be above 0 and at most 1000."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EntryKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("Team")


class CompetitionEntry(models.Model):
    """An entrant of a competition: one cadre, or a team (a name, its members and its 科室)."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind of entry"), max_length=20, choices=EntryKind.choices, default=EntryKind.INDIVIDUAL)
    cadre = models.ForeignKey(
        "roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("team name"), max_length=100, blank=True)
    members = models.ManyToManyField("roster.Cadre", verbose_name=_("members"), blank=True, related_name="+")
    section = models.ForeignKey(
        "roster.Section", verbose_name=_("section"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "roster.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CompetitionPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("competition entry")
        verbose_name_plural = _("competition entries")
        ordering = ["competition", "kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="individual") & Q(cadre__isnull=False)) | (Q(kind="team") & ~Q(name="")),
                name="competition_entry_names_its_entrant",
                violation_error_message=_("An individual entry needs its cadre, a team entry its name."),
            ),
            models.UniqueConstraint(
                fields=["competition", "cadre"],
                condition=Q(kind="individual"),
                name="competition_entry_cadre_once",
                violation_error_message=_("This cadre has already entered the competition."),
            ),
            models.UniqueConstraint(
                fields=["competition", "name"],
                condition=Q(kind="team"),
                name="competition_entry_team_once",
                violation_error_message=_("A team of this name has already entered the competition."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == EntryKind.TEAM:
            return self.name
        return self.name or (str(self.cadre) if self.cadre_id else "")

    def get_absolute_url(self) -> str:
        return reverse("practice:competition_entry_detail", args=[self.pk])


class Score(models.Model):
    """One judge's score of one entry on one criterion; without a judge, the agreed score."""

    entry = models.ForeignKey(
        CompetitionEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the agreed score."),
    )
    value = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["entry", "criterion", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "criterion", "judge"],
                condition=Q(judge__isnull=False),
                name="score_once_per_judge",
                violation_error_message=_("This judge has already scored this entry on this criterion."),
            ),
            models.UniqueConstraint(
                fields=["entry", "criterion"],
                condition=Q(judge__isnull=True),
                name="score_agreed_once",
                violation_error_message=_("This entry already has an agreed score on this criterion."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=MAX_SCORE),
                name="score_in_range",
                violation_error_message=_("A score must be between 0 and the criterion's maximum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} {self.criterion} {self.value}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.criterion_id is not None
            and self.value is not None
            and not (0 <= self.value <= self.criterion.max_score)
        ):
            raise ValidationError(
                {
                    "value": _("A score of %(criterion)s must be between 0 and %(max)s.")
                    % {"criterion": self.criterion.name, "max": f"{self.criterion.max_score.normalize():f}"}
                }
            )


class AwardLevel(models.TextChoices):
    FIRST = "first", _("First prize")  # 一等奖
    SECOND = "second", _("Second prize")  # 二等奖
    THIRD = "third", _("Third prize")  # 三等奖
    MERIT = "merit", _("Prize of merit")  # 优胜奖
    ADVANCED_INDIVIDUAL = "advanced_individual", _("Advanced individual")  # 先进个人
    ADVANCED_COLLECTIVE = "advanced_collective", _("Advanced collective")  # 先进集体
    OTHER = "other", _("Other award")


class AwardMethod(models.TextChoices):
    BY_RANK = "rank", _("By rank")
    MANUAL = "manual", _("By hand")


class Award(models.Model):
    """An award of a competition to an entry: by its rank, or by hand with the reason."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="awards"
    )
    entry = models.ForeignKey(
        CompetitionEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="awards"
    )
    level = models.CharField(_("award"), max_length=30, choices=AwardLevel.choices)
    method = models.CharField(_("given"), max_length=10, choices=AwardMethod.choices, default=AwardMethod.BY_RANK)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded"), auto_now_add=True)

    objects = CompetitionPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["competition", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "entry", "level"],
                name="award_once_per_level",
                violation_error_message=_("This entry already has this award."),
            ),
            models.CheckConstraint(
                condition=Q(method="rank") | ~Q(reason=""),
                name="award_by_hand_has_reason",
                violation_error_message=_("An award given by hand needs its reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition} {self.entry} {self.get_level_display()}"


# --- Evidence -----------------------------------------------------------------------------------------------------


class Evidence(models.Model):
    """A file or a note backing any practice record (a photo of the 报到 card, an appointment letter …)."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record ID"))
    record = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to="practice/%Y/", blank=True)
    note = models.TextField(_("note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="practice_evidence_record")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(note=""),
                name="evidence_has_file_or_note",
                violation_error_message=_("Evidence needs a file or a note."),
            ),
        ]

    def __str__(self) -> str:
        return self.note[:50] or self.file.name


# --- The 学时 counted from practice ---------------------------------------------------------------------------------


class PracticeCredit(models.Model):
    """The 学时 of one practice record in one year for its cadre: the ledger entry (source ``practice``) is
    counted from this row, so a record spanning two years has one entry in each (the ledger counts a source
    once per cadre).  ``days`` are the days of the year the record claimed that no earlier record of the cadre
    had claimed (never twice for the same day).  Kept when its record is deleted (its entry withdrawn, the
    record's pointer emptied, ``title`` remembering it)."""

    cadre = models.ForeignKey("roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    stint = models.ForeignKey(
        Stint, verbose_name=_("deployment"), on_delete=models.SET_NULL, null=True, blank=True, related_name="credits"
    )
    community_report = models.ForeignKey(
        CommunityReport,
        verbose_name=_("community report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credits",
    )
    secondment = models.ForeignKey(
        Secondment,
        verbose_name=_("secondment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credits",
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.SET_NULL, null=True, blank=True, related_name="credits"
    )
    title = models.CharField(_("title"), max_length=200)
    days = models.PositiveIntegerField(_("days counted"), default=0)
    first_day = models.DateField(_("first day counted"), null=True, blank=True)
    last_day = models.DateField(_("last day counted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("practice hours")
        verbose_name_plural = _("practice hours")
        ordering = ["cadre", "year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stint", "year"], condition=Q(stint__isnull=False), name="credit_stint_year"
            ),
            models.UniqueConstraint(
                fields=["community_report", "year"],
                condition=Q(community_report__isnull=False),
                name="credit_community_report_year",
            ),
            models.UniqueConstraint(
                fields=["secondment", "year"], condition=Q(secondment__isnull=False), name="credit_secondment_year"
            ),
            models.UniqueConstraint(
                fields=["visit", "year"], condition=Q(visit__isnull=False), name="credit_visit_year"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The credit's page sends on to its record's (the ledger names the credit, by id alone)."""
        return reverse("practice:credit_detail", args=[self.pk])

    @property
    def record(self):
        return self.stint or self.community_report or self.secondment or self.visit

    @property
    def ledger_title(self) -> str:
        """What a cadre would call it in a self-report (compared to refuse reporting it again)."""
        return self.title
