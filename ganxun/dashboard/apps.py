from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """首页图表: each role's charts (ECharts served by the app) with a table behind each and its data endpoint. Above orgstats."""

    name = "ganxun.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")
