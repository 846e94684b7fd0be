"""Account management for the 系统管理员, in Chinese, every change audited.

Access in 干训 follows the account's role alone (accounts.models.Role); Django's groups and per-user
permissions decide nothing in the application, so they are not offered here: a group edited in the admin
would look like access granted while granting none.  Who may enter this admin at all is the 系统管理员 flag
(``is_staff``/``is_superuser``), which is audited as a change of permissions.

The login-security records of django-axes are shown read-only, except that deleting a failed-login record
lifts the lockout it causes; that deletion is audited.
"""

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from .lockout import record_lockout_reset
from .models import FailedLoginCount, LoginFailure, LoginRecord, User

admin.site.site_header = _("Ganxun system administration")
admin.site.site_title = _("Ganxun system administration")
admin.site.index_title = _("Accounts and reference data")
admin.site.unregister(Group)

# Fields whose change alters what the account may do.
PERMISSION_FIELDS = ("role", "unit", "is_active", "is_staff", "is_superuser")

# django-axes ships no Chinese: its words, as it spells them, so that our catalogue carries their translation.
AXES_MSGIDS = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access lock out"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Not set"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
)
# Django 6.1's admin strings that its own zh_Hans catalogue lacks.
DJANGO_ADMIN_MSGIDS = (
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop('The app "%s" could not be found.'),
    gettext_noop(", "),
    gettext_noop("Logout"),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
)


def account_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": str(user.get_role_display()),
        "cadre": str(user.cadre) if user.cadre_id else None,
        "unit": str(user.unit) if user.unit_id else None,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "role", "unit", "cadre", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "unit", "is_active", "is_staff"]
    list_select_related = ["cadre", "unit"]
    search_fields = ["username", "first_name", "last_name", "cadre__name"]
    autocomplete_fields = ["cadre"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Role"), {"fields": ("role", "unit", "cadre")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "unit", "cadre", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj: User, form, change: bool) -> None:
        """Creation, and any change: as a change of permissions when it touches what the account may do."""
        before = account_snapshot(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        after = account_snapshot(obj)
        if before is None:
            audit_record(actor=request.user, action=Action.CREATE, obj=obj, after=after)
        elif before != after:
            touched = {k for k in after if before[k] != after[k]}
            action = Action.PERMISSIONS if touched & set(PERMISSION_FIELDS) else Action.UPDATE
            audit_record(actor=request.user, action=action, obj=obj, before=before, after=after)


class LockoutAdminMixin:
    """Read-only records: nobody adds or edits them, and only failed-login records may be deleted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FailedLoginCount)
class FailedLoginAdmin(LockoutAdminMixin, AccessAttemptAdmin):
    """Deleting a count lifts the lockout it causes: the deletion is the audited act of lifting it."""

    @admin.display(description=_("Lockout status"))
    def status(self, obj) -> str:
        return super().status(obj)

    def delete_model(self, request, obj: FailedLoginCount) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            record_lockout_reset(count=1, username=obj.username, ip_address=obj.ip_address)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            removed = list(queryset.values_list("username", "ip_address"))
            super().delete_queryset(request, queryset)
            for username, ip_address in removed:
                record_lockout_reset(count=1, username=username, ip_address=ip_address)


@admin.register(LoginRecord)
class LoginLogAdmin(LockoutAdminMixin, AccessLogAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LoginFailure)
class LoginFailureLogAdmin(LockoutAdminMixin, AccessFailureLogAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False
