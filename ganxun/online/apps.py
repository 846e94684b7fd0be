from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnlineConfig(AppConfig):
    """The theory classroom's 线上学习 (online platforms): the platform register, import profiles, the imports of their exports and the review of flagged figures; counts its 学时 through hours.services."""

    name = "ganxun.online"
    label = "online"
    verbose_name = _("Online learning")

    def ready(self) -> None:
        from ganxun.hours import hooks as hours_hooks
        from ganxun.hours.models import Source, register_source

        from .services.covered import platform_choices, self_report_covered

        register_source(Source.ONLINE_RECORD, "online.OnlineCredit")
        # An online self-report for a platform and year an import covers is refused (hours.services.self_reports).
        hours_hooks.online_report_covered.provide(self_report_covered)
        hours_hooks.online_platform_choices.provide(platform_choices)
