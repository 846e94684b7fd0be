from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    """QR check-in, the attendance sheet, attendance imports and evaluations: above training, below the demo."""

    name = "ganxun.attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        from ganxun.core.home import home_parts
        from ganxun.hours import hooks as hours_hooks
        from ganxun.training import hooks as training_hooks

        from . import evaluations
        from .home import sessions_waiting
        from .learning import session_activities, sessions_of
        from .services.attendance import session_default_hours, sync_ledger

        home_parts.add("1-sessions", sessions_waiting)
        hours_hooks.learning_parts.add("sessions", sessions_of)
        hours_hooks.session_activities.provide(session_activities)
        training_hooks.sync_ledger.provide(sync_ledger)
        training_hooks.session_default_hours.provide(session_default_hours)
        training_hooks.evaluation_averages.provide(evaluations.session_averages)
