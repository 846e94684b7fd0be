"""The audit trail: append-only, written by services, never edited from the UI."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    STATUS = "status", _("Status changed")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKOUT = "lockout", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    DELETE = "delete", _("Deleted")
    PASSWORD = "password", _("Password set")
    PERMISSIONS = "permissions", _("Permissions changed")
    LOCKOUT_RESET = "lockout_reset", _("Lockout cleared")
    REVEAL = "reveal", _("Full personal data shown")
    CHECKIN_REFUSED = "checkin_refused", _("Check-in refused")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user) -> "AuditEventQuerySet":
        """Only administrators read the audit trail, and only their part of it.

        A system administrator without a unit, or an administrator held in the top unit of the tree (the one
        that reaches every unit: the organisation department, or a single bureau's home unit), reads all of it.
        An administrator held lower down reads the events whose actor is an account of a unit their role reaches
        (an administrator held there, or a cadre of it), and the events on a cadre, 科室, unit, account, activity
        or ledger entry their role reaches, whoever wrote them (the organisation department's edit of a bureau's
        cadre shows in that cadre's history).  Another bureau's events, and those written by the system or by
        an account without a unit on anything else, stay unread.
        """
        from django.apps import apps
        from django.db.models import CharField, Q
        from django.db.models.functions import Cast

        # The roster lies above the audit trail: its models are reached by name, never imported.
        Cadre, Section, Unit = (apps.get_model("roster", name) for name in ("Cadre", "Section", "Unit"))

        if not (user.is_authenticated and user.is_active and user.is_admin):
            return self.none()
        own = user.unit
        if own is None:
            return self if user.is_system_admin else self.none()
        if own.parent_id is None:
            return self
        units = Unit.objects.subtree(own).values("pk")

        def ids(queryset) -> models.QuerySet:
            return queryset.annotate(text_pk=Cast("pk", CharField())).values("text_pk")

        by_actor = Q(actor__unit_id__in=units) | Q(actor__cadre__unit_id__in=units)
        on_object = (
            Q(object_type="cadre", object_id__in=ids(Cadre.objects.filter(unit_id__in=units)))
            | Q(object_type="section", object_id__in=ids(Section.objects.filter(unit_id__in=units)))
            | Q(object_type="unit", object_id__in=ids(Unit.objects.filter(pk__in=units)))
            | Q(
                object_type="user",
                object_id__in=ids(
                    self.model._meta.get_field("actor").related_model.objects.filter(
                        Q(unit_id__in=units) | Q(cadre__unit_id__in=units)
                    )
                ),
            )
        )
        if apps.is_installed("ganxun.training"):
            activities = apps.get_model("training", "Activity").objects.filter(unit_id__in=units)
            on_object |= Q(object_type="activity", object_id__in=ids(activities))
        if apps.is_installed("ganxun.hours"):
            entries = apps.get_model("hours", "LedgerEntry").objects.filter(cadre__unit_id__in=units)
            on_object |= Q(object_type="ledgerentry", object_id__in=ids(entries))
        return self.filter(by_actor | on_object)


class AuditEvent(models.Model):
    """One recorded action: who, when, on what, and the masked before/after."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=50, blank=True, db_index=True)
    object_id = models.CharField(_("object ID"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"
