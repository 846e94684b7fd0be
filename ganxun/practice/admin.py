"""Django admin for the practice records: read-only.  They change only through the audited services and pages."""

from django.contrib import admin

from ganxun.core.admin import ReadOnlyAdmin

from .models import (
    Award,
    Campaign,
    CommunityReport,
    Competition,
    CompetitionEntry,
    Criterion,
    Evidence,
    Place,
    PracticeCredit,
    Score,
    Secondment,
    Stint,
    Team,
    TeamMembership,
    Visit,
)


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "parent", "merged_into"]
    list_filter = ["kind"]
    search_fields = ["name", "normalised_name"]
    raw_id_fields = ["parent", "merged_into"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "start_date", "end_date"]
    search_fields = ["name"]


@admin.register(Stint)
class StintAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "campaign", "place", "role", "start_date", "end_date", "unit"]
    list_filter = ["campaign"]
    list_select_related = ["cadre", "campaign", "place", "unit"]
    search_fields = ["cadre__name", "place__name"]
    raw_id_fields = ["cadre", "place"]
    date_hierarchy = "start_date"


@admin.register(CommunityReport)
class CommunityReportAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "place", "date", "service", "party_branch"]
    list_select_related = ["cadre", "place"]
    search_fields = ["cadre__name", "place__name"]
    raw_id_fields = ["cadre", "place"]
    date_hierarchy = "date"


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "unit", "formed_on", "dissolved_on"]
    list_filter = ["kind"]


@admin.register(TeamMembership)
class TeamMembershipAdmin(ReadOnlyAdmin):
    list_display = ["team", "cadre", "role", "joined_on", "left_on"]
    list_filter = ["team", "role"]
    list_select_related = ["team", "cadre"]
    raw_id_fields = ["cadre"]


@admin.register(Secondment)
class SecondmentAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "kind", "region", "host_unit", "post", "planned_start", "planned_end", "actual_end"]
    list_filter = ["kind"]
    list_select_related = ["cadre"]
    raw_id_fields = ["cadre", "place"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "kind", "place", "destination", "start_date", "end_date", "task"]
    list_filter = ["kind"]
    list_select_related = ["cadre", "place"]
    raw_id_fields = ["cadre", "place"]


@admin.register(Competition)
class CompetitionAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "year", "published_at"]
    list_filter = ["year"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["competition", "name", "weight", "max_score", "order"]


@admin.register(CompetitionEntry)
class CompetitionEntryAdmin(ReadOnlyAdmin):
    list_display = ["competition", "kind", "cadre", "name", "section"]
    list_filter = ["kind"]
    raw_id_fields = ["cadre", "members"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["entry", "criterion", "judge", "value"]
    raw_id_fields = ["entry"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["competition", "entry", "level", "method", "rank", "reason"]
    list_filter = ["level", "method"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["content_type", "object_id", "file", "note", "uploaded_by", "uploaded_at"]


@admin.register(PracticeCredit)
class PracticeCreditAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "year", "title", "days", "first_day", "last_day"]
    list_filter = ["year"]
    raw_id_fields = ["cadre", "stint", "community_report", "secondment", "visit"]
