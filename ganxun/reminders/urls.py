from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("read/", views.mark_read, name="mark_read"),
    path("behind/", views.behind, name="behind"),
    path("digest/", views.digest, name="digest"),
    path("call-list.xlsx", views.call_list, name="call_list"),
]
