from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HoursConfig(AppConfig):
    name = "ganxun.hours"
    verbose_name = _("Hours")

    def ready(self) -> None:
        from ganxun.core.home import home_parts
        from ganxun.roster.models import Cadre
        from ganxun.roster.signals import periods_changed

        from . import totals
        from .home import hours_waiting

        home_parts.add("2-hours", hours_waiting)
        from .signals import protect_sources

        protect_sources()
        # A cadre's entries count toward the unit and 科室 in force on their dates: re-derived when periods change.
        periods_changed.connect(totals.periods_changed, sender=Cadre, dispatch_uid="hours.totals.periods_changed")
