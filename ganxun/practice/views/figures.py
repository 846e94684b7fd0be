"""Pages of the practice classroom (figures); owned by its helper."""

urlpatterns: list = []
