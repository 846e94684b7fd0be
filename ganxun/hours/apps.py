from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HoursConfig(AppConfig):
    name = "ganxun.hours"
    verbose_name = _("Hours")

    def ready(self) -> None:
        from ganxun.core.home import home_parts

        from .home import hours_waiting

        home_parts.add("2-hours", hours_waiting)
