"""The professional classroom's 年度干教计划: a plan per unit and year, its items, its approval and its versions.

Who does what (decided here, read by the services and views):

- The unit's administrators (培训管理员 whose role reaches the unit, or a 系统管理员 of the whole system) draft the
  plan, edit its items, submit it and link activities to its items.
- "The unit's leader role" that approves is a 领导干部 of the plan's unit: an account whose cadre holds a 县处级
  领导职务 in that unit now (``ganxun.study.models.is_leader``, the notion the 中心组 archive uses).  A leader reads
  the plan and approves or returns it; the one who submitted may not approve their own submission.  The system
  (``actor=None``: the demo, a command) may do everything.
- After approval the plan is fixed: any change to its items is a revision, numbered (version 1 is the approved
  plan, 2 the first revision …) and stored with its reason and a snapshot of the items after it.

Execution is matched, not typed: ``PlanLink`` ties an activity of ``training`` to the item it carries out; what
was done is read from the activity's sessions (``training``) and who came (``attendance``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ganxun.hours.models import EARLIEST_DATE, LATEST_DATE
from ganxun.roster.models import DerivedGroup, admin_unit_ids
from ganxun.study.models import is_leader
from ganxun.training.models import Classroom

MAX_ITEMS = 200
MAX_SESSIONS = 500
MAX_HOURS = Decimal(10000)
MAX_BUDGET = Decimal("100000000")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")


def is_plan_leader(user, unit_id: int) -> bool:
    """A 领导干部 of the unit (its leader role): approves the unit's plan."""
    return is_leader(user) and user.cadre.unit_id == unit_id


