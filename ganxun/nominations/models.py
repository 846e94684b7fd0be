"""调训 / 推荐: a class a higher unit announces (中青班, 青干班, 党校主体班 …) with a quota per unit and criteria, the
nominations made into it, their review within the quota, the higher unit's confirmation and the result."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.hours.models import OutsideClass
from ganxun.roster.models import Cadre, Rank, Unit, admin_unit_ids


class ClassKind(models.TextChoices):
    MID_YOUNG = "mid_young", _("Mid-career and young cadres' class")
    YOUNG = "young", _("Young cadres' class")
    PARTY_SCHOOL = "party_school", _("Party school main class")
    OTHER = "other", _("Other class")


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Awaiting the unit's review")
    APPROVED = "approved", _("Approved by the unit")
    REJECTED = "rejected", _("Rejected")
    CONFIRMED = "confirmed", _("Confirmed by the higher unit")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Result(models.TextChoices):
    COMPLETED = "completed", pgettext_lazy("nominations", "Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")


# A nomination that holds a place of its unit's quota.
HOLDS_PLACE = (NominationStatus.NOMINATED, NominationStatus.APPROVED, NominationStatus.CONFIRMED)


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def visible_to(self, user) -> ProgrammeQuerySet:
        """An administrator the classes organised by or giving places to a unit they reach; a 科室负责人 the
        classes giving places to their unit or a unit above it; anyone else none (a cadre reads their own
        nominations instead)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            if units is None:
                return self
            reached = Q(organiser_id__in=units) | Q(pk__in=Quota.objects.filter(unit_id__in=units).values("programme"))
            return self.filter(reached)
        if user.is_section_head and user.cadre_id is not None:
            return self.filter(
                pk__in=Quota.objects.filter(unit_id__in=user.cadre.unit.ancestor_ids()).values("programme")
            )
        return self.none()

    def editable_by(self, user) -> ProgrammeQuerySet:
        if not user.is_authenticated or not user.is_active or not user.is_admin:
            return self.none()
        return self.visible_to(user)


class Programme(models.Model):
    """A class announced by a higher unit (中青班, 青干班 …): dates, 学时, the criteria it sets, a quota per unit."""

    title = models.CharField(_("class name"), max_length=200)
    kind = models.CharField(_("kind of class"), max_length=20, choices=ClassKind.choices, default=ClassKind.OTHER)
    organiser = models.ForeignKey(
        Unit,
        verbose_name=_("announced by"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The higher unit that announces the class, e.g. the district organisation department."),
    )
    notice_number = models.CharField(_("notice number"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, default=Decimal("0"))
    deadline = models.DateField(_("nominations close"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("age at most"), null=True, blank=True)
    min_rank = models.CharField(_("rank at least"), max_length=30, choices=Rank.choices, blank=True)
    min_years_in_rank = models.PositiveSmallIntegerField(_("years in rank at least"), null=True, blank=True)
    party_member_required = models.BooleanField(_("party members only"), default=False)
    note = models.TextField(_("note"), blank=True)
    outside_class = models.OneToOneField(
        OutsideClass,
        verbose_name=_("outside class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("Where those who completed the class count its hours (made on the first completion)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination class")
        verbose_name_plural = _("nomination classes")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="programme_ends_after_start",
                violation_error_message=_("The end date cannot come before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=3000),
                name="programme_hours_in_range",
                violation_error_message=_("Hours must be between 0 and 3000."),
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__gte=18, max_age__lte=70),
                name="programme_max_age_sane",
                violation_error_message=_("The age limit must be between 18 and 70."),
            ),
            models.CheckConstraint(
                condition=Q(min_years_in_rank__isnull=True) | Q(min_years_in_rank__lte=40),
                name="programme_years_in_rank_sane",
                violation_error_message=_("Years in rank can be at most 40."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("nominations:programme_detail", args=[self.pk])

    @property
    def has_criteria(self) -> bool:
        return bool(
            self.max_age is not None
            or self.min_rank
            or self.min_years_in_rank is not None
            or self.party_member_required
        )


class Quota(models.Model):
    """The places a unit has in a class; its row is locked while a place is taken, so two at once never exceed it."""

    programme = models.ForeignKey(Programme, verbose_name=_("class"), on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    places = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "unit"],
                name="quota_one_per_unit",
                violation_error_message=_("This unit already has a quota in this class."),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1, places__lte=1000),
                name="quota_places_sane",
                violation_error_message=_("Places must be between 1 and 1000."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.places}"


class NominationQuerySet(models.QuerySet["Nomination"]):
    def visible_to(self, user) -> NominationQuerySet:
        """An administrator the nominations of the cadres of units they reach, or into a class their unit
        organises; a 科室负责人 their 科室's; a cadre their own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            if units is None:
                return self
            return self.filter(Q(unit_id__in=units) | Q(programme__organiser_id__in=units))
        if user.is_section_head and user.section_id_scope is not None:
            return self.filter(Q(section_id=user.section_id_scope) | Q(cadre_id=user.cadre_id))
        if user.cadre_id is not None:
            return self.filter(cadre_id=user.cadre_id)
        return self.none()

    def holding_places(self) -> NominationQuerySet:
        return self.filter(status__in=HOLDS_PLACE)


class Nomination(models.Model):
    """A cadre nominated into a class, counted against the quota of their unit (or the nearest above it)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("class"), on_delete=models.PROTECT, related_name="nominations"
    )
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="nominations")
    quota = models.ForeignKey(Quota, verbose_name=_("quota"), on_delete=models.PROTECT, related_name="nominations")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey("roster.Section", verbose_name=_("section"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason for the nomination"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=NominationStatus.choices, default=NominationStatus.NOMINATED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    nominated_at = models.DateTimeField(_("nominated"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirm_document = models.CharField(_("call-up notice number"), max_length=100, blank=True)
    confirm_date = models.DateField(_("call-up notice date"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    score = models.CharField(_("score"), max_length=30, blank=True)
    certificate = models.FileField(_("certificate"), upload_to="nominations/certificates/%Y/", blank=True)
    result_note = models.CharField(_("note on the result"), max_length=200, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdraw_reason = models.CharField(_("why it was withdrawn"), max_length=300, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["programme", "unit__path", "nominated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "cadre"],
                condition=~Q(status__in=("rejected", "withdrawn")),
                name="nomination_one_live_per_cadre",
                violation_error_message=_("This cadre is already nominated for this class."),
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(status="confirmed"),
                name="nomination_result_only_when_confirmed",
                violation_error_message=_("A result can only be recorded for a confirmed nomination."),
            ),
        ]
        indexes = [models.Index(fields=["quota", "status"])]

    def __str__(self) -> str:
        return f"{self.programme} · {self.cadre_id}"

    def get_absolute_url(self) -> str:
        return reverse("nominations:nomination_detail", args=[self.pk])

    @property
    def certificate_name(self) -> str:
        return self.certificate.name.rsplit("/", 1)[-1] if self.certificate else ""


class PlanItemLink(models.Model):
    """A class carrying out an item (of type 调训) of a unit's annual plan: one item per class and unit.  The plan
    page counts the unit's confirmed and completed nominations in it (``plans.hooks.nomination_execution``)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("class"), on_delete=models.CASCADE, related_name="plan_links"
    )
    item = models.ForeignKey(
        "plans.PlanItem", verbose_name=_("plan item"), on_delete=models.CASCADE, related_name="nomination_links"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("class carrying out a plan item")
        verbose_name_plural = _("classes carrying out plan items")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "unit"],
                name="programme_one_plan_item_per_unit",
                violation_error_message=_("The class already carries out an item of this unit's plan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} → {self.item}"
