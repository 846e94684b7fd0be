from django.urls import path

from . import views

app_name = "reception"
urlpatterns = [
    path("", views.rota, name="rota"),
    path("rule/", views.rule_edit, name="rule"),
    path("generate/", views.generate, name="generate"),
    path("turns/<int:pk>/", views.slot_update, name="slot_update"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export/", views.case_export, name="case_export"),
    path("cases/new/", views.case_edit, name="case_create"),
    path("cases/<int:pk>/", views.case_edit, name="case_update"),
    path("cases/<int:pk>/delete/", views.case_delete_view, name="case_delete"),
]
