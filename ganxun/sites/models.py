"""现场教学: the 民生实事 project sites (加装电梯, 美丽家园 …) of a unit as places, and the training activities held
at each.  A site's name is compared normalised (NFKC, spaces removed, letter case folded), once per unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.roster.models import Section, Unit, UnitRowsQuerySet
from ganxun.training.models import Activity


class ProjectKind(models.TextChoices):
    LIFT = "lift", _("Lift retrofit")  # 加装电梯
    HOMES = "homes", _("Beautiful Homes renewal")  # 美丽家园
    RENEWAL = "renewal", _("Old district renovation")  # 旧区改造
    SECURITY = "security", _("Affordable housing")  # 保障房
    PROPERTY = "property", _("Property management showcase")  # 物业管理示范
    OTHER = "other", _("Other project")


class SiteQuerySet(UnitRowsQuerySet):
    """Everyone signed in reads their unit's sites; an administrator those of the units they reach."""


class Site(models.Model):
    """A 现场教学点: a project site of a unit where cadres are taught on the spot."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    normalised_name = models.CharField(_("normalised name"), max_length=100, editable=False)
    kind = models.CharField(_("kind of project"), max_length=20, choices=ProjectKind.choices)
    address = models.CharField(pgettext_lazy("site", "address"), max_length=200, blank=True)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.CharField(_("contact person"), max_length=30, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("field teaching site")
        verbose_name_plural = _("field teaching sites")
        ordering = ["kind", "normalised_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "normalised_name"],
                name="site_name_once_per_unit",
                violation_error_message=_("This unit already has a site of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sites:site_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        phone = self.contact_phone
        return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else ("****" if phone else "")


class SiteActivity(models.Model):
    """An activity held at a site; an activity is held at one site at most."""

    site = models.ForeignKey(
        Site, verbose_name=_("field teaching site"), on_delete=models.PROTECT, related_name="links"
    )
    activity = models.OneToOneField(
        Activity, verbose_name=_("training activity"), on_delete=models.CASCADE, related_name="site_link"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity at a site")
        verbose_name_plural = _("activities at sites")

    def __str__(self) -> str:
        return f"{self.site} · {self.activity}"
