"""线上学习: the online platforms, their import profiles, the imports of their exports and the figures they bring.

A platform's export is cumulative for the year (干部在线学习: 学时 to date) or per period (本期积分).  Each import
is kept (the file, when, who) with one ``OnlineFigure`` per row: the per-person history of figures.  The figure
that counts is held by one ``OnlineCredit`` per cadre, platform and year, the source of its one ledger entry
(``hours.Source.ONLINE_RECORD``, bucket 网络培训).  A figure that looks wrong (``OutlierRule``, or lower than an
earlier one) waits for review instead of being applied.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.roster.models import Cadre, admin_unit_ids

MAX_AMOUNT = Decimal("9999999.99")


class PlatformUnit(models.TextChoices):
    """What a platform's figures count."""

    HOURS = "hours", _("Study hours (学时)")
    MINUTES = "minutes", _("Minutes")
    POINTS = "points", _("Points (积分)")


class Cumulation(models.TextChoices):
    """Whether an export gives the year to date or one period's figure."""

    YEAR = "year", _("Cumulative for the year")
    PERIOD = "period", _("Per period")


# The columns an import profile names, and the headers real exports use (the first is the template's header).
FIELD_KEYS = (
    "name",
    "id_number",
    "phone",
    "username",
    "section",
    "required",
    "elective",
    "amount",
    "courses",
    "year",
    "period",
    "period_start",
    "period_end",
)
FIELD_LABELS = {
    "name": _("Name"),
    "id_number": _("ID number"),
    "phone": _("Mobile phone"),
    "username": _("User name"),
    "section": _("Unit or section"),
    "required": _("Required hours"),
    "elective": _("Elective hours"),
    "amount": _("Figure"),
    "courses": _("Courses completed"),
    "year": _("Year"),
    "period": _("Period"),
    "period_start": _("Period start"),
    "period_end": _("Period end"),
}
COMMON_HEADERS: dict[str, list[str]] = {
    "name": ["姓名", "学员姓名", "真实姓名", "名字"],
    "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"],
    "phone": ["手机号", "手机号码", "手机", "联系电话"],
    "username": ["用户名", "账号", "登录账号", "学员账号"],
    "section": ["单位/部门", "单位", "部门", "所在单位", "所在部门", "科室", "工作单位"],
    "courses": ["完成课程数", "完成课程", "课程数", "已完成课程数"],
    "year": ["年度", "学习年度", "统计年度"],
    "period": ["统计起止日期", "统计周期", "统计时段", "起止日期"],
    "period_start": ["开始日期", "统计开始日期", "起始日期"],
    "period_end": ["截止日期", "统计截止日期", "结束日期", "截至日期"],
}


def default_headers(unit: str) -> dict[str, list[str]]:
    """A profile's header synonyms for a platform counting ``unit``: the common columns and its figure's."""
    headers = {key: list(value) for key, value in COMMON_HEADERS.items()}
    if unit == PlatformUnit.POINTS:
        headers["amount"] = ["年度积分", "本期积分", "积分", "总积分"]
    elif unit == PlatformUnit.MINUTES:
        headers["amount"] = ["学习时长(分钟)", "学习时长（分钟）", "学习时长", "时长(分钟)", "分钟数"]
    else:
        headers["amount"] = ["总学时", "合计学时", "学时", "获得学时", "已获学时"]
        headers["required"] = ["必修学时", "必修"]
        headers["elective"] = ["选修学时", "选修"]
    return headers


def validate_headers(value) -> None:
    """{column key: [header, …]}: known keys, lists of non-empty texts."""
    if not isinstance(value, dict):
        raise ValidationError(_("The headers must be a mapping of columns to lists of header names."))
    for key, names in value.items():
        if key not in FIELD_KEYS:
            raise ValidationError(_("Unknown column “%(key)s”.") % {"key": key})
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise ValidationError(_("The headers of “%(key)s” must be a list of names.") % {"key": key})


