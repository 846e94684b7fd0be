from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    TRAINING_ADMIN = "training_admin", _("Training administrator")
    SECTION_HEAD = "section_head", _("Section head")
    CADRE = "cadre", _("Cadre")


class AccountManager(UserManager):
    def _create_user_object(self, username, email, password, **extra_fields):
        """As Django's, but through set_password(), so that the audit sees a password set (accounts/signals.py)."""
        user = super()._create_user_object(username, email, None, **extra_fields)
        if password is not None:
            user.set_password(password)
        return user

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """``createsuperuser`` makes a 系统管理员: a superuser with the default role (干部) would need a cadre."""
        extra_fields.setdefault("role", Role.SYSTEM_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


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

    unit = models.ForeignKey(
        "roster.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        help_text=_(
            "The unit an administrator's role is held in; it reaches the units below. "
            "Empty for a system administrator of the whole system. Other roles act in their cadre's unit."
        ),
    )

    objects = AccountManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["system_admin", "training_admin"]) | models.Q(cadre__isnull=False),
                name="account_below_admin_has_cadre",
                violation_error_message=_("A section head or cadre account must be linked to a cadre."),
            ),
            models.CheckConstraint(
                condition=~models.Q(role="training_admin") | models.Q(unit__isnull=False),
                name="account_training_admin_has_unit",
                violation_error_message=_("A training administrator must hold the role in a unit."),
            ),
        ]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        # Named on the field (the constraint's own message would be form-wide).
        if self.role == Role.TRAINING_ADMIN and self.unit_id is None:
            raise ValidationError({"unit": _("A training administrator must hold the role in a unit.")})

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
    def unit_scope(self):
        """The unit whose subtree this account's role reaches: an administrator's own unit, else the cadre's."""
        if self.is_admin:
            return self.unit
        if self.cadre_id is not None:
            return self.cadre.unit
        return None

    @property
    def section_id_scope(self) -> int | None:
        """The one 科室 a section head manages (their own cadre's section)."""
        if self.is_section_head and self.cadre_id is not None:
            return self.cadre.section_id
        return None


# django-axes' login records, as the 系统管理员 reads them in the admin: Chinese names, and a Chinese line for each
# record (axes' own are English).  Proxies: the tables stay axes' own.


def _login_record(record) -> str:
    return _("%(username)s from %(ip)s at %(time)s") % {
        "username": record.username or "—",
        "ip": record.ip_address or "—",
        "time": timezone.localtime(record.attempt_time).strftime("%Y-%m-%d %H:%M:%S") if record.attempt_time else "—",
    }


class FailedLoginCount(AccessAttempt):
    """Failed logins counted per account, address and browser; the count reaching the limit is the lockout."""

    class Meta:
        proxy = True
        verbose_name = _("failed-login count")
        verbose_name_plural = _("failed-login counts")

    def __str__(self) -> str:
        return _login_record(self)


class LoginFailure(AccessFailureLog):
    """One failed login, kept as a log entry."""

    class Meta:
        proxy = True
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return _login_record(self)


class LoginRecord(AccessLog):
    """One successful login (and when its session was logged out)."""

    class Meta:
        proxy = True
        verbose_name = _("login record")
        verbose_name_plural = _("login records")

    def __str__(self) -> str:
        return _login_record(self)
