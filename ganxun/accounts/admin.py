"""Account management for the 系统管理员: role and linked cadre on top of Django's user admin; every change audited."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from .models import User

admin.site.site_header = _("Ganxun system administration")
admin.site.site_title = _("Ganxun system administration")
admin.site.index_title = _("Accounts and reference data")


def account_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": str(user.get_role_display()),
        "cadre": str(user.cadre) if user.cadre_id else None,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "role", "cadre", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["cadre"]
    search_fields = ["username", "first_name", "last_name", "cadre__name"]
    autocomplete_fields = ["cadre"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Role"), {"fields": ("role", "cadre")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "role", "cadre", "password1", "password2")}),)

    def save_model(self, request, obj: User, form, change: bool) -> None:
        before = account_snapshot(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        after = account_snapshot(obj)
        if not change:
            audit_record(actor=request.user, action=Action.CREATE, obj=obj, after=after)
        elif before != after:
            audit_record(actor=request.user, action=Action.UPDATE, obj=obj, before=before, after=after)
