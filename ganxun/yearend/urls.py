app_name = "yearend"
urlpatterns: list = []
