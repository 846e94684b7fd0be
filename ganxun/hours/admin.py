"""Django admin for the ledger and its rules: read-only.  They change only through the audited pages."""

from django.contrib import admin

from ganxun.core.admin import ReadOnlyAdmin

from .models import BucketCap, ConversionRule, LedgerEntry, OutsideClass, Requirement


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["date", "cadre", "title", "bucket", "source", "hours", "status"]
    list_filter = ["status", "bucket", "source"]
    list_select_related = ["cadre"]
    search_fields = ["title", "cadre__name"]
    date_hierarchy = "date"
    raw_id_fields = ["cadre"]


@admin.register(ConversionRule)
class ConversionRuleAdmin(ReadOnlyAdmin):
    list_display = ["year", "unit", "per", "hours", "rounding", "per_item_cap"]
    list_filter = ["year"]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["name", "tier", "start_year", "end_year", "hours"]
    list_filter = ["start_year"]


@admin.register(BucketCap)
class BucketCapAdmin(ReadOnlyAdmin):
    list_display = ["year", "bucket", "cap"]
    list_filter = ["year"]


@admin.register(OutsideClass)
class OutsideClassAdmin(ReadOnlyAdmin):
    list_display = ["title", "organiser", "start_date", "end_date", "hours", "bucket"]
    search_fields = ["title", "organiser"]
