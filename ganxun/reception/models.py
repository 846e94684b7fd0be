"""效能接待: the rota rule of a unit (which 科室, in what order, by day or by week, how many cadres a turn), the duty
slots it generates on working days, their duty cadres, and the 信访 cases handled at the desk.

A petitioner's personal data is kept minimal: a form of address (王先生) and, if given, a phone number shown masked."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.roster.models import Cadre, Section, Unit, UnitRowsQuerySet, admin_unit_ids


class Granularity(models.TextChoices):
    DAY = "day", _("By working day")
    WEEK = "week", _("By week")


class RotaRule(models.Model):
    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rota_rule")
    granularity = models.CharField(_("turns"), max_length=10, choices=Granularity.choices, default=Granularity.WEEK)
    per_turn = models.PositiveSmallIntegerField(
        _("duty cadres per turn"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    sections = models.ManyToManyField(Section, through="RotaSection", verbose_name=_("sections in turn"))

    class Meta:
        verbose_name = _("rota rule")
        verbose_name_plural = _("rota rules")

    def __str__(self) -> str:
        return f"{self.unit} {self.get_granularity_display()}"

    def ordered_sections(self) -> list[Section]:
        return [link.section for link in self.links.select_related("section").order_by("position")]


class RotaSection(models.Model):
    rule = models.ForeignKey(RotaRule, on_delete=models.CASCADE, related_name="links")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "section"], name="rota_section_once"),
            models.UniqueConstraint(fields=["rule", "position"], name="rota_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position + 1}. {self.section}"


class DutySlotQuerySet(UnitRowsQuerySet):
    """Everyone signed in reads their unit's rota; an administrator those of the units they reach."""


class DutySlot(models.Model):
    """One turn at the desk: a 科室 from its first to its last working day, with its duty cadres."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    section = models.ForeignKey(Section, verbose_name=_("section on duty"), on_delete=models.PROTECT, related_name="+")
    cadres = models.ManyToManyField(Cadre, verbose_name=_("duty cadres"), related_name="duty_slots", blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = DutySlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty turn")
        verbose_name_plural = _("duty turns")
        ordering = ["first_day"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "first_day"], name="duty_slot_one_per_day"),
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="duty_slot_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.first_day}～{self.last_day} {self.section}"

    def get_absolute_url(self) -> str:
        return reverse("reception:slot_update", args=[self.pk])


class Category(models.TextChoices):
    HOUSE_SAFETY = "house_safety", _("House safety")
    PROPERTY = "property", _("Property management")
    RENEWAL = "renewal", _("Old housing renewal")
    SECURITY = "security", _("Housing security")
    MARKET = "market", _("Housing market")
    OTHER = "other", _("Other")


class Result(models.TextChoices):
    ANSWERED = "answered", _("Answered on the spot")
    REFERRED = "referred", _("Referred to the responsible section")
    CLOSED = "closed", _("Handled and closed")
    NOT_ACCEPTED = "not_accepted", _("Not accepted, with an explanation")


class CaseQuerySet(models.QuerySet["PetitionCase"]):
    def visible_to(self, user) -> CaseQuerySet:
        """An administrator: the units they reach; a 科室负责人: their 科室's cases; a cadre: the cases they handled."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        if user.is_section_head and user.section_id_scope is not None:
            return self.filter(Q(section_id=user.section_id_scope) | Q(handled_by_id=user.cadre_id))
        return self.filter(handled_by_id=user.cadre_id) if user.cadre_id else self.none()


class PetitionCase(models.Model):
    """A 信访 matter received at the desk: what it was about in brief, who handled it, how, and when it closed."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("received on"))
    visitor = models.CharField(
        _("visitor"), max_length=20, blank=True, help_text=_("A form of address only, e.g. 王先生; no full name.")
    )
    visitor_phone = models.CharField(_("visitor's phone"), max_length=20, blank=True)
    matter = models.CharField(_("matter in brief"), max_length=200)
    category = models.CharField(pgettext_lazy("petition", "category"), max_length=20, choices=Category.choices)
    handled_by = models.ForeignKey(Cadre, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(
        DutySlot, verbose_name=_("duty turn"), on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    result = models.CharField(pgettext_lazy("petition", "result"), max_length=20, choices=Result.choices)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition case")
        verbose_name_plural = _("petition cases")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="petition_closed_after_received",
                violation_error_message=_("A case cannot close before it was received."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.matter}"

    def get_absolute_url(self) -> str:
        return reverse("reception:case_update", args=[self.pk])

    @property
    def days_to_close(self) -> int | None:
        return (self.closed_on - self.received_on).days if self.closed_on else None

    @property
    def masked_phone(self) -> str:
        phone = self.visitor_phone
        return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else ("****" if phone else "")
