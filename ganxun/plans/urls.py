from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_update, name="plan_update"),
    path("<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("<int:pk>/return/", views.plan_return, name="plan_return"),
    path("<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_update, name="item_update"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/links/new/", views.link_create, name="link_create"),
    path("links/<int:pk>/delete/", views.link_delete, name="link_delete"),
    path("<int:pk>/plan.xlsx", views.plan_export_xlsx, name="plan_export_xlsx"),
    path("<int:pk>/plan.docx", views.plan_export_docx, name="plan_export_docx"),
]
