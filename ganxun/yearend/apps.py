from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearendConfig(AppConfig):
    """年度干部教育培训工作总结: the figures computed from the records, the draft with the writer's prose, the Word document in GB/T 9704 layout, ``manage.py yearend_report``. Above dashboard, below the demo."""

    name = "ganxun.yearend"
    label = "yearend"
    verbose_name = _("Year-end report")
