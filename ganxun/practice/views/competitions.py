"""Pages of the practice classroom (competitions); owned by its helper."""

urlpatterns: list = []
