app_name = "hours"
urlpatterns: list = []
