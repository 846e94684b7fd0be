"""培训菜单: the topics each post family needs, and how often.

A *post family* (岗位类别) groups post names (职务, the roster's free-text ``Cadre.post``): "科员" and "办事员" may share
one menu, and a family of one name is the menu of that one post.  A cadre follows the family whose list holds
their post now (matched exactly after spaces are taken out of both); a post in no family has no menu.  Each need
(``Need``) names a topic module of the training app, whether it is 必修 or 选修, and how many years a taking of
it lasts.
"""

from __future__ import annotations

import re

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.training.models import TopicModule

SPACES = re.compile(r"\s+")  # \s covers the full-width space U+3000 too
MAX_EVERY_YEARS = 10


def normalise_post(name: str) -> str:
    """A post name as the menu compares it: no spaces anywhere (" 科 员　" is 科员)."""
    return SPACES.sub("", name or "")


class PostFamily(models.Model):
    """岗位类别: a group of post names that share one menu of topics."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("post family")
        verbose_name_plural = _("post families")
        ordering = ["sort_order", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("menu:family_update", args=[self.pk])


class PostName(models.Model):
    """One post name (职务) of a family; a post belongs to one family at most."""

    family = models.ForeignKey(
        PostFamily, verbose_name=_("post family"), on_delete=models.CASCADE, related_name="posts"
    )
    name = models.CharField(_("post"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("post of a family")
        verbose_name_plural = _("posts of a family")
        ordering = ["family", "name"]

    def __str__(self) -> str:
        return self.name


class Requirement(models.TextChoices):
    REQUIRED = "required", pgettext_lazy("menu", "Required")
    ELECTIVE = "elective", pgettext_lazy("menu", "Elective")


class NeedQuerySet(models.QuerySet["Need"]):
    def in_force(self) -> NeedQuerySet:
        """The needs whose topic module is in use."""
        return self.filter(topic__is_active=True)


class Need(models.Model):
    """A topic a post family needs: 必修 or 选修, taken again every N years."""

    family = models.ForeignKey(
        PostFamily, verbose_name=_("post family"), on_delete=models.CASCADE, related_name="needs"
    )
    topic = models.ForeignKey(
        TopicModule, verbose_name=_("topic module"), on_delete=models.PROTECT, related_name="menu_needs"
    )
    requirement = models.CharField(
        _("required or elective"), max_length=10, choices=Requirement.choices, default=Requirement.REQUIRED
    )
    every_years = models.PositiveSmallIntegerField(
        _("every how many years"),
        default=2,
        validators=[
            MinValueValidator(1, _("Every how many years: enter a number from 1 to 10.")),
            MaxValueValidator(MAX_EVERY_YEARS, _("Every how many years: enter a number from 1 to 10.")),
        ],
        help_text=_(
            "A taking counts for this many years: taken on 1 March 2025 every 2 years, due again on 1 March 2027."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic needed")
        verbose_name_plural = _("topics needed")
        ordering = [
            "family__sort_order",
            "family__name",
            "-requirement",  # 必修 first
            "topic__sort_order",
            "topic__name",
            "pk",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "topic"],
                name="menu_need_once_per_family",
                violation_error_message=_("This post family already needs this topic."),
            ),
            models.CheckConstraint(
                condition=models.Q(every_years__gte=1, every_years__lte=MAX_EVERY_YEARS),
                name="menu_need_every_years_range",
                violation_error_message=_("Every how many years: enter a number from 1 to 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} · {self.topic}"

    @property
    def is_required(self) -> bool:
        return self.requirement == Requirement.REQUIRED