class TrainingPlanQuerySet(models.QuerySet["TrainingPlan"]):
    def visible_to(self, user) -> TrainingPlanQuerySet:
        """Administrators read the plans of the units they reach; a 领导干部 their unit's; anyone else none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        if is_leader(user):
            return self.filter(unit_id=user.cadre.unit_id)
        return self.none()

    def editable_by(self, user) -> TrainingPlanQuerySet:
        """Administrators keep the plans of the units they reach."""
        if not user.is_authenticated or not user.is_active or not user.is_admin:
            return self.none()
        units = admin_unit_ids(user)
        return self if units is None else self.filter(unit_id__in=units)


class TrainingPlan(models.Model):
    """A unit's annual training plan (年度干教计划): drafted, submitted, approved by the unit's leader, then fixed;
    changed after approval only by a revision with a reason (see the module's docstring for who does what)."""

    unit = models.ForeignKey("roster.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(EARLIEST_DATE.year), MaxValueValidator(LATEST_DATE.year)]
    )
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # 0 until approved; the approved plan is version 1, each revision after it one more.
    version = models.PositiveIntegerField(_("version"), default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = TrainingPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="training_plan_once_per_unit_and_year",
                violation_error_message=_("This unit already has a training plan for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=EARLIEST_DATE.year, year__lte=LATEST_DATE.year),
                name="training_plan_year_in_sane_range",
                violation_error_message=_("The year must be between 1950 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])

    @property
    def is_fixed(self) -> bool:
        return self.status == PlanStatus.APPROVED


def month_text(months: list[int]) -> str:
    """The planned months in words: 3、9月, 4—6月, 全年."""
    months = sorted(set(months))
    if len(months) == 12:
        return "全年"
    runs: list[list[int]] = []
    for month in months:
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    parts = [f"{r[0]}—{r[-1]}" if len(r) >= 3 else "、".join(map(str, r)) for r in runs]
    return "、".join(parts) + "月" if parts else ""


def _months_error(months) -> str | None:
    if not isinstance(months, list) or not months:
        return str(_("Planned months: choose at least one month."))
    if any(not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 12 for m in months):
        return str(_("Planned months: each must be a month from 1 to 12."))
    return None


class PlanItem(models.Model):
    """One item of the plan: a type (an activity kind of the professional classroom), its audience as enrolment
    defines it (everyone / 科室 / groups / tags), the month(s), sessions and 学时 planned, the 科室 responsible and a
    budget if any."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("training plan"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(MAX_ITEMS)]
    )
    kind = models.ForeignKey(
        "training.ActivityKind", verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("content"), max_length=200)
    everyone = models.BooleanField(_("everyone"), default=False)
    sections = models.ManyToManyField("roster.Section", verbose_name=_("sections"), blank=True, related_name="+")
    groups = models.JSONField(_("groups"), default=list, blank=True)
    tags = models.ManyToManyField("roster.Tag", verbose_name=_("tags"), blank=True, related_name="+")
    audience_note = models.CharField(_("audience in words"), max_length=200, blank=True)
    months = models.JSONField(_("planned months"), default=list)
    sessions = models.PositiveSmallIntegerField(
        _("planned sessions"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SESSIONS)]
    )
    hours = models.DecimalField(
        _("planned hours"),
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_HOURS)],
    )
    section = models.ForeignKey(
        "roster.Section",
        verbose_name=_("section responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    budget = models.DecimalField(
        _("budget (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_BUDGET)],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="plan_item_number_once",
                violation_error_message=_("The plan already has an item with this number."),
            ),
            models.CheckConstraint(
                condition=Q(sessions__gte=1, sessions__lte=MAX_SESSIONS),
                name="plan_item_sessions_in_range",
                violation_error_message=_("Planned sessions must be between 1 and 500."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=Decimal("0.5"), hours__lte=MAX_HOURS),
                name="plan_item_hours_in_range",
                violation_error_message=_("Planned hours must be between 0.5 and 10000."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0, budget__lte=MAX_BUDGET),
                name="plan_item_budget_in_range",
                violation_error_message=_("The budget must be between 0 and 100000000 yuan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def clean(self) -> None:
        """Months from 1 to 12, known groups, a type of the professional classroom, a 科室 of the plan's unit."""
        errors: dict[str, str] = {}
        if message := _months_error(self.months):
            errors["months"] = message
        else:
            self.months = sorted(set(self.months))
        taken = PlanItem.objects.filter(plan_id=self.plan_id, number=self.number).exclude(pk=self.pk)
        if self.plan_id is not None and self.number and taken.exists():
            errors["number"] = str(_("Number: the plan already has an item with this number."))
        if not isinstance(self.groups, list) or any(g not in DerivedGroup.values for g in self.groups):
            errors["groups"] = str(_("Groups: unknown group."))
        if self.kind_id is not None and self.kind.classroom != Classroom.PROFESSIONAL:
            errors["kind"] = str(_("Type: choose a kind of the professional classroom."))
        if self.section_id is not None and self.plan_id is not None and self.section.unit_id != self.plan.unit_id:
            errors["section"] = str(_("Section responsible: choose a section of the plan's unit."))
        if errors:
            raise ValidationError(errors)

    @property
    def month_text(self) -> str:
        """3、9月; runs of three or more months as 4—6月; every month as 全年."""
        return month_text(self.months)


class PlanLink(models.Model):
    """An activity carrying out a plan item: each activity carries out at most one item."""

    activity = models.OneToOneField(
        "training.Activity", verbose_name=_("activity"), on_delete=models.CASCADE, related_name="plan_link"
    )
    item = models.ForeignKey(PlanItem, verbose_name=_("plan item"), on_delete=models.PROTECT, related_name="links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan link")
        verbose_name_plural = _("plan links")
        ordering = ["item_id", "pk"]

    def __str__(self) -> str:
        return f"{self.activity} → {self.item}"


class PlanRevision(models.Model):
    """One version of an approved plan: version 1 the approval, each later one a change with its reason, and the
    items as they stood after it."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("training plan"), on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField(_("version"))
    reason = models.CharField(_("reason for the change"), max_length=300)
    summary = models.CharField(_("what changed"), max_length=500, blank=True)
    items = models.JSONField(_("items"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "version"],
                name="plan_revision_once_per_version",
                violation_error_message=_("This version of the plan exists already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.version}"
