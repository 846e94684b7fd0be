from django.urls import path

from . import views

app_name = "lectures"
urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("generate/", views.schedule_generate, name="schedule_generate"),
    path("<int:pk>/", views.lecture_update, name="lecture_update"),
    path("lecturers/", views.lecturer_list, name="lecturer_list"),
    path("lecturers/export.xlsx", views.lecturer_export, name="lecturer_export"),
    path("lecturers/new/", views.lecturer_edit, name="lecturer_create"),
    path("lecturers/<int:pk>/", views.lecturer_detail, name="lecturer_detail"),
    path("lecturers/<int:pk>/edit/", views.lecturer_edit, name="lecturer_update"),
    path("topics/", views.topic_lectures, name="topic_lectures"),
    path("calendar/", views.calendar_list, name="calendar_list"),
    path("calendar/year/", views.calendar_year_update, name="calendar_year_update"),
    path("calendar/new/", views.calendar_day_edit, name="calendar_day_create"),
    path("calendar/<int:pk>/", views.calendar_day_edit, name="calendar_day_update"),
    path("calendar/<int:pk>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
]
