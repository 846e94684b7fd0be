"""新进干部轮岗: a rotation of a cadre through a host 科室 for a period, with a mentor (带教), the tasks, its
completion and the host's evaluation.  A cadre's rotations do not overlap; the host is not the cadre's own 科室."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ganxun.roster.models import Cadre, Section, admin_unit_ids


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Satisfactory")
    FAIL = "fail", _("Unsatisfactory")


class RotationQuerySet(models.QuerySet["Rotation"]):
    def visible_to(self, user) -> RotationQuerySet:
        """An administrator: the rotations of the cadres or host 科室 of the units their role reaches; a 科室负责人:
        those of their 科室's cadres and those their 科室 hosts; a cadre: their own (and those they mentor)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            if units is None:
                return self
            return self.filter(Q(cadre__unit_id__in=units) | Q(host_section__unit_id__in=units))
        mine = Q(cadre_id=user.cadre_id) | Q(mentor_id=user.cadre_id) if user.cadre_id else Q(pk__in=[])
        if user.is_section_head and user.section_id_scope is not None:
            section = user.section_id_scope
            return self.filter(mine | Q(host_section_id=section) | Q(cadre__section_id=section))
        return self.filter(mine)

    def editable_by(self, user) -> RotationQuerySet:
        """Administrators plan rotations of the cadres they reach."""
        if not user.is_authenticated or not user.is_active or not user.is_admin:
            return self.none()
        units = admin_unit_ids(user)
        return self if units is None else self.filter(cadre__unit_id__in=units)

    def hosted_by(self, user) -> RotationQuerySet:
        """The rotations whose host's evaluation this user gives: an administrator's, or the host 科室's head's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self.editable_by(user)
        if user.is_section_head and user.section_id_scope is not None:
            return self.filter(host_section_id=user.section_id_scope).exclude(cadre_id=user.cadre_id)
        return self.none()

    def overlapping(self, first, last) -> RotationQuerySet:
        return self.filter(start_date__lte=last, end_date__gte=first)


class Rotation(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="rotations")
    host_section = models.ForeignKey(
        Section, verbose_name=_("host section"), on_delete=models.PROTECT, related_name="hosted_rotations"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    mentor = models.ForeignKey(
        Cadre,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentored_rotations",
        null=True,
        blank=True,
    )
    tasks = models.TextField(_("tasks"), blank=True, help_text=_("What the cadre learns and does in the host section."))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    summary = models.TextField(_("cadre's summary"), blank=True)
    rating = models.CharField(_("host's rating"), max_length=20, choices=Rating.choices, blank=True)
    evaluation = models.TextField(_("host's evaluation"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RotationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        ordering = ["-start_date", "cadre__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="rotation_ends_after_it_starts",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("start_date")),
                name="rotation_completed_after_it_starts",
                violation_error_message=_("A rotation cannot be completed before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.host_section} {self.start_date}–{self.end_date}"

    def get_absolute_url(self) -> str:
        return reverse("rotation:detail", args=[self.pk])

    @property
    def evaluated(self) -> bool:
        return bool(self.rating)

    def status_label(self, today) -> str:
        if self.evaluated:
            return str(_("Evaluated"))
        if self.completed_on:
            return str(_("Completed, awaiting evaluation"))
        if today < self.start_date:
            return str(_("Planned"))
        if today > self.end_date:
            return str(_("Ended, not yet completed"))
        return str(_("In progress"))
