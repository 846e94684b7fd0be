from django.urls import path

from . import views

app_name = "online"
urlpatterns = [
    path("", views.index, name="index"),
    path("cadres/<int:pk>/", views.cadre_history, name="cadre_history"),
    path("credits/<int:pk>/", views.credit_detail, name="credit_detail"),
    path("platforms/", views.platform_list, name="platform_list"),
    path("platforms/new/", views.platform_edit, name="platform_create"),
    path("platforms/<int:pk>/", views.platform_edit, name="platform_update"),
    path("platforms/<int:pk>/template.xlsx", views.platform_template, name="platform_template"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/file/", views.import_file, name="import_file"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.figure_decide, name="figure_decide"),
    path("recount/", views.recount, name="recount"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<int:pk>/", views.rule_update, name="rule_update"),
]
