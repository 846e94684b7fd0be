# The pages listing the records each figure counts; named in the ``yearend`` namespace (included by urls.py).
from django.urls import path

from . import figure_views

urlpatterns: list = [
    # ?year=Y&key=KEY&unit=ID (figures.records_url writes it)
    path("records/", figure_views.figure_records, name="figure_records"),
]
