from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """首页图表: each role's charts (ECharts served by the app) with a table behind each and its data endpoint. Above orgstats."""

    name = "ganxun.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from ganxun.core.home import cadre_home_parts, home_parts

        from .home import dashboard_part

        home_parts.add("5-dashboard", dashboard_part)
        cadre_home_parts.add("5-dashboard", dashboard_part)
