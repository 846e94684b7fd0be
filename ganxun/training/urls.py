from django.urls import path

from .views import activities, kinds, sessions

app_name = "training"
urlpatterns = [
    path("", activities.activity_list, name="activity_list"),
    path("calendar/", activities.activity_calendar, name="activity_calendar"),
    path("activities/new/", activities.ActivityCreateView.as_view(), name="activity_create"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activities.ActivityUpdateView.as_view(), name="activity_update"),
    path("activities/<int:pk>/enrol/", activities.activity_enrol, name="activity_enrol"),
    path("activities/<int:pk>/enrolments/", activities.enrolment_list, name="enrolment_list"),
    path("activities/<int:pk>/lecturers/", activities.lecturer_create, name="lecturer_create"),
    path("activities/<int:pk>/materials/", activities.material_create, name="material_create"),
    path("activities/<int:pk>/sessions/new/", sessions.session_create_view, name="session_create"),
    path("enrolments/<int:pk>/remove/", activities.enrolment_remove, name="enrolment_remove"),
    path("lecturers/<int:pk>/remove/", activities.lecturer_delete, name="lecturer_delete"),
    path("lecturers/<int:pk>/sessions/", activities.lecturer_sessions, name="lecturer_sessions"),
    path("materials/<int:pk>/", activities.material_download, name="material_download"),
    path("materials/<int:pk>/remove/", activities.material_delete, name="material_delete"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_update_view, name="session_update"),
    path("sessions/<int:pk>/remove/", sessions.session_delete_view, name="session_delete"),
    path("cadre-picker/", activities.cadre_picker, name="cadre_picker"),
    path("kinds/", kinds.kind_list, name="kind_list"),
    path("kinds/new/", kinds.KindCreateView.as_view(), name="kind_create"),
    path("kinds/<int:pk>/edit/", kinds.KindUpdateView.as_view(), name="kind_update"),
    path("topics/", kinds.topic_list, name="topic_list"),
    path("topics/new/", kinds.TopicCreateView.as_view(), name="topic_create"),
    path("topics/<int:pk>/edit/", kinds.TopicUpdateView.as_view(), name="topic_update"),
]
