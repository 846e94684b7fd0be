"""The 学时 ledger and the rule tables it is judged against."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ganxun.roster.models import Tier

from . import totals


class Bucket(models.TextChoices):
    """Where an hour counts: the categories of the requirements and the caps."""

    CENTRALISED = "centralised", _("Centralised training")
    ONLINE = "online", _("Online training")
    STUDY_GROUP = "study_group", _("Theory study group")
    SELF_STUDY = "self_study", _("Self-study")
    PRACTICE = "practice", _("Practice")


class Source(models.TextChoices):
    """What an entry was counted from; (cadre, source, source_id) is counted once."""

    SESSION = "session", _("Session attended")
    ONLINE_RECORD = "online_record", _("Imported online record")
    OUTSIDE_CLASS = "outside_class", _("Outside class")
    SELF_REPORT = "self_report", _("Self-report")
    LECTURE = "lecture", _("Lecture given")
    PRACTICE = "practice", _("Practice record")  # a year's 学时 of one practice record (practice.PracticeCredit)
    MICRO_LESSON = "micro_lesson", _("Micro-classroom lesson")  # a 微课堂 lesson completed (ganxun.microclass)


# The model each kind of source is counted from ("app_label.ModelName"), as a string so that the ledger imports
# no app above it; an app that brings a new kind of record (online courses, practice) adds its own here.
# A self-report is its own record: its entry is the report.
SOURCE_MODELS: dict[str, str] = {
    Source.SESSION: "training.Session",
    Source.LECTURE: "training.Session",
    Source.OUTSIDE_CLASS: "hours.OutsideClass",
}


def register_source(source: str, model_label: str) -> None:
    """Name the model entries of ``source`` are counted from (called by the app that owns the records)."""
    SOURCE_MODELS[source] = model_label
    from django.apps import apps

    if apps.models_ready:  # an app registering in its ready(): the guard connects now (by label, lazily)
        from .signals import protect_sources

        protect_sources()


def source_content_type(source: str) -> ContentType | None:
    """The content type of ``source``'s records (cached by Django after the first read); None for a self-report
    or a kind whose records have no model yet."""
    label = SOURCE_MODELS.get(source)
    if label is None:
        return None
    app_label, model = label.split(".")
    return ContentType.objects.get_by_natural_key(app_label, model.lower())


# --- Sane bounds: every 学时 figure is bounded by what its period can hold, every date by a sane range ---------

# No ledger date, session or class before this day (the earliest a serving cadre's training could be) …
EARLIEST_DATE = dt.date(1950, 1, 1)
# … nor after this one: the database's plain-range backstop; the forms hold dates to a year ahead.
LATEST_DATE = dt.date(2100, 12, 31)
DAYS_AHEAD = 366  # ledger dates, sessions and classes at most a year ahead of today
FIRST_RULE_YEAR, LAST_RULE_YEAR = 2000, 2100
HOURS_PER_DAY_WITHOUT_RULE = Decimal(8)  # 条例: 1 day = 8 学时, when the year has no day rule
MAX_ENTRY_HOURS = Decimal(3000)  # one entry: at most a year of full days (an outside class of 366 days × 8)
MAX_CLASS_DAYS = 366
MAX_RULE_HOURS = Decimal(100)  # 学时 one conversion rule gives for its quantity, and its per-item cap
MAX_RULE_PER = Decimal(1440)  # a rule's quantity: at most the minutes of a day
MAX_REQUIREMENT_HOURS = Decimal(2000)
MAX_CYCLE_YEARS = 10
MAX_YEARLY_CAP = Decimal(1000)


def latest_date(today: dt.date | None = None) -> dt.date:
    """The latest date a ledger entry, session or class may carry: a year ahead of today."""
    return (today or timezone.localdate()) + dt.timedelta(days=DAYS_AHEAD)


def date_range_error(value: dt.date, label: str, earliest: dt.date = EARLIEST_DATE, latest: dt.date | None = None):
    """A Chinese message naming the field when ``value`` is outside [earliest, latest]; None when it is inside."""
    latest = latest or latest_date()
    if earliest <= value <= latest:
        return None
    return gettext("%(field)s must be between %(earliest)s and %(latest)s.") % {
        "field": label,
        "earliest": formats.date_format(earliest, "Y-m-d"),
        "latest": formats.date_format(latest, "Y-m-d"),
    }


def day_hours(year: int) -> Decimal:
    """学时 of one full day in ``year``: the day rule's figure, or 8 when the year has no day rule."""
    rule = ConversionRule.objects.filter(year=year, unit=Unit.DAY, org_unit__isnull=True).first()
    if rule is None:
        return HOURS_PER_DAY_WITHOUT_RULE
    return (rule.hours / rule.per).quantize(Decimal("0.01"))


