"""Who came to a session (``Attendance``: QR check-in, the sheet, imports) and what they thought of it (``Evaluation``).

The models moved here from training with their tables (``db_table``), by migrations that change no row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ganxun.training.models import AttendanceMethod, AttendanceStatus, Session

__all__ = ["Attendance", "AttendanceMethod", "AttendanceStatus", "Evaluation"]


class Attendance(models.Model):
    """Whether a cadre attended a session: one row per cadre per session, enforced by the database."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    cadre = models.ForeignKey(
        "roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    method = models.CharField(_("recorded by"), max_length=10, choices=AttendanceMethod.choices)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "training_attendance"  # the table it had in training: moving the model moved no row
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "cadre"],
                name="attendance_once_per_session",
                violation_error_message=_("This cadre's attendance is already recorded for this session."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.session} {self.get_status_display()}"


class Evaluation(models.Model):
    """A cadre's evaluation of a session; anonymous ones never show who wrote them."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="evaluations"
    )
    cadre = models.ForeignKey("roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    content = models.PositiveSmallIntegerField(_("content"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    delivery = models.PositiveSmallIntegerField(_("delivery"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        db_table = "training_evaluation"  # the table it had in training: moving the model moved no row
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "cadre"],
                name="evaluation_once_per_session",
                violation_error_message=_("You have already evaluated this session."),
            ),
            models.CheckConstraint(
                condition=Q(content__range=(1, 5)) & Q(delivery__range=(1, 5)) & Q(usefulness__range=(1, 5)),
                name="evaluation_scores_1_to_5",
                violation_error_message=_("Scores run from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.content}/{self.delivery}/{self.usefulness}"
