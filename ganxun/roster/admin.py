"""Django admin for the roster: read-only.  Cadres, 科室 and tags change only through the audited pages."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ganxun.core.admin import ReadOnlyAdmin

from .models import Cadre, Section, Tag


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]


@admin.register(Cadre)
class CadreAdmin(ReadOnlyAdmin):
    """Only so that accounts can be linked to a cadre by search; the ID number and phone stay masked."""

    list_display = ["name", "section", "post", "status", "masked_id_number"]
    list_filter = ["status", "section"]
    list_select_related = ["section"]
    search_fields = ["name", "name_initials"]
    fields = ["name", "section", "post", "status", "masked_id_number"]
    readonly_fields = fields

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj: Cadre) -> str:
        return obj.id_number_masked
