from django.urls import path

from . import views

app_name = "nominations"
urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("new/", views.programme_create, name="programme_create"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/edit/", views.programme_update, name="programme_update"),
    path("<int:pk>/export/", views.programme_export, name="programme_export"),
    path("<int:pk>/plan-item/", views.programme_plan_link, name="programme_plan_link"),
    path("<int:pk>/quota/", views.quota_update, name="quota_update"),
    path("<int:pk>/nominate/", views.nomination_create, name="nomination_create"),
    path("n/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("n/<int:pk>/review/", views.nomination_review, name="nomination_review"),
    path("n/<int:pk>/confirm/", views.nomination_confirm, name="nomination_confirm"),
    path("n/<int:pk>/result/", views.nomination_result, name="nomination_result"),
    path("n/<int:pk>/withdraw/", views.nomination_withdraw, name="nomination_withdraw"),
    path("n/<int:pk>/certificate/", views.nomination_certificate, name="nomination_certificate"),
    path("mine/", views.my_nominations, name="my_nominations"),
    path("counts/", views.counts, name="counts"),
]
