"""The practice classroom's pages, one module per area; ``practice/urls.py`` joins their ``urlpatterns``."""