class Platform(models.Model):
    """An online learning platform whose export is imported (干部在线学习, 学习强国 …) and its import profile."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    unit = models.CharField(_("unit of the figures"), max_length=10, choices=PlatformUnit.choices)
    cumulation = models.CharField(
        _("export covers"), max_length=10, choices=Cumulation.choices, default=Cumulation.YEAR
    )
    headers = models.JSONField(
        _("header names"),
        default=dict,
        blank=True,
        validators=[validate_headers],
        help_text=_("For each column, the header names the platform's export uses; the first is the template's."),
    )
    active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("online platform")
        verbose_name_plural = _("online platforms")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("online:platform_update", args=[self.pk])

    def synonyms(self) -> dict[str, list[str]]:
        """The profile's headers, each column falling back to the defaults of the platform's unit."""
        merged = default_headers(self.unit)
        for key, names in (self.headers or {}).items():
            if names:
                merged[key] = list(names)
        if self.unit != PlatformUnit.HOURS:
            merged.pop("required", None)
            merged.pop("elective", None)
        return merged


class OnlineImportQuerySet(models.QuerySet["OnlineImport"]):
    def visible_to(self, user) -> OnlineImportQuerySet:
        """Administrators: the imports made in the units they reach (a system administrator: all)."""
        if not user.is_authenticated or not user.is_admin:
            return self.none()
        units = admin_unit_ids(user)
        return self if units is None else self.filter(org_unit_id__in=units)


class OnlineImport(models.Model):
    """One export file imported: kept as evidence with when, who and what it did."""

    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.PROTECT, related_name="imports")
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    file = models.FileField(_("file"), upload_to="online/imports/%Y/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    org_unit = models.ForeignKey(
        "roster.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_by_name = models.CharField(_("imported by"), max_length=150, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    strict = models.BooleanField(_("strict"), default=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    flagged = models.PositiveIntegerField(_("flagged"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)

    objects = OnlineImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("online import")
        verbose_name_plural = _("online imports")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="online_import_period_in_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.year} {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("online:import_detail", args=[self.pk])

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1


class FigureStatus(models.TextChoices):
    CREATED = "created", _("Counted (new)")
    UPDATED = "updated", _("Counted (updated)")
    UNCHANGED = "unchanged", _("Unchanged")
    FLAGGED = "flagged", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed after review")
    REJECTED = "rejected", _("Rejected after review")
    UNMATCHED = "unmatched", _("Not on the roster")


APPLIED_STATUSES = (FigureStatus.CREATED, FigureStatus.UPDATED, FigureStatus.CONFIRMED)


class OnlineFigureQuerySet(models.QuerySet["OnlineFigure"]):
    def visible_to(self, user) -> OnlineFigureQuerySet:
        """The figures of the cadres the user sees (a cadre: their own); the unmatched rows: administrators."""
        if not user.is_authenticated:
            return self.none()
        cadres = Cadre.objects.visible_to(user)
        mine = Q(cadre__in=cadres.values("pk"))
        if user.is_admin:
            units = admin_unit_ids(user)
            if units is None:
                return self
            return self.filter(mine | Q(cadre__isnull=True, online_import__org_unit_id__in=units))
        return self.filter(mine)


class OnlineFigure(models.Model):
    """One row of an import: whose figure, how much, and what became of it (the per-person history)."""

    online_import = models.ForeignKey(
        OnlineImport, verbose_name=_("import"), on_delete=models.PROTECT, related_name="figures"
    )
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    period_key = models.CharField(_("period"), max_length=21, blank=True)  # "" for a year's cumulative figure
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, null=True, blank=True, related_name="online_figures"
    )
    row = models.PositiveIntegerField(_("row"))
    name = models.CharField(_("name as written"), max_length=50, blank=True)
    identifier = models.CharField(_("identifier as written (masked)"), max_length=30, blank=True)
    section = models.CharField(_("unit or section as written"), max_length=100, blank=True)
    amount = models.DecimalField(_("figure"), max_digits=9, decimal_places=2)
    required = models.DecimalField(_("required hours"), max_digits=9, decimal_places=2, null=True, blank=True)
    elective = models.DecimalField(_("elective hours"), max_digits=9, decimal_places=2, null=True, blank=True)
    courses = models.PositiveIntegerField(_("courses completed"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, null=True, blank=True)
    status = models.CharField(pgettext_lazy("online figure", "Outcome"), max_length=10, choices=FigureStatus.choices)
    flags = models.TextField(_("why it is flagged"), blank=True)
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

    objects = OnlineFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("online figure")
        verbose_name_plural = _("online figures")
        ordering = ["online_import", "row"]
        indexes = [
            models.Index(fields=["cadre", "platform", "year"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="online_figure_not_negative",
                violation_error_message=_("A figure cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(cadre__isnull=False) | Q(status="unmatched"),
                name="online_figure_matched_unless_unmatched",
                violation_error_message=_("Only an unmatched row has no cadre."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.platform_id} {self.year} {self.amount}"

    @property
    def flag_list(self) -> list[str]:
        return [line for line in self.flags.splitlines() if line]


class OnlineCreditQuerySet(models.QuerySet["OnlineCredit"]):
    def visible_to(self, user) -> OnlineCreditQuerySet:
        """The credits of the cadres the user sees: an administrator's units, a section head's 科室, a cadre's own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_admin and admin_unit_ids(user) is None:
            return self
        return self.filter(cadre__in=Cadre.objects.visible_to(user).values("pk"))


