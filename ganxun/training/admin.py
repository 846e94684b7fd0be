"""Django admin for training: read-only.  Activities, sessions and enrolments change only through the audited pages."""

from django.contrib import admin

from ganxun.core.admin import ReadOnlyAdmin

from .models import Activity, ActivityKind, Enrolment, Session, TopicModule


@admin.register(ActivityKind)
class ActivityKindAdmin(ReadOnlyAdmin):
    list_display = ["name", "classroom", "bucket", "unit", "is_study_session", "is_class", "is_active"]
    list_filter = ["classroom", "is_active"]


@admin.register(TopicModule)
class TopicModuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "sort_order", "is_active"]


class SessionInline(admin.TabularInline):
    model = Session
    fields = ["date", "start_time", "end_time", "hours", "hours_overridden", "place"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "topic", "organiser", "created_at"]
    list_filter = ["kind__classroom", "kind"]
    list_select_related = ["kind", "topic", "organiser"]
    search_fields = ["title"]
    inlines = [SessionInline]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["activity", "cadre", "section", "via", "enrolled_at"]
    list_select_related = ["activity", "cadre", "section"]
    search_fields = ["activity__title", "cadre__name"]
