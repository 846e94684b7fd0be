from django.urls import include, path

app_name = "yearend"
urlpatterns: list = [
    # The records behind each figure (ganxun.yearend.figure_views).
    path("figures/", include("ganxun.yearend.figure_urls")),
]
