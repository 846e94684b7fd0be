from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "ganxun.training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from ganxun.core.home import home_parts
        from ganxun.hours import hooks as hours_hooks

        from .home import sessions_waiting
        from .learning import session_activities, sessions_of

        home_parts.add("1-sessions", sessions_waiting)
        hours_hooks.learning_parts.add("sessions", sessions_of)
        hours_hooks.session_activities.provide(session_activities)
