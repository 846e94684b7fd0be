from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HoursConfig(AppConfig):
    name = "ganxun.hours"
    verbose_name = _("Hours")

    def ready(self) -> None:
        from .signals import protect_sources

        protect_sources()
