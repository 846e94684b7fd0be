from django.urls import path

from . import views

app_name = "rotation"
urlpatterns = [
    path("", views.rotation_list, name="list"),
    path("export/", views.rotation_export, name="export"),
    path("new/", views.rotation_edit, name="create"),
    path("<int:pk>/", views.rotation_detail, name="detail"),
    path("<int:pk>/edit/", views.rotation_edit, name="update"),
    path("<int:pk>/complete/", views.rotation_complete, name="complete"),
    path("<int:pk>/evaluate/", views.rotation_evaluate, name="evaluate"),
    path("<int:pk>/delete/", views.rotation_delete, name="delete"),
]
