"""Pages of the practice classroom (imports); owned by its helper."""

urlpatterns: list = []
