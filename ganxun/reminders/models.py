"""What is stored of the reminders: only which notice a person has read.  The deadlines themselves are computed
from the records on every page (``queries.py``), so they are never stale and need no refresh job."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeRead(models.Model):
    """A person has read one notice: one stage (upcoming, behind, overdue) of one deadline of one cadre.

    A notice read stays read; when its deadline moves on to another stage (upcoming → overdue) that is a new
    notice, unread.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    cadre = models.ForeignKey("roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("notice"), max_length=100)
    read_at = models.DateTimeField(_("read"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice read")
        verbose_name_plural = _("notices read")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cadre", "key"],
                name="notice_read_once",
                violation_error_message=_("This notice is already read."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.cadre_id} {self.key}"
