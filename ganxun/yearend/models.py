"""The year-end report's draft: per unit and year, the writer's prose as ordered paragraphs whose text holds
``{key}`` placeholders for the figures (``figures.CATALOGUE``), and the figures as last computed (a snapshot, with
the moment it was computed), so that the prose survives every regeneration."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ParagraphKind(models.TextChoices):
    HEADING = "heading", _("Heading (一、)")
    SUBHEADING = "subheading", _("Subheading (（一）)")
    BODY = "body", _("Body text")


class DraftQuerySet(models.QuerySet):
    def visible_to(self, user) -> DraftQuerySet:
        """The drafts of the units the user's role reaches (administrators and 领导干部; the views refuse others)."""
        from ganxun.roster.models import Unit

        return self.filter(unit__in=Unit.objects.visible_to(user).values("pk"))


class Draft(models.Model):
    unit = models.ForeignKey("roster.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    # {key: {"label", "definition", "unit", "section", "value", "url"}} in the catalogue's order; values as JSON
    # numbers (team_members a dict of team → members).
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("figures computed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("year-end report draft")
        verbose_name_plural = _("year-end report drafts")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="yearend_one_draft_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.year}年度干部教育培训工作总结"


class Paragraph(models.Model):
    draft = models.ForeignKey(Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=ParagraphKind.choices, default=ParagraphKind.BODY)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        ordering = ["draft", "position"]
        constraints = [models.UniqueConstraint(fields=["draft", "position"], name="yearend_paragraph_position_unique")]

    def __str__(self) -> str:
        return self.text[:30]
