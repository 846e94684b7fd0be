from django.urls import path

from . import views

app_name = "orgstats"
urlpatterns = [
    path("", views.tables, name="tables"),
    path("export/", views.tables_export, name="tables_export"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/export/", views.assessment_export, name="assessment_export"),
]
