"""杨房课堂 · 月末讲坛: the working-day table the administrator keeps for years the calendar package does not cover,
the lecturer pool (讲师库), the series and its schedule, one lecture a month on the month's last working day."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ganxun.roster.models import admin_unit_ids, home_unit_id

DEFAULT_SERIES_NAME = "杨房课堂·月末讲坛"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKDAY = "workday", _("Make-up workday")


FIRST_YEAR, LAST_YEAR = 1990, 2100  # the years the administrator's table can hold


class CalendarYear(models.Model):
    """A year of the administrator's table: complete once every holiday and make-up workday of it is entered."""

    year = models.PositiveIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    complete = models.BooleanField(
        _("table complete"),
        default=False,
        help_text=_("Every holiday and make-up workday of the year is entered: the year's working days are known."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day of the administrator's table: a holiday on a weekday or a make-up workday (调休上班) on a weekend.

    A row overrides the calendar package even for a year it covers (a local adjustment)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("For example 春节 or 国庆节调休上班."))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        """A day of a year the table can hold (that of ``CalendarYear``: 1990–2100)."""
        if self.date is not None and not (FIRST_YEAR <= self.date.year <= LAST_YEAR):
            raise ValidationError(
                {
                    "date": _("The date must be in a year from %(first)s to %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                }
            )


class LecturerKind(models.TextChoices):
    LEADER = "leader", _("Leading cadre")
    SECTION_HEAD = "section_head", _("Section head")
    KEY_STAFF = "key_staff", _("Key staff")
    INTERNAL = "internal", _("Internal trainer")
    OUTSIDE = "outside", _("Outside lecturer")


class UnitScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An administrator the rows of the units they reach; anyone else their own unit's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(**{f"{self.unit_field}__in": units})
        if user.cadre_id is None:
            return self.none()
        return self.filter(**{self.unit_field: user.cadre.unit_id})

    def editable_by(self, user):
        """Administrators keep the rows of the units they reach."""
        if not user.is_authenticated or not user.is_active or not user.is_admin:
            return self.none()
        return self.visible_to(user)


class LecturerQuerySet(UnitScopedQuerySet):
    unit_field = "unit_id"


class LecturerProfile(models.Model):
    """A lecturer of the pool: a cadre of the roster or an outside lecturer, with the topics they can teach."""

    unit = models.ForeignKey(
        "roster.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", default=home_unit_id
    )
    cadre = models.ForeignKey(
        "roster.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lecturer_profiles",
    )
    outside_name = models.CharField(_("outside lecturer"), max_length=50, blank=True)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=LecturerKind.choices)
    topics = models.ManyToManyField(
        "training.TopicModule", verbose_name=_("topics taught"), blank=True, related_name="lecturer_profiles"
    )
    active = models.BooleanField(_("in the pool"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = LecturerQuerySet.as_manager()

    class Meta:
        verbose_name = _("lecturer of the pool")
        verbose_name_plural = _("lecturer pool")
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(cadre__isnull=False) & Q(outside_name="")) | (Q(cadre__isnull=True) & ~Q(outside_name="")),
                name="lecturer_profile_cadre_or_outside_name",
                violation_error_message=_("Choose a cadre or write an outside lecturer's name, not both."),
            ),
            models.UniqueConstraint(
                fields=["unit", "cadre"],
                condition=Q(cadre__isnull=False),
                name="lecturer_profile_cadre_once",
                violation_error_message=_("This cadre is already in the lecturer pool."),
            ),
            models.UniqueConstraint(
                fields=["unit", "outside_name", "organisation"],
                condition=Q(cadre__isnull=True),
                name="lecturer_profile_outside_once",
                violation_error_message=_("This outside lecturer is already in the lecturer pool."),
            ),
        ]

    def __str__(self) -> str:
        return self.cadre.name if self.cadre_id else self.outside_name

    def get_absolute_url(self) -> str:
        return reverse("lectures:lecturer_detail", args=[self.pk])

    @property
    def display_organisation(self) -> str:
        if self.cadre_id:
            return self.cadre.section.name if self.cadre.section_id else ""
        return self.organisation


class SeriesQuerySet(UnitScopedQuerySet):
    unit_field = "unit_id"


class LectureSeries(models.Model):
    """A unit's lecture series; the bureau's is 杨房课堂·月末讲坛."""

    name = models.CharField(_("name"), max_length=50, default=DEFAULT_SERIES_NAME)
    unit = models.ForeignKey(
        "roster.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", default=home_unit_id
    )

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("lecture series")
        verbose_name_plural = _("lecture series")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="lecture_series_once_per_unit")]

    def __str__(self) -> str:
        return self.name


class ScheduledQuerySet(UnitScopedQuerySet):
    unit_field = "series__unit_id"


class ScheduledLecture(models.Model):
    """One month's lecture of a series: by default on the month's last working day."""

    series = models.ForeignKey(
        LectureSeries, verbose_name=_("lecture series"), on_delete=models.CASCADE, related_name="lectures"
    )
    year = models.PositiveIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    date = models.DateField(_("date"))
    default_date = models.DateField(_("default date"))
    source = models.CharField(_("calendar source"), max_length=50, blank=True)
    topic = models.ForeignKey(
        "training.TopicModule",
        verbose_name=_("topic module"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scheduled_lectures",
    )
    lecturers = models.ManyToManyField(
        LecturerProfile, verbose_name=_("lecturers"), blank=True, related_name="scheduled_lectures"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    activity = models.ForeignKey(
        "training.Activity",
        verbose_name=_("training activity held"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    moved_reason = models.CharField(_("reason for moving"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScheduledQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheduled lecture")
        verbose_name_plural = _("scheduled lectures")
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "month"],
                name="scheduled_lecture_once_a_month",
                violation_error_message=_("The series already has a lecture in this month."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}-{self.month:02d}"

    def get_absolute_url(self) -> str:
        return reverse("lectures:lecture_update", args=[self.pk])

    @property
    def moved(self) -> bool:
        return self.date != self.default_date
