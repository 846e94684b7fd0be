from django.urls import path

from ganxun.core.excel import upload_limit

from .forms import lesson_max_bytes
from .views import pages, player

app_name = "microclass"
urlpatterns = [
    path("", pages.course_list, name="course_list"),
    path("courses/new/", pages.CourseCreateView.as_view(), name="course_create"),
    path("courses/<int:pk>/", pages.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", pages.CourseUpdateView.as_view(), name="course_update"),
    path("courses/<int:pk>/delete/", pages.course_delete_view, name="course_delete"),
    path("courses/<int:pk>/assign/", pages.course_assign, name="course_assign"),
    path("courses/<int:pk>/progress/", pages.course_progress, name="course_progress"),
    path("courses/<int:pk>/progress/export/", pages.course_progress_export, name="course_progress_export"),
    path(
        "courses/<int:pk>/lessons/new/",
        upload_limit(lesson_max_bytes)(pages.LessonCreateView.as_view()),
        name="lesson_create",
    ),
    path(
        "lessons/<int:pk>/edit/",
        upload_limit(lesson_max_bytes)(pages.LessonUpdateView.as_view()),
        name="lesson_update",
    ),
    path("lessons/<int:pk>/delete/", pages.lesson_delete_view, name="lesson_delete"),
    path("lessons/<int:pk>/", player.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/file/", player.lesson_file, name="lesson_file"),
    path("lessons/<int:pk>/viewing/", player.viewing_start_view, name="viewing_start"),
    path("lessons/<int:pk>/beat/", player.viewing_beat, name="viewing_beat"),
    path("progress/<int:pk>/", player.progress_detail, name="progress_detail"),
    path("recordings/new/", pages.recording_create, name="recording_create"),
]
