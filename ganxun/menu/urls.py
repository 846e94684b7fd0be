from django.urls import path

from . import views

app_name = "menu"
urlpatterns = [
    path("", views.gaps, name="gaps"),
    path("cadres/", views.gap_cadres, name="gap_cadres"),
    path("export/", views.gap_export, name="gap_export"),
    path("mine/", views.my_menu, name="my_menu"),
    path("cadre/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("menu/", views.menu_list, name="menu_list"),
    path("menu/families/new/", views.family_edit, name="family_create"),
    path("menu/families/<int:pk>/", views.family_edit, name="family_update"),
    path("menu/families/<int:pk>/needs/new/", views.need_create, name="need_create"),
    path("menu/needs/<int:pk>/", views.need_update, name="need_update"),
    path("menu/needs/<int:pk>/delete/", views.need_delete, name="need_delete"),
    path("needs/<int:pk>/enrol/", views.enrol, name="enrol"),
]
