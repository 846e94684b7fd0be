from django.urls import path

from . import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("export/", views.site_export, name="site_export"),
    path("new/", views.site_edit, name="site_create"),
    path("<int:pk>/", views.site_detail, name="site_detail"),
    path("<int:pk>/edit/", views.site_edit, name="site_update"),
    path("<int:pk>/delete/", views.site_delete_view, name="site_delete"),
    path("<int:pk>/activities/", views.activity_link_view, name="activity_link"),
    path("links/<int:pk>/delete/", views.activity_unlink_view, name="activity_unlink"),
]