def plain_hours(value: Decimal) -> str:
    """12.50 -> 12.5, 8.00 -> 8, for messages."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def at_most(limit: Decimal | int, message) -> MaxValueValidator:
    return MaxValueValidator(limit, message=message)


def at_least(limit: Decimal | int, message) -> MinValueValidator:
    return MinValueValidator(limit, message=message)


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    SECTION_APPROVED = "section_approved", _("Approved by section head")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    # A self-report sent back to the cadre to correct and resubmit (a rejection is final).
    RETURNED = "returned", _("Returned for changes")


class LedgerEntryQuerySet(models.QuerySet["LedgerEntry"]):
    def visible_to(self, user) -> LedgerEntryQuerySet:
        """Entries of the cadres the user may see (the roster's chokepoint decides): for an admin, those of the
        cadres of the units their role reaches; a system administrator without a unit, all."""
        from ganxun.roster.models import Cadre

        if user.is_authenticated and user.is_active and user.is_system_admin and user.unit_scope is None:
            return self
        return self.filter(cadre__in=Cadre.objects.visible_to(user).values("pk"))

    def confirmed(self) -> LedgerEntryQuerySet:
        return self.filter(status=EntryStatus.CONFIRMED)

    def in_year(self, year: int) -> LedgerEntryQuerySet:
        return self.filter(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1))


class LedgerEntry(models.Model):
    """One counted thing for one cadre: the single source of truth for every 学时 figure."""

    cadre = models.ForeignKey(
        "roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="ledger_entries"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=2,
        validators=[
            at_least(Decimal("0"), _("Hours cannot be negative.")),
            at_most(MAX_ENTRY_HOURS, _("Hours of one entry can be at most %(limit_value)s.")),
        ],
    )
    bucket = models.CharField(_("category"), max_length=20, choices=Bucket.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # The id of the row the entry was counted from (a session, an online record …); empty for a self-report,
    # which is its own source.
    source_id = models.BigIntegerField(_("source ID"), null=True, blank=True)
    # What kind of record ``source_id`` names: with it the entry holds a real reference to its source
    # (``source_object``), kept by ledger_record; a source with entries cannot be deleted (see hours/signals.py).
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source record type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_object = GenericForeignKey("source_type", "source_id")
    title = models.CharField(_("title"), max_length=200)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="evidence/%Y/", blank=True)
    witness = models.CharField(_("witness"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    section_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by section head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    section_reviewed_at = models.DateTimeField(_("section review time"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decision time"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Where the hours count: the unit and 科室 of the cadre's period of service in force on the entry's date (set
    # by save() and the bulk writers through ``hours.totals``, re-derived when the cadre's periods change).
    unit = models.ForeignKey(
        "roster.Unit",
        verbose_name=_("unit on the date"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    section = models.ForeignKey(
        "roster.Section",
        verbose_name=_("section on the date"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["cadre", "date"]),
            models.Index(fields=["date", "status"]),
            models.Index(fields=["source_type", "source_id"], name="ledger_source_object"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "source", "source_id"],
                condition=Q(source_id__isnull=False),
                name="ledger_source_counted_once",
                violation_error_message=_("This has already been counted for this cadre."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="ledger_hours_not_negative",
                violation_error_message=_("Hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(hours__lte=MAX_ENTRY_HOURS),
                name="ledger_hours_at_most_a_year_of_days",
                violation_error_message=_("Hours of one entry can be at most 3000."),
            ),
            models.CheckConstraint(
                condition=Q(date__gte=EARLIEST_DATE, date__lte=LATEST_DATE),
                name="ledger_date_in_sane_range",
                violation_error_message=_("The date must be between 1950-01-01 and 2100-12-31."),
            ),
            # A self-report is counted once: one live report per cadre, day and title (letter case aside); a
            # rejected one may be reported again.  The service refuses wider duplicates first, with a message
            # naming them (hours.services.self_reports.check_self_report_duplicate).
            models.UniqueConstraint(
                F("cadre"),
                F("date"),
                Lower("title"),
                condition=Q(source="self_report") & ~Q(status="rejected"),
                name="self_report_counted_once",
                violation_error_message=_("This report has already been submitted for this day."),
            ),
            models.CheckConstraint(
                condition=Q(source="self_report") | Q(source_id__isnull=False),
                name="ledger_source_id_unless_self_report",
                violation_error_message=_("An entry must name the record it was counted from."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.date} {self.title} {self.hours}"

    # --- The maintained totals (HourTotal) follow every save and delete, in the same transaction ---------------

    def save(self, *args, **kwargs) -> None:
        """Save, attributing the entry to the unit and 科室 in force on its date and moving its 学时 in the
        maintained totals by the difference from the row as it was read (writers hold that row locked)."""
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self)), savepoint=False):
            changed = totals.follow(self)
            if changed and kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "unit", "section"}
            super().save(*args, **kwargs)
        self._as_stored = totals.stored_state(self)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("hours:self_report_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self)), savepoint=False):
            totals.follow(self, deleting=True)
            return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        entry = super().from_db(db, field_names, values, **kwargs)
        entry._as_stored = totals.stored_state(entry)
        return entry

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._as_stored = totals.stored_state(self)

    def source_url(self) -> str | None:
        """The page of the record the entry was counted from (a self-report's own page), read without a query:
        the content type comes from Django's cache, and a source's page needs only its id."""
        if self.source == Source.SELF_REPORT:
            return self.get_absolute_url()
        if self.source_type_id is None or self.source_id is None:
            return None
        model = ContentType.objects.get_for_id(self.source_type_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            return None
        return model(pk=self.source_id).get_absolute_url()

    def clean(self) -> None:
        """Hours within one entry's bounds; a date between the cadre's birth (1950 at the earliest) and a year
        from today.  The plain ranges are the check constraints' too, tested here in Python so that the ledger's
        writers can skip the constraints' database round trips (the database still enforces them)."""
        errors = {}
        if self.hours is not None and not (0 <= self.hours <= MAX_ENTRY_HOURS):
            errors["hours"] = _("Hours of one entry must be between 0 and 3000.")
        if self.date is not None:
            earliest = EARLIEST_DATE
            if self.cadre_id is not None and self.cadre.birth_date:
                earliest = max(earliest, self.cadre.birth_date)
            if message := date_range_error(self.date, str(self._meta.get_field("date").verbose_name), earliest):
                errors["date"] = message
        if errors:
            raise ValidationError(errors)


class HourTotal(models.Model):
    """Confirmed 学时 of one cadre in one year, per category in whole cents, counted toward one unit and 科室.

    Derived from the ledger and kept equal to it in the same transaction as every ledger write
    (``hours.totals``); ``manage.py rebuild_hour_totals [--check]`` rebuilds or checks it.  One row per cadre,
    year and the (unit, 科室) they were in on the entries' dates: the compliance pages sum a table a few times
    smaller than the ledger, one column per category.
    """

    cadre = models.ForeignKey(
        "roster.Cadre", verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey("roster.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey("roster.Section", verbose_name=_("section"), on_delete=models.PROTECT, related_name="+")
    centralised = models.BigIntegerField(_("centralised training (cents)"), default=0)
    online = models.BigIntegerField(_("online training (cents)"), default=0)
    study_group = models.BigIntegerField(_("theory study group (cents)"), default=0)
    self_study = models.BigIntegerField(_("self-study (cents)"), default=0)
    practice = models.BigIntegerField(_("practice (cents)"), default=0)
    entries = models.IntegerField(_("confirmed entries"), default=0)

    class Meta:
        verbose_name = _("hour total")
        verbose_name_plural = _("hour totals")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year", "unit", "section"], name="hour_total_one_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.year} {self.section_id}"


class Unit(models.TextChoices):
    """What a conversion rule converts from."""

    DAY = "day", _("Day")
    HALF_DAY = "half_day", _("Half day")
    HOUR = "hour", _("Hour")
    SESSION = "session", _("Session")
    ONLINE_MINUTES = "online_minutes", _("Online minutes")
    LECTURE_HOUR = "lecture_hour", _("Hour of lecturing")
    # The practice classroom's measures (counted by ganxun.practice, never by a session).
    DEPLOYMENT_DAY = "deployment_day", pgettext_lazy("conversion unit", "Day of deployment")
    COMMUNITY_REPORT = "community_report", pgettext_lazy("conversion unit", "Community report")
    SECONDMENT_MONTH = "secondment_month", pgettext_lazy("conversion unit", "Month of secondment")
    VISIT_DAY = "visit_day", pgettext_lazy("conversion unit", "Day of visit or frontline work")
    # The theory classroom's measures: a platform's own 学时 or points (ganxun.online), a 微课堂 lesson.
    ONLINE_HOUR = "online_hour", pgettext_lazy("conversion unit", "Platform study hour")
    ONLINE_POINTS = "online_points", pgettext_lazy("conversion unit", "Platform points")
    MICRO_LESSON = "micro_lesson", pgettext_lazy("conversion unit", "Micro-classroom lesson")


PRACTICE_UNITS = frozenset({Unit.DEPLOYMENT_DAY, Unit.COMMUNITY_REPORT, Unit.SECONDMENT_MONTH, Unit.VISIT_DAY})
THEORY_UNITS = frozenset({Unit.ONLINE_HOUR, Unit.ONLINE_POINTS, Unit.MICRO_LESSON})
# What a kind of session may be counted by: every measure but the practice and theory classrooms' own.
SESSION_UNIT_CHOICES = [(unit.value, unit.label) for unit in Unit if unit not in PRACTICE_UNITS | THEORY_UNITS]


class Rounding(models.TextChoices):
    NONE = "none", _("No rounding (two decimals)")
    HALF_DOWN = "half_down", _("Down to a half hour")
    WHOLE_DOWN = "whole_down", _("Down to a whole hour")
    HALF_NEAREST = "half_nearest", _("To the nearest half hour")


def apply_rounding(value: Decimal | Fraction, rounding: str) -> Decimal:
    """Round a raw 学时 figure as a rule says; exact, so that 59/30 rounds down and 60/30 does not."""
    exact = Fraction(value)
    match rounding:
        case Rounding.HALF_DOWN:
            return Decimal(math.floor(exact * 2)) / 2
        case Rounding.WHOLE_DOWN:
            return Decimal(math.floor(exact))
        case Rounding.HALF_NEAREST:
            return Decimal(math.floor(exact * 2 + Fraction(1, 2))) / 2
    return (Decimal(math.floor(exact * 100 + Fraction(1, 2))) / 100).quantize(Decimal("0.01"))


class ConversionRule(models.Model):
    """学时折算 for one year: ``per`` units of ``unit`` are worth ``hours`` 学时, capped per item."""

    # The 单位 whose rule this is (inherited by the units below it); empty: the system-wide default.
    org_unit = models.ForeignKey(
        "roster.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the system-wide default, inherited by every unit without rules of its own."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.CharField(_("conversion unit"), max_length=20, choices=Unit.choices)
    per = models.DecimalField(
        _("per quantity"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("1"),
        validators=[
            at_least(Decimal("0.01"), _("The quantity must be at least %(limit_value)s.")),
            at_most(MAX_RULE_PER, _("The quantity can be at most %(limit_value)s (the minutes of a day).")),
        ],
        help_text=_("How many units make up the hours below, e.g. 30 online minutes."),
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=2,
        validators=[
            at_least(Decimal("0"), _("Hours cannot be negative.")),
            at_most(MAX_RULE_HOURS, _("The hours of a conversion rule can be at most %(limit_value)s.")),
        ],
    )
    rounding = models.CharField(_("rounding"), max_length=20, choices=Rounding.choices, default=Rounding.NONE)
    per_item_cap = models.DecimalField(
        _("cap per item"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            at_least(Decimal("0"), _("The cap per item cannot be negative.")),
            at_most(MAX_RULE_HOURS, _("The cap per item can be at most %(limit_value)s.")),
        ],
    )

    class Meta:
        verbose_name = _("conversion rule")
        verbose_name_plural = _("conversion rules")
        ordering = ["-year", "unit"]
        constraints = [
            # One per (单位, year, conversion unit); the default rows (no 单位) once per year and conversion unit.
            # Two conditional constraints rather than nulls_distinct=False, which SQLite does not support.
            models.UniqueConstraint(
                fields=["year", "unit"],
                condition=Q(org_unit__isnull=True),
                name="conversion_rule_one_per_unit_year",
                violation_error_message=_("This unit already has a rule for this year."),
            ),
            models.UniqueConstraint(
                fields=["org_unit", "year", "unit"],
                condition=Q(org_unit__isnull=False),
                name="conversion_rule_one_per_org_unit_year",
                violation_error_message=_("This unit already has a rule for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_RULE_YEAR, year__lte=LAST_RULE_YEAR),
                name="conversion_rule_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(per__gt=0, per__lte=MAX_RULE_PER)
                & Q(hours__gte=0, hours__lte=MAX_RULE_HOURS)
                & (Q(per_item_cap__isnull=True) | Q(per_item_cap__gte=0, per_item_cap__lte=MAX_RULE_HOURS)),
                name="conversion_rule_figures_plausible",
                violation_error_message=_(
                    "The quantity must be above 0 and at most 1440; the hours and the cap per item at most 100."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_unit_display()}"

    def convert(self, quantity: Decimal | Fraction) -> Decimal:
        """学时 for ``quantity`` units, rounded and capped."""
        # In fractions: 1 unit at 3 学时 per 3 units is 1, not 0.999… rounded down to 0.
        value = apply_rounding(Fraction(quantity) * Fraction(self.hours) / Fraction(self.per), self.rounding)
        if self.per_item_cap is not None:
            value = min(value, self.per_item_cap)
        return value


class Requirement(models.Model):
    """How many 学时 a category of cadres must reach over a period (one year or a cycle)."""

    # The 单位 whose rule this is (inherited by the units below it); empty: the system-wide default.
    org_unit = models.ForeignKey(
        "roster.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the system-wide default, inherited by every unit without rules of its own."),
    )
    name = models.CharField(_("name"), max_length=100)
    tier = models.CharField(
        _("tier"), max_length=20, choices=Tier.choices, blank=True, help_text=_("Empty: every cadre.")
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    hours = models.DecimalField(
        _("required hours"),
        max_digits=7,
        decimal_places=2,
        validators=[
            at_least(Decimal("0"), _("The required hours cannot be negative.")),
            at_most(MAX_REQUIREMENT_HOURS, _("The required hours can be at most %(limit_value)s.")),
        ],
    )
    buckets = models.JSONField(
        _("categories that count"), default=list, blank=True, help_text=_("Empty: every category.")
    )

    class Meta:
        verbose_name = _("hour requirement")
        verbose_name_plural = _("hour requirements")
        ordering = ["-start_year", "tier", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="requirement_period_forwards",
                violation_error_message=_("The last year cannot come before the first year."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=FIRST_RULE_YEAR, end_year__lte=LAST_RULE_YEAR)
                & Q(end_year__lt=models.F("start_year") + MAX_CYCLE_YEARS),
                name="requirement_period_in_range",
                violation_error_message=_("The years must be between 2000 and 2100, a cycle at most 10 years."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=MAX_REQUIREMENT_HOURS),
                name="requirement_hours_plausible",
                violation_error_message=_("The required hours must be between 0 and 2000."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.buckets, list) or any(b not in Bucket.values for b in self.buckets):
            raise ValidationError({"buckets": _("Choose categories from the list.")})
        if (
            self.start_year is not None
            and self.end_year is not None
            and self.end_year - self.start_year + 1 > MAX_CYCLE_YEARS
        ):
            raise ValidationError(
                {"end_year": _("A cycle can be at most %(years)s years long.") % {"years": MAX_CYCLE_YEARS}}
            )

    @property
    def is_cycle(self) -> bool:
        return self.end_year > self.start_year

    def get_buckets_display(self) -> str:
        if not self.buckets:
            return str(_("All categories"))
        return "、".join(str(Bucket(b).label) for b in self.buckets)


class BucketCap(models.Model):
    """At most ``cap`` 学时 of one category count in one year (e.g. self-study)."""

    # The 单位 whose rule this is (inherited by the units below it); empty: the system-wide default.
    org_unit = models.ForeignKey(
        "roster.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the system-wide default, inherited by every unit without rules of its own."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    bucket = models.CharField(_("category"), max_length=20, choices=Bucket.choices)
    cap = models.DecimalField(
        _("cap"),
        max_digits=7,
        decimal_places=2,
        validators=[
            at_least(Decimal("0"), _("The cap cannot be negative.")),
            at_most(MAX_YEARLY_CAP, _("A yearly cap can be at most %(limit_value)s.")),
        ],
    )
    carry_over = models.BooleanField(
        _("surplus carries over"),
        default=False,
        help_text=_(
            "The hours of the category beyond this cap count in the next year (within that year's cap, if any)."
        ),
    )

    class Meta:
        verbose_name = _("yearly cap")
        verbose_name_plural = _("yearly caps")
        ordering = ["-year", "bucket"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "bucket"],
                condition=Q(org_unit__isnull=True),
                name="bucket_cap_one_per_year",
                violation_error_message=_("This category already has a cap for this year."),
            ),
            models.UniqueConstraint(
                fields=["org_unit", "year", "bucket"],
                condition=Q(org_unit__isnull=False),
                name="bucket_cap_one_per_org_unit_year",
                violation_error_message=_("This category already has a cap for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_RULE_YEAR, year__lte=LAST_RULE_YEAR)
                & Q(cap__gte=0, cap__lte=MAX_YEARLY_CAP),
                name="bucket_cap_plausible",
                violation_error_message=_("The year must be between 2000 and 2100 and the cap between 0 and 1000."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_bucket_display()} ≤ {self.cap}"


class JoinPolicy(models.TextChoices):
    """How the yearly requirement applies to a cadre who joined during the year."""

    PRORATE = "prorate", _("Pro-rated by full months in service")
    FULL = "full", _("The full yearly requirement")


class LeavePolicy(models.TextChoices):
    """How a cadre who left during the year (retired, transferred out …) appears in that year's figures."""

    PRORATE = "prorate", _("Judged, pro-rated by full months in service")
    APART = "apart", _("Listed apart, not judged")


MAX_MAKEUP_YEARS = 3


class HistoryRule(models.Model):
    """How a year's compliance treats a cadre whose record changed during it (docs/compliance-history.md).

    Set per 单位 and year like the other rule tables and inherited the same way; a year without a row anywhere
    up the unit's path uses the defaults: joiners and leavers pro-rated, one make-up year after a promotion.
    """

    org_unit = models.ForeignKey(
        "roster.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the system-wide default, inherited by every unit without rules of its own."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    join_policy = models.CharField(
        _("cadres who joined during the year"), max_length=20, choices=JoinPolicy.choices, default=JoinPolicy.PRORATE
    )
    leave_policy = models.CharField(
        _("cadres who left during the year"), max_length=20, choices=LeavePolicy.choices, default=LeavePolicy.PRORATE
    )
    promotion_makeup_years = models.PositiveSmallIntegerField(
        _("make-up years after a promotion"),
        default=1,
        validators=[at_most(MAX_MAKEUP_YEARS, _("The make-up window can be at most %(limit_value)s years."))],
        help_text=_(
            "A cadre whose tier changed during a cycle has the cycle requirement of the new tier with this many "
            "more years to meet it."
        ),
    )

    class Meta:
        verbose_name = _("history rule")
        verbose_name_plural = _("history rules")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(org_unit__isnull=True),
                name="history_rule_one_per_year",
                violation_error_message=_("This unit already has a history rule for this year."),
            ),
            models.UniqueConstraint(
                fields=["org_unit", "year"],
                condition=Q(org_unit__isnull=False),
                name="history_rule_one_per_org_unit_year",
                violation_error_message=_("This unit already has a history rule for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_RULE_YEAR, year__lte=LAST_RULE_YEAR)
                & Q(promotion_makeup_years__lte=MAX_MAKEUP_YEARS),
                name="history_rule_plausible",
                violation_error_message=_("The year must be between 2000 and 2100 and the make-up window at most 3."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self._meta.verbose_name}"


# 条例 第十五条: a class is not completed when more than 1/7 of its hours was missed (absent, on leave, or an ended
# sitting without an attendance row).  The share is a rule of the year (CompletionRule), this when none is set.
DEFAULT_MISSED_SHARE = Fraction(1, 7)


class CompletionRule(models.Model):
    """The year's completion rule for classes: more than ``numerator/denominator`` of the hours missed means the
    class was not completed.  Kept as two integers so that 1/7 is exact and compared without rounding."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    missed_share_numerator = models.PositiveSmallIntegerField(
        _("missed share: numerator"),
        default=1,
        validators=[at_most(100, _("The numerator can be at most %(limit_value)s."))],
    )
    missed_share_denominator = models.PositiveSmallIntegerField(
        _("missed share: denominator"),
        default=7,
        validators=[
            at_least(1, _("The denominator must be at least %(limit_value)s.")),
            at_most(100, _("The denominator can be at most %(limit_value)s.")),
        ],
        help_text=_("More than numerator/denominator of a class's hours missed: not completed (条例: 1/7)."),
    )

    class Meta:
        verbose_name = _("class completion rule")
        verbose_name_plural = _("class completion rules")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_RULE_YEAR, year__lte=LAST_RULE_YEAR),
                name="completion_rule_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(missed_share_denominator__gte=1, missed_share_denominator__lte=100)
                & Q(missed_share_numerator__lte=F("missed_share_denominator")),
                name="completion_rule_share_a_fraction",
                violation_error_message=_("The missed share must be a fraction between 0 and 1 (e.g. 1/7)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.missed_share_numerator}/{self.missed_share_denominator}"

    @property
    def missed_share(self) -> Fraction:
        return Fraction(self.missed_share_numerator, self.missed_share_denominator)


def missed_share(year: int) -> Fraction:
    """The share of a class's hours that may be missed in ``year`` (the year's rule, else 1/7), exactly."""
    row = CompletionRule.objects.filter(year=year).values_list("missed_share_numerator", "missed_share_denominator")
    found = row.first()
    if found is None or found[1] == 0:
        return DEFAULT_MISSED_SHARE
    return Fraction(found[0], found[1])


class OutsideClass(models.Model):
    """A class held outside the bureau (党校, 中青班 …); each cadre sent to it gets one entry counted from it."""

    title = models.CharField(_("class name"), max_length=200)
    organiser = models.CharField(_("organised by"), max_length=100, help_text=_("e.g. the district Party school"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), help_text=_("The hours count in the year of this date."))
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=2,
        validators=[
            at_least(Decimal("0"), _("Hours cannot be negative.")),
            at_most(MAX_ENTRY_HOURS, _("Hours of one entry can be at most %(limit_value)s.")),
        ],
        help_text=_("At most the class's days × the day rule's hours (8 a day without a rule)."),
    )
    bucket = models.CharField(_("category"), max_length=20, choices=Bucket.choices, default=Bucket.CENTRALISED)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outside class")
        verbose_name_plural = _("outside classes")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="outside_class_ends_after_start",
                violation_error_message=_("The end date cannot come before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__gte=EARLIEST_DATE, end_date__lte=LATEST_DATE),
                name="outside_class_dates_in_sane_range",
                violation_error_message=_("The dates must be between 1950-01-01 and 2100-12-31."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=MAX_ENTRY_HOURS),
                name="outside_class_hours_in_range",
                violation_error_message=_("Hours of one entry can be at most 3000."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("hours:outside_class_detail", args=[self.pk])

    @property
    def ledger_title(self) -> str:
        """What a cadre would call it in a self-report (compared to refuse reporting it again)."""
        return self.title

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def clean(self) -> None:
        """Dates from 1950 to a year ahead, at most a year long; 学时 at most its days × the day rule's figure."""
        errors: dict[str, str] = {}
        meta = self._meta
        for name in ("start_date", "end_date"):
            value = getattr(self, name)
            if value is not None and (message := date_range_error(value, str(meta.get_field(name).verbose_name))):
                errors[name] = message
        if errors or self.start_date is None or self.end_date is None or self.end_date < self.start_date:
            if errors:
                raise ValidationError(errors)
            return  # the ordering constraint names the end date
        if self.days > MAX_CLASS_DAYS:
            raise ValidationError({"end_date": _("A class can last at most %(days)s days.") % {"days": MAX_CLASS_DAYS}})
        if self.hours is not None:
            per_day = day_hours(self.end_date.year)
            ceiling = min(per_day * self.days, MAX_ENTRY_HOURS)
            if self.hours > ceiling:
                raise ValidationError(
                    {
                        "hours": _(
                            "A class of %(days)s days can give at most %(max)s hours (%(per_day)s a day by the "
                            "%(year)s day rule)."
                        )
                        % {
                            "days": self.days,
                            "max": plain_hours(ceiling),
                            "per_day": plain_hours(per_day),
                            "year": self.end_date.year,
                        }
                    }
                )
