"""Pages of the practice classroom (pages); owned by its helper."""

urlpatterns: list = []
