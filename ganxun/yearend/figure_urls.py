# The pages listing the records each figure counts; named in the ``yearend`` namespace (included by urls.py).
urlpatterns: list = []
