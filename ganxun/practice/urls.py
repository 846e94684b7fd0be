"""The practice classroom's addresses (``/practice/``, namespace ``practice:``): each area's module brings its own."""

from .views import competitions, credits, figures, imports, pages

app_name = "practice"

urlpatterns = (
    pages.urlpatterns + imports.urlpatterns + competitions.urlpatterns + figures.urlpatterns + credits.urlpatterns
)
