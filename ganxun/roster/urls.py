from django.urls import path

from .views import cadres, excel, sections, units

app_name = "roster"
urlpatterns = [
    path("", cadres.cadre_list, name="cadre_list"),
    path("export.xlsx", excel.cadre_export, name="cadre_export"),
    path("cadres/new/", cadres.CadreCreateView.as_view(), name="cadre_create"),
    path("cadres/<int:pk>/", cadres.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", cadres.CadreUpdateView.as_view(), name="cadre_update"),
    path("cadres/<int:pk>/status/", cadres.cadre_status, name="cadre_status"),
    path("cadres/<int:pk>/reveal/", cadres.cadre_reveal, name="cadre_reveal"),
    path("import/", excel.cadre_import, name="cadre_import"),
    path("import/confirm/", excel.cadre_import_confirm, name="cadre_import_confirm"),
    path("import/template.xlsx", excel.cadre_import_template, name="cadre_import_template"),
    path("sections/", sections.section_list, name="section_list"),
    path("sections/new/", sections.SectionCreateView.as_view(), name="section_create"),
    path("sections/<int:pk>/", sections.section_detail, name="section_detail"),
    path("sections/<int:pk>/edit/", sections.SectionUpdateView.as_view(), name="section_update"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.UnitCreateView.as_view(), name="unit_create"),
    path("units/<int:pk>/edit/", units.UnitUpdateView.as_view(), name="unit_update"),
    path("tags/", sections.tag_list, name="tag_list"),
    path("tags/new/", sections.TagCreateView.as_view(), name="tag_create"),
    path("tags/<int:pk>/edit/", sections.TagUpdateView.as_view(), name="tag_update"),
]
