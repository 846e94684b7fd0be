from django.urls import path

from . import views

app_name = "study"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.archive, name="archive"),
    path("<int:year>/word/", views.archive_docx_view, name="archive_docx"),
    path("<int:year>/attachments/", views.archive_zip, name="archive_zip"),
    path("<int:year>/plan/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan_update"),
    path("plans/<int:pk>/topics/new/", views.TopicCreateView.as_view(), name="topic_create"),
    path("topics/<int:pk>/edit/", views.TopicUpdateView.as_view(), name="topic_update"),
    path("topics/<int:pk>/delete/", views.topic_delete, name="topic_delete"),
    path("self-study/", views.self_study_list, name="self_study_list"),
    path("self-study/export/", views.self_study_export, name="self_study_export"),
    path("self-study/new/", views.SelfStudyCreateView.as_view(), name="self_study_create"),
    path("self-study/<int:pk>/edit/", views.SelfStudyUpdateView.as_view(), name="self_study_update"),
    path("self-study/<int:pk>/delete/", views.self_study_delete, name="self_study_delete"),
    path("self-study/<int:pk>/attachment/", views.self_study_attachment, name="self_study_attachment"),
]
