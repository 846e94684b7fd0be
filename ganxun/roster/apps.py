from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "ganxun.roster"
    verbose_name = _("Roster")

    def ready(self) -> None:
        from ganxun.core.home import home_parts

        from .home import roster_glance

        home_parts.add("3-roster", roster_glance)