class OnlineCredit(models.Model):
    """What counts of one cadre on one platform in one year: the source of its one ledger entry.

    ``parts`` holds the figure applied per period ("" for a cumulative export's year to date), so that a per-period
    platform adds up its periods and a cumulative one keeps its latest figure.
    """

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="online_credits")
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    parts = models.JSONField(_("figures per period"), default=dict)
    amount = models.DecimalField(_("figure"), max_digits=9, decimal_places=2, default=Decimal(0))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, default=Decimal(0))
    last_day = models.DateField(_("counted to"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OnlineCreditQuerySet.as_manager()

    class Meta:
        verbose_name = _("online credit")
        verbose_name_plural = _("online credits")
        ordering = ["-year", "platform", "cadre"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "platform", "year"],
                name="online_credit_one_per_cadre_platform_year",
                violation_error_message=_("This cadre already has a figure of this platform for the year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.platform_id} {self.year}"

    def get_absolute_url(self) -> str:
        """Needs only the key (the archive links a ledger entry to its source without reading it)."""
        return reverse("online:credit_detail", args=[self.pk])


class OutlierKind(models.TextChoices):
    PER_DAY = "per_day", _("More hours a day of the period, on average, than")
    PER_YEAR = "per_year", _("More hours in a year than")
    NOT_IN_POST = "not_in_post", _("A figure for a cadre not in post during the period")


class OutlierRule(models.Model):
    """A check a figure must pass to be counted without review; an administrator tightens or turns it off."""

    kind = models.CharField(_("rule"), max_length=20, choices=OutlierKind.choices, unique=True)
    threshold = models.DecimalField(
        _("threshold (学时)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A figure above it is flagged; not used by the not-in-post rule."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("outlier rule")
        verbose_name_plural = _("outlier rules")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__isnull=True) | Q(threshold__gt=0),
                name="outlier_rule_threshold_positive",
                violation_error_message=_("The threshold must be above 0."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def clean(self) -> None:
        if self.kind != OutlierKind.NOT_IN_POST and self.threshold is None:
            raise ValidationError({"threshold": _("This rule needs a threshold.")})


def period_key(start: dt.date, end: dt.date, cumulation: str) -> str:
    """The key of a figure's period within its year: "" for a cumulative export (the year to date)."""
    return "" if cumulation == Cumulation.YEAR else f"{start.isoformat()}/{end.isoformat()}"
