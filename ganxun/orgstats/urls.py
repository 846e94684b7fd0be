app_name = "orgstats"
urlpatterns: list = []
