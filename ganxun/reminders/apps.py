from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """提醒: deadlines computed per cadre (初任 within probation, 任职培训 within a year of a post, the year's requirement, the cycle's end, online shortfall), notices per person and role, the weekly digest, the call list export. Above sites."""

    name = "ganxun.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from ganxun.core.home import home_parts
        from ganxun.hours import hooks as hours_hooks

        from .home import reminders_part
        from .learning import learning_part

        home_parts.add("5-reminders", reminders_part)
        hours_hooks.learning_parts.add("reminders", learning_part)
