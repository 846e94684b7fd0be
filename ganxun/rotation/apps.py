from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RotationConfig(AppConfig):
    """新进干部轮岗: a new cadre's rotation through the business 科室 (host 科室, period, mentor), its completion and
    the host's evaluation, shown in the cadre's archive.  Above the roster and hours, below the demo."""

    name = "ganxun.rotation"
    label = "rotation"
    verbose_name = _("Rotation of new cadres")

    def ready(self) -> None:
        # The cadre's archive lists their rotations per year (hours.hooks, rotation/archive.py).
        from ganxun.hours import hooks as hours_hooks

        from .archive import archive_part

        hours_hooks.archive_parts.add("rotation", archive_part)
