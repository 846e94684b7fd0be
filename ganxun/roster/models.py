"""The roster: 科室, cadres and the tags admins put on them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .idcard import mask_id_number, mask_phone, validate_id_number


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Rank(models.TextChoices):
    """公务员职级序列, highest first."""

    INSPECTOR_1 = "inspector_1", _("First-grade inspector")
    INSPECTOR_2 = "inspector_2", _("Second-grade inspector")
    RESEARCHER_1 = "researcher_1", _("First-grade researcher")
    RESEARCHER_2 = "researcher_2", _("Second-grade researcher")
    RESEARCHER_3 = "researcher_3", _("Third-grade researcher")
    RESEARCHER_4 = "researcher_4", _("Fourth-grade researcher")
    PRINCIPAL_CLERK_1 = "principal_clerk_1", _("First-grade principal staff member")
    PRINCIPAL_CLERK_2 = "principal_clerk_2", _("Second-grade principal staff member")
    PRINCIPAL_CLERK_3 = "principal_clerk_3", _("Third-grade principal staff member")
    PRINCIPAL_CLERK_4 = "principal_clerk_4", _("Fourth-grade principal staff member")
    CLERK_1 = "clerk_1", _("First-grade staff member")
    CLERK_2 = "clerk_2", _("Second-grade staff member")


class LeadershipLevel(models.TextChoices):
    """领导职务层次."""

    DIVISION_CHIEF = "division_chief", _("Division chief")
    DEPUTY_DIVISION_CHIEF = "deputy_division_chief", _("Deputy division chief")
    SECTION_CHIEF = "section_chief", _("Section chief")
    DEPUTY_SECTION_CHIEF = "deputy_section_chief", _("Deputy section chief")


class Tier(models.TextChoices):
    """The two categories the hour rules are set for."""

    COUNTY_DIVISION = "county_division", _("County/division level and above")
    TOWNSHIP_SECTION = "township_section", _("Township/section level and below")


# 四级调研员 and above count as 县处级以上.
COUNTY_DIVISION_RANKS = frozenset(
    {
        Rank.INSPECTOR_1,
        Rank.INSPECTOR_2,
        Rank.RESEARCHER_1,
        Rank.RESEARCHER_2,
        Rank.RESEARCHER_3,
        Rank.RESEARCHER_4,
    }
)
COUNTY_DIVISION_LEADERSHIP = frozenset({LeadershipLevel.DIVISION_CHIEF, LeadershipLevel.DEPUTY_DIVISION_CHIEF})
SECTION_LEADERSHIP = frozenset({LeadershipLevel.SECTION_CHIEF, LeadershipLevel.DEPUTY_SECTION_CHIEF})


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    CYL_MEMBER = "cyl_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Democratic party member")
    NON_PARTISAN = "non_partisan", _("Non-partisan personage")
    MASSES = "masses", _("Ordinary citizen")


class DemocraticParty(models.TextChoices):
    """The eight democratic parties; a member's 政治面貌 is 民主党派 and this says which."""

    RCCK = "rcck", _("Revolutionary Committee of the Chinese Kuomintang")
    CDL = "cdl", _("China Democratic League")
    CNDCA = "cndca", _("China National Democratic Construction Association")
    CAPD = "capd", _("China Association for Promoting Democracy")
    CPWDP = "cpwdp", _("Chinese Peasants' and Workers' Democratic Party")
    CZGP = "czgp", _("China Zhi Gong Party")
    JIUSAN = "jiusan", _("Jiusan Society")
    TDSL = "tdsl", _("Taiwan Democratic Self-Government League")


PARTY_MEMBER_STATUSES = frozenset({PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY})


class Status(models.TextChoices):
    ACTIVE = "active", _("In post")
    TRANSFERRED = "transferred", _("Transferred out")
    RETIRED = "retired", _("Retired")
    RESIGNED = "resigned", _("Resigned")
    DECEASED = "deceased", _("Deceased")


class UnitKind(models.TextChoices):
    """What kind of body a 单位 is: an organisation department runs the units below it."""

    ORGANISATION_DEPARTMENT = "organisation_department", _("Organisation department")
    BUREAU = "bureau", _("Bureau or commission")
    SUB_DISTRICT = "sub_district", _("Sub-district or town")
    INSTITUTION = "institution", _("Public institution")
    OTHER = "other", _("Other unit")


HOME_UNIT_CODE = "HOME"
HOME_UNIT_NAME = "本单位"


