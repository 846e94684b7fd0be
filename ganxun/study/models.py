"""The leadership's study record: leaders' own study (领导干部平时自学) and each year's 中心组学习 plan of topics.

The register of a 党委会/中心组 sitting (主持, 主讲, 中心发言, 记录人, 补学, 纪要) is ``training.Session``'s, who came is
attendance's; this app reads them for the year's archive and keeps only what they do not hold.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ganxun.hours.models import EARLIEST_DATE, LATEST_DATE, date_range_error
from ganxun.roster.models import COUNTY_DIVISION_LEADERSHIP, Cadre, admin_unit_ids

# One record of self-study: at most this many pages, this many hours (a year of reading is several records).
MAX_PAGES = 10000
MAX_HOURS = Decimal(500)
MAX_TOPICS = 50


def is_leader(user) -> bool:
    """A signed-in account whose cadre is a 领导干部 (县处级领导职务) now; costs no query (the backend reads the cadre)."""
    cadre = getattr(user, "cadre", None) if user.is_authenticated and user.is_active else None
    return cadre is not None and cadre.leadership_level in COUNTY_DIVISION_LEADERSHIP


def may_read_archive(user) -> bool:
    """Administrators and 领导干部 read the study archive; 科室负责人 and cadres do not (it is the leadership's)."""
    return user.is_authenticated and user.is_active and (user.is_admin or is_leader(user))


class MaterialKind(models.TextChoices):
    BOOK = "book", _("Book")
    DOCUMENT = "document", _("Document")
    ARTICLE = "article", _("Article")
    SPEECH = "speech", _("Speech")
    OTHER = "other", _("Other")


class SelfStudyQuerySet(models.QuerySet["SelfStudy"]):
    def visible_to(self, user) -> SelfStudyQuerySet:
        """An administrator sees the records of the cadres of the units their role reaches, a 领导干部 their own;
        anyone else nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(cadre__unit_id__in=units)
        if is_leader(user):
            return self.filter(cadre_id=user.cadre_id)
        return self.none()

    def editable_by(self, user) -> SelfStudyQuerySet:
        """The same rows: whoever may read one may correct or delete it."""
        return self.visible_to(user)


class SelfStudy(models.Model):
    """One piece of a leader's own study: a book or document read on a day or over a period, with notes."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="self_studies")
    start_date = models.DateField(_("date"))
    end_date = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty when studied on one day."))
    material = models.CharField(_("material"), max_length=20, choices=MaterialKind.choices, default=MaterialKind.BOOK)
    title = models.CharField(_("title"), max_length=200)
    author = models.CharField(_("author or issuer"), max_length=100, blank=True)
    pages = models.PositiveIntegerField(
        _("pages"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_PAGES)]
    )
    hours = models.DecimalField(
        _("hours spent"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_HOURS)],
    )
    notes = models.TextField(_("study notes"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="study/self/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    objects = SelfStudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-study record")
        verbose_name_plural = _("self-study records")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["cadre", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="self_study_ends_after_start",
                violation_error_message=_("The end of the period must not be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__gte=EARLIEST_DATE, start_date__lte=LATEST_DATE),
                name="self_study_date_in_sane_range",
                violation_error_message=_("The date must be between 1950-01-01 and 2100-12-31."),
            ),
            models.CheckConstraint(
                condition=Q(pages__isnull=True) | Q(pages__gte=1, pages__lte=MAX_PAGES),
                name="self_study_pages_in_range",
                violation_error_message=_("Pages must be between 1 and 10000."),
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=Decimal("0.5"), hours__lte=MAX_HOURS),
                name="self_study_hours_in_range",
                violation_error_message=_("Hours must be between 0.5 and 500."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} 《{self.title}》" if self.material == MaterialKind.BOOK else f"{self.cadre} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("study:self_study_update", args=[self.pk])

    def clean(self) -> None:
        """Dates within the sane range, a period that does not run backwards, a 领导干部, pages or hours."""
        errors: dict[str, str] = {}
        for name in ("start_date", "end_date"):
            value = getattr(self, name)
            if value is not None and (message := date_range_error(value, str(self._meta.get_field(name).verbose_name))):
                errors[name] = message
        if self.start_date and self.end_date and self.end_date < self.start_date and "end_date" not in errors:
            errors["end_date"] = _("The end of the period must not be before its start.")
        if self.cadre_id is not None and self.cadre.leadership_level not in COUNTY_DIVISION_LEADERSHIP:
            errors["cadre"] = _("Only a leading cadre keeps a self-study record here.")
        if self.pages is None and self.hours is None:
            errors["pages"] = _("Give the pages read or the hours spent.")
        if errors:
            raise ValidationError(errors)

    @property
    def year(self) -> int:
        return self.start_date.year

    @property
    def period(self) -> str:
        if self.end_date and self.end_date != self.start_date:
            return f"{self.start_date:%Y-%m-%d} 至 {self.end_date:%Y-%m-%d}"
        return f"{self.start_date:%Y-%m-%d}"

    @property
    def attachment_name(self) -> str:
        """The attachment's own name (the part after the upload folder)."""
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""


class StudyPlanQuerySet(models.QuerySet["StudyPlan"]):
    def visible_to(self, user) -> StudyPlanQuerySet:
        """Administrators the plans of the units they reach; a 领导干部 their unit's; anyone else nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        if is_leader(user):
            return self.filter(unit_id=user.cadre.unit_id)
        return self.none()

    def editable_by(self, user) -> StudyPlanQuerySet:
        """Administrators keep the plans of the units they reach."""
        if not user.is_authenticated or not user.is_active or not user.is_admin:
            return self.none()
        units = admin_unit_ids(user)
        return self if units is None else self.filter(unit_id__in=units)


class StudyPlan(models.Model):
    """A unit's plan of 中心组学习 for a year: its numbered topics."""

    unit = models.ForeignKey("roster.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(EARLIEST_DATE.year), MaxValueValidator(LATEST_DATE.year)]
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = StudyPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        ordering = ["-year", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="study_plan_once_per_unit_and_year",
                violation_error_message=_("This unit already has a study plan for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=EARLIEST_DATE.year, year__lte=LATEST_DATE.year),
                name="study_plan_year_in_sane_range",
                violation_error_message=_("The year must be between 1950 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.year}年理论学习中心组学习计划"

    def get_absolute_url(self) -> str:
        return reverse("study:archive", args=[self.year])


class PlanTopic(models.Model):
    """One numbered topic of a year's plan: what, in which month, who speaks or leads the study."""

    plan = models.ForeignKey(StudyPlan, verbose_name=_("study plan"), on_delete=models.CASCADE, related_name="topics")
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TOPICS)]
    )
    topic = models.CharField(_("topic"), max_length=200)
    month = models.PositiveSmallIntegerField(
        _("planned month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    lead = models.CharField(_("speaker or study lead"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plan topic")
        verbose_name_plural = _("plan topics")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="plan_topic_number_once",
                violation_error_message=_("The plan already has a topic with this number."),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12),
                name="plan_topic_month_in_year",
                violation_error_message=_("The month must be between 1 and 12."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=MAX_TOPICS),
                name="plan_topic_number_in_range",
                violation_error_message=_("The number must be between 1 and 50."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.topic}"
