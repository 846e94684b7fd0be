from django.urls import path

from .views import compliance, learning, outside_classes, rules, self_reports

app_name = "hours"
urlpatterns = [
    path("my/", learning.my_learning, name="my_learning"),
    path("archive/<int:pk>/", learning.cadre_archive, name="cadre_archive"),
    path("entries/<int:pk>/evidence/", learning.entry_evidence, name="entry_evidence"),
    path("self-reports/", self_reports.self_report_queue, name="self_report_queue"),
    path("self-reports/new/", self_reports.self_report_create, name="self_report_create"),
    path("self-reports/batch/", self_reports.self_report_batch, name="self_report_batch"),
    path("self-reports/<int:pk>/edit/", self_reports.self_report_edit, name="self_report_edit"),
    path("self-reports/<int:pk>/", self_reports.self_report_detail, name="self_report_detail"),
    path("self-reports/<int:pk>/review/", self_reports.self_report_review, name="self_report_review"),
    path("compliance/", compliance.compliance_overview, name="compliance"),
    path("compliance/sections/<int:pk>/", compliance.compliance_section, name="compliance_section"),
    path("compliance/cadres/", compliance.compliance_cadres, name="compliance_cadres"),
    path("compliance/export/", compliance.compliance_export, name="compliance_export"),
    path("rules/", rules.rule_list, name="rule_list"),
    path("rules/copy/", rules.rules_copy_view, name="rules_copy"),
    path("rules/inherit/", rules.rules_inherit_view, name="rules_inherit"),
    path("rules/history/new/", rules.HistoryRuleCreateView.as_view(), name="history_rule_create"),
    path("rules/history/<int:pk>/edit/", rules.HistoryRuleUpdateView.as_view(), name="history_rule_update"),
    path("rules/conversions/new/", rules.ConversionCreateView.as_view(), name="conversion_create"),
    path("rules/conversions/<int:pk>/edit/", rules.ConversionUpdateView.as_view(), name="conversion_update"),
    path("rules/requirements/new/", rules.RequirementCreateView.as_view(), name="requirement_create"),
    path("rules/requirements/<int:pk>/edit/", rules.RequirementUpdateView.as_view(), name="requirement_update"),
    path("rules/caps/new/", rules.CapCreateView.as_view(), name="cap_create"),
    path("rules/caps/<int:pk>/edit/", rules.CapUpdateView.as_view(), name="cap_update"),
    path("rules/completion/new/", rules.CompletionCreateView.as_view(), name="completion_rule_create"),
    path("rules/completion/<int:pk>/edit/", rules.CompletionUpdateView.as_view(), name="completion_rule_update"),
    path("outside-classes/", outside_classes.outside_class_list, name="outside_class_list"),
    path("outside-classes/new/", outside_classes.OutsideClassCreateView.as_view(), name="outside_class_create"),
    path("outside-classes/<int:pk>/", outside_classes.outside_class_detail, name="outside_class_detail"),
    path(
        "outside-classes/<int:pk>/edit/", outside_classes.OutsideClassUpdateView.as_view(), name="outside_class_update"
    ),
    path(
        "outside-classes/<int:pk>/remove/",
        outside_classes.outside_class_remove,
        name="outside_class_participant_remove",
    ),
]
