from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("data/hours/", views.hours_data, name="hours"),
    path("data/activities/", views.activities_data, name="activities"),
    path("data/sections/", views.sections_data, name="sections"),
    path("data/tiers/", views.tiers_data, name="tiers"),
    path("data/online/", views.online_data, name="online"),
    path("data/plan/", views.plan_data, name="plan"),
    path("data/units/", views.units_data, name="units"),
]