def home_unit_id() -> int:
    """The default unit for a 科室 created without one: the first top-level unit, made on first use.

    A single bureau never has to think about units; a district names the unit of every 科室 it creates.
    """
    root = Unit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").values_list("pk", flat=True).first()
    if root is not None:
        return root
    # Stored data, not interface text: the Chinese name whatever language is active (a migration, which fills
    # this default for the rows it rewrites, runs without one and would otherwise store "This unit").
    unit = Unit.objects.create(name=HOME_UNIT_NAME, code=HOME_UNIT_CODE)
    Unit.objects.filter(pk=unit.pk).update(path=f"/{unit.pk}/")
    return unit.pk


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        """The unit and every unit below it (its path is a prefix of theirs)."""
        if not unit.path:  # a unit not yet placed in the tree reaches only itself
            return self.filter(pk=unit.pk)
        return self.filter(path__startswith=unit.path)

    def visible_to(self, user) -> UnitQuerySet:
        """The units a user may see: an account's own unit and its subtree; a system account without one, all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        unit = user.unit_scope
        if unit is None:
            return self if user.is_system_admin else self.none()
        return self.subtree(unit)

    def editable_by(self, user) -> UnitQuerySet:
        """The units an administrator may edit: all for a system administrator of the whole system, else the
        units strictly below their own (their own unit is edited from above, so nobody moves themself out)."""
        if not user.is_authenticated or not user.is_active or not user.is_admin:
            return self.none()
        unit = user.unit_scope
        if unit is None:
            return self if user.is_system_admin else self.none()
        return self.subtree(unit).exclude(pk=unit.pk)


def admin_unit_ids(user) -> models.QuerySet | None:
    """For an administrator: the primary keys of the units their role reaches, as a subquery; ``None`` when it
    reaches everything (a system administrator without a unit).  A training administrator without a unit
    reaches nothing."""
    unit = user.unit
    if unit is None:
        return None if user.is_system_admin else Unit.objects.none().values("pk")
    return Unit.objects.subtree(unit).values("pk")


class UnitRowsQuerySet(models.QuerySet):
    """Rows kept per unit (a ``unit`` foreign key) that a unit's people all read: a 现场教学点, a reception turn."""

    def visible_to(self, user) -> UnitRowsQuerySet:
        """Everyone signed in reads their own unit's rows; an administrator those of the units they reach."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        unit = user.cadre.unit_id if user.cadre_id else None
        return self.filter(unit_id=unit) if unit else self.none()


class Unit(models.Model):
    """A 单位 in the tree of units (市委组织部 → 区委组织部 → 区房管局 …); its 科室 and cadres belong to it.

    ``path`` is the chain of primary keys from the root, "/1/4/9/", so a subtree is one indexed prefix match;
    the services keep it (``roster.services.unit_create`` / ``unit_update``).
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("short code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", _("Use letters, digits, - or _ only."))],
        help_text=_("Letters and digits, e.g. QFGJ; used by commands and exports."),
    )
    kind = models.CharField(_("kind of unit"), max_length=30, choices=UnitKind.choices, default=UnitKind.BUREAU)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="unit_name_unique_under_parent",
                violation_error_message=_("A unit of this name already exists under the same parent."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="unit_root_name_unique",
                violation_error_message=_("A top-level unit of this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """A new unit gets its path and depth under its parent; moving one is ``roster.services.unit_update``'s."""
        super().save(*args, **kwargs)
        if not self.path:
            parent_path = Unit.objects.values_list("path", flat=True).get(pk=self.parent_id) if self.parent_id else "/"
            self.path = f"{parent_path or '/'}{self.pk}/"
            self.depth = self.path.count("/") - 2
            Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    def ancestor_ids(self) -> list[int]:
        """The primary keys from the root down to this unit (itself last)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or lies below it."""
        return bool(other.path) and self.path.startswith(other.path)


class DerivedGroup(models.TextChoices):
    """Groups computed from the roster fields, never stored."""

    LEADER = "leader", _("Leading cadres")
    SECTION_HEAD = "section_head", _("Section heads")
    NEW_RECRUIT = "new_recruit", _("New recruits")
    YOUNG = "young", _("Young cadres")
    PARTY_MEMBER = "party_member", _("Party members")
    LEAGUE_MEMBER = "league_member", _("League members")


class SectionQuerySet(models.QuerySet["Section"]):
    def visible_to(self, user) -> SectionQuerySet:
        """The 科室 a user may see: an admin those of the units their role reaches, everyone else their own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        if user.cadre_id is None:
            return self.none()
        # A subquery, not a join on cadres: a join would also narrow any later Count("cadres") to this one cadre.
        return self.filter(pk__in=Cadre.objects.filter(pk=user.cadre_id).values("section_id"))

    def editable_by(self, user) -> SectionQuerySet:
        """The 科室 whose cadres a user may create or edit (and, for an admin, which they may edit)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        if user.is_section_head:
            return self.filter(pk=user.section_id_scope)
        return self.none()


class Section(models.Model):
    """A 科室 of a unit; its name is unique within the unit."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="sections", default=home_unit_id
    )
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="section_name_unique_in_unit",
                violation_error_message=_("A section of this name already exists in the unit."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("roster:section_detail", args=[self.pk])

    def clean(self) -> None:
        # The constraint's own message would be a form-wide one: this one names the field.
        if self.unit_id and Section.objects.filter(unit_id=self.unit_id, name=self.name).exclude(pk=self.pk).exists():
            from django.core.exceptions import ValidationError

            raise ValidationError({"name": _("A section of this name already exists in the unit.")})


class Tag(models.Model):
    """An admin-defined label: 业务骨干, 党务干部, 内训师, 应急支援队 …"""

    name = models.CharField(_("name"), max_length=30, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def young_cadre_max_age() -> int:
    return int(settings.GANXUN["YOUNG_CADRE_MAX_AGE"])


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 Feb falls back to 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class CadreQuerySet(models.QuerySet["Cadre"]):
    def visible_to(self, user, *, during: tuple[dt.date, dt.date] | None = None) -> CadreQuerySet:
        """The one chokepoint: an admin the cadres of the units their role reaches (a system administrator
        without a unit: all), a section head their 科室, a cadre only themself.

        ``during`` (first and last day) widens the view to the cadres who served in those units (for a section
        head, in their 科室) at any time in the span, wherever they are now: a year's figures list who belonged
        then.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            if units is None:
                return self
            if during is None:
                return self.filter(unit_id__in=units)
            served = CadrePeriod.objects.overlapping(*during).filter(unit_id__in=units).values("cadre_id")
            return self.filter(Q(unit_id__in=units) | Q(pk__in=served))
        if user.is_section_head and user.section_id_scope is not None:
            if during is None:
                return self.filter(section_id=user.section_id_scope)
            served = CadrePeriod.objects.overlapping(*during).filter(section_id=user.section_id_scope)
            return self.filter(Q(section_id=user.section_id_scope) | Q(pk__in=served.values("cadre_id")))
        if user.cadre_id is not None:
            return self.filter(pk=user.cadre_id)
        return self.none()

    def editable_by(self, user) -> CadreQuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        if user.is_section_head and user.section_id_scope is not None:
            return self.filter(section_id=user.section_id_scope)
        return self.none()

    def active(self) -> CadreQuerySet:
        return self.filter(status=Status.ACTIVE)

    def in_tier(self, tier: str) -> CadreQuerySet:
        county = Q(rank__in=COUNTY_DIVISION_RANKS) | Q(leadership_level__in=COUNTY_DIVISION_LEADERSHIP)
        return self.filter(county) if tier == Tier.COUNTY_DIVISION else self.exclude(county)

    def in_group(self, group: str, on: dt.date | None = None) -> CadreQuerySet:
        """Cadres in a derived group on a given day (today by default)."""
        on = on or timezone.localdate()
        match group:
            case DerivedGroup.LEADER:
                return self.filter(leadership_level__in=COUNTY_DIVISION_LEADERSHIP)
            case DerivedGroup.SECTION_HEAD:
                return self.filter(leadership_level__in=SECTION_LEADERSHIP)
            case DerivedGroup.NEW_RECRUIT:
                return self.filter(hire_date__lte=on, probation_end__gte=on)
            case DerivedGroup.YOUNG:
                return self.filter(birth_date__gt=years_before(on, young_cadre_max_age() + 1))
            case DerivedGroup.PARTY_MEMBER:
                return self.filter(political_status__in=PARTY_MEMBER_STATUSES)
            case DerivedGroup.LEAGUE_MEMBER:
                return self.filter(political_status=PoliticalStatus.CYL_MEMBER)
        raise ValueError(f"unknown group {group!r}")

    def search(self, text: str) -> CadreQuerySet:
        """Name, pinyin initials or the last digits of the ID number."""
        text = text.strip()
        if not text:
            return self
        query = Q(name__icontains=text)
        if text.isascii() and text.isalpha():
            query |= Q(name_initials__startswith=text.lower())
        if text.isascii() and len(text) >= 4 and text[:-1].isdigit():
            query |= Q(id_number__endswith=text.upper())
        return self.filter(query)


# The dates of a cadre's record lie between these: nobody on the roster was born before 1900, and a hire
# (or rank) date may be entered ahead of the day, but not by years: 9999-01-01 is a typing mistake.
EARLIEST_DATE = dt.date(1900, 1, 1)
DAYS_AHEAD = {"work_start_date": 366, "hire_date": 366, "rank_date": 366, "probation_end": 2 * 366}


def dated_out_of_range(cadre: Cadre) -> dict[str, str]:
    """{field: message} for the dates of a cadre that lie outside what a record can hold."""
    today = timezone.localdate()
    errors = {}
    if cadre.birth_date and not (EARLIEST_DATE <= cadre.birth_date <= today):
        errors["birth_date"] = _("Enter a birth date between %(earliest)s and today.") % {
            "earliest": EARLIEST_DATE.isoformat()
        }
    for name, days in DAYS_AHEAD.items():
        if name == "probation_end" and "hire_date" in errors:
            continue  # worked out from the hire date unless typed: the hire date is what to correct
        value = getattr(cadre, name)
        latest = today + dt.timedelta(days=days)
        if value and not (EARLIEST_DATE <= value <= latest):
            errors[name] = _("Enter a date between %(earliest)s and %(latest)s.") % {
                "earliest": EARLIEST_DATE.isoformat(),
                "latest": latest.isoformat(),
            }
    return errors


class Cadre(models.Model):
    """A member of staff; never deleted: leaving the bureau is a status, and history stays."""

    name = models.CharField(_("full name"), max_length=30)
    name_initials = models.CharField(_("pinyin initials"), max_length=30, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    id_number = models.CharField(_("ID number"), max_length=18, unique=True, validators=[validate_id_number])
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # Always the 科室's unit (kept by save()): a unit's cadres are one indexed filter, without a join.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadres", blank=True, editable=False
    )
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="cadres")
    post = models.CharField(_("post"), max_length=50, blank=True, help_text=_("e.g. section chief, staff member"))
    rank = models.CharField(_("rank"), max_length=30, choices=Rank.choices, blank=True)
    leadership_level = models.CharField(
        _("leadership post level"), max_length=30, choices=LeadershipLevel.choices, blank=True
    )
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    democratic_party = models.CharField(
        _("democratic party"), max_length=10, choices=DemocraticParty.choices, blank=True
    )
    party_branch = models.CharField(_("party branch"), max_length=50, blank=True)
    work_start_date = models.DateField(_("date started work"), null=True, blank=True)
    hire_date = models.DateField(_("date hired"), null=True, blank=True)
    probation_end = models.DateField(_("probation ends"), null=True, blank=True)
    rank_date = models.DateField(_("date of current rank"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="cadres")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["section__sort_order", "section__name", "name", "pk"]
        indexes = [
            models.Index(fields=["section", "status"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probation_end__isnull=True)
                | Q(hire_date__isnull=True)
                | Q(probation_end__gte=models.F("hire_date")),
                name="cadre_probation_after_hire",
                violation_error_message=_("The probation cannot end before the hire date."),
            ),
            models.CheckConstraint(
                condition=Q(democratic_party="") | Q(political_status=PoliticalStatus.DEMOCRATIC_PARTY),
                name="cadre_democratic_party_member",
                violation_error_message=_("A democratic party can be given only for a member of a democratic party."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Keep ``unit`` the 科室's unit; a new cadre gets its first period of service (任职经历)."""
        if self.section_id is not None and (self.unit_id is None or self.unit_id != self.section.unit_id):
            self.unit_id = self.section.unit_id
            if kwargs.get("update_fields") is not None and "section" in kwargs["update_fields"]:
                kwargs["update_fields"] = {*kwargs["update_fields"], "unit"}
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            CadrePeriod.objects.create(
                cadre=self,
                valid_from=self.hire_date or self.work_start_date or EARLIEST_DATE,
                **self.period_facts(),
            )

    def get_absolute_url(self) -> str:
        return reverse("roster:cadre_detail", args=[self.pk])

    def period_facts(self) -> dict:
        """The columns a period of service keeps, as this record holds them now."""
        return {name: getattr(self, name) for name in PERIOD_FIELDS}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .idcard import birth_date_of, gender_of

        if self.section_id is not None:
            self.unit_id = self.section.unit_id
        errors = dated_out_of_range(self)
        if self.id_number and len(self.id_number) == 18:
            born = birth_date_of(self.id_number)
            if born and self.birth_date and born != self.birth_date:
                errors["birth_date"] = _("The birth date does not match the ID number (%(date)s).") % {
                    "date": born.isoformat()
                }
            if self.gender and born and gender_of(self.id_number) != self.gender:
                errors["gender"] = _("The gender does not match the ID number.")
        if errors:
            raise ValidationError(errors)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def tier(self) -> str:
        return tier_of(self.rank, self.leadership_level)

    def get_tier_display(self) -> str:
        return str(Tier(self.tier).label)

    def age_on(self, day: dt.date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def groups_on(self, on: dt.date | None = None) -> list[str]:
        """The derived groups this cadre falls in, as DerivedGroup values (mirrors in_group)."""
        on = on or timezone.localdate()
        groups = []
        if self.leadership_level in COUNTY_DIVISION_LEADERSHIP:
            groups.append(DerivedGroup.LEADER)
        if self.leadership_level in SECTION_LEADERSHIP:
            groups.append(DerivedGroup.SECTION_HEAD)
        if self.hire_date and self.probation_end and self.hire_date <= on <= self.probation_end:
            groups.append(DerivedGroup.NEW_RECRUIT)
        if self.age_on(on) <= young_cadre_max_age():
            groups.append(DerivedGroup.YOUNG)
        if self.political_status in PARTY_MEMBER_STATUSES:
            groups.append(DerivedGroup.PARTY_MEMBER)
        if self.political_status == PoliticalStatus.CYL_MEMBER:
            groups.append(DerivedGroup.LEAGUE_MEMBER)
        return groups

    def get_groups_display(self, on: dt.date | None = None) -> list[str]:
        return [str(DerivedGroup(g).label) for g in self.groups_on(on)]


# The columns of a cadre kept as dated periods; the cadre's own columns hold the latest period's values.
PERIOD_FIELDS = ("unit_id", "section_id", "post", "rank", "leadership_level", "status")


def tier_of(rank: str, leadership_level: str) -> str:
    """The tier a rank and a leadership post level put a cadre in (either may be empty)."""
    if rank in COUNTY_DIVISION_RANKS or leadership_level in COUNTY_DIVISION_LEADERSHIP:
        return Tier.COUNTY_DIVISION
    return Tier.TOWNSHIP_SECTION


class CadrePeriodQuerySet(models.QuerySet["CadrePeriod"]):
    def on(self, day: dt.date) -> CadrePeriodQuerySet:
        """The periods in force on a day (at most one per cadre)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day)

    def overlapping(self, start: dt.date, end: dt.date) -> CadrePeriodQuerySet:
        """The periods in force on any day from ``start`` to ``end`` inclusive."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start), valid_from__lte=end)


class CadrePeriod(models.Model):
    """A dated period of a cadre's record (任职经历): the facts in force from ``valid_from`` until ``valid_to``.

    ``valid_to`` is the first day of the next period (exclusive), empty for the period in force today; the
    cadre's own columns repeat the latest period. Only ``roster.services`` writes periods.
    """

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="periods")
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("post"), max_length=50, blank=True)
    rank = models.CharField(_("rank"), max_length=30, choices=Rank.choices, blank=True)
    leadership_level = models.CharField(
        _("leadership post level"), max_length=30, choices=LeadershipLevel.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    note = models.CharField(_("reason for the change"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CadrePeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("period of service")
        verbose_name_plural = _("periods of service")
        ordering = ["cadre", "valid_from"]
        indexes = [
            models.Index(fields=["valid_from", "valid_to"]),
            models.Index(fields=["unit", "valid_from"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "valid_from"],
                name="cadre_period_one_per_day",
                violation_error_message=_("The cadre already has a change taking effect on this date."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="cadre_period_ends_after_start",
                violation_error_message=_("A period must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.valid_from}–{self.valid_to or ''}"

    @property
    def tier(self) -> str:
        return tier_of(self.rank, self.leadership_level)

    def get_tier_display(self) -> str:
        return str(Tier(self.tier).label)
