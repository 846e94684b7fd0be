"""The 学时 ledger and the rule tables it is judged against."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ganxun.roster.models import Tier


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
    rule = ConversionRule.objects.filter(year=year, unit=Unit.DAY).first()
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

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["cadre", "date"]),
            models.Index(fields=["date", "status"]),
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
            models.CheckConstraint(
                condition=Q(source="self_report") | Q(source_id__isnull=False),
                name="ledger_source_id_unless_self_report",
                violation_error_message=_("An entry must name the record it was counted from."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.date} {self.title} {self.hours}"

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


class Unit(models.TextChoices):
    """What a conversion rule converts from."""

    DAY = "day", _("Day")
    HALF_DAY = "half_day", _("Half day")
    HOUR = "hour", _("Hour")
    SESSION = "session", _("Session")
    ONLINE_MINUTES = "online_minutes", _("Online minutes")
    LECTURE_HOUR = "lecture_hour", _("Hour of lecturing")


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
            models.UniqueConstraint(
                fields=["year", "unit"],
                name="conversion_rule_one_per_unit_year",
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

    class Meta:
        verbose_name = _("yearly cap")
        verbose_name_plural = _("yearly caps")
        ordering = ["-year", "bucket"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "bucket"],
                name="bucket_cap_one_per_year",
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
