from django.urls import include, path

from . import views

app_name = "yearend"
urlpatterns: list = [
    path("", views.draft_list, name="draft_list"),
    path("new/", views.draft_create, name="draft_create"),
    path("<int:pk>/", views.draft_detail, name="draft_detail"),
    path("<int:pk>/regenerate/", views.draft_regenerate, name="draft_regenerate"),
    path("<int:pk>/word/", views.draft_word, name="draft_word"),
    path("paragraphs/<int:pk>/", views.ParagraphUpdateView.as_view(), name="paragraph_update"),
    # The records behind each figure (ganxun.yearend.figure_views).
    path("figures/", include("ganxun.yearend.figure_urls")),
]
