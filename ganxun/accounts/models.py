from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    TRAINING_ADMIN = "training_admin", _("Training administrator")
    SECTION_HEAD = "section_head", _("Section head")
    CADRE = "cadre", _("Cadre")


class User(AbstractUser):
    """A login account; what it may see follows from its role and, below admin, its cadre."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CADRE)
    cadre = models.OneToOneField(
        "roster.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["system_admin", "training_admin"]) | models.Q(cadre__isnull=False),
                name="account_below_admin_has_cadre",
                violation_error_message=_("A section head or cadre account must be linked to a cadre."),
            )
        ]

    @property
    def is_system_admin(self) -> bool:
        return self.is_active and (self.role == Role.SYSTEM_ADMIN or self.is_superuser)

    @property
    def is_training_admin(self) -> bool:
        return self.is_active and self.role == Role.TRAINING_ADMIN

    @property
    def is_admin(self) -> bool:
        """System or training administrator: sees the whole bureau."""
        return self.is_system_admin or self.is_training_admin

    @property
    def is_section_head(self) -> bool:
        return self.is_active and self.role == Role.SECTION_HEAD

    @property
    def section_id_scope(self) -> int | None:
        """The one 科室 a section head manages (their own cadre's section)."""
        if self.is_section_head and self.cadre_id is not None:
            return self.cadre.section_id
        return None
