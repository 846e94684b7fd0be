from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    """The practice classroom (实践课堂): deployments, community reporting, teams, secondments, visits and merit
    competitions; counts its 学时 through hours.services.  Above attendance, below the demo."""

    name = "ganxun.practice"
    label = "practice"
    verbose_name = _("Practice classroom")

    def ready(self) -> None:
        # The cadre's page in the roster links the cadre's practice records (roster.hooks, practice-pages).
        from ganxun.roster.hooks import cadre_parts

        from .cadre_part import cadre_part

        cadre_parts.add("practice", cadre_part)
        from ganxun.hours.models import Source, register_source
        from ganxun.roster.models import Cadre
        from ganxun.roster.signals import periods_changed

        from . import signals

        register_source(Source.PRACTICE, "practice.PracticeCredit")
        periods_changed.connect(signals.periods_changed, sender=Cadre, dispatch_uid="practice.periods_changed")
        # The cadre's archive lists their practice records per year (practice/archive.py).
        from ganxun.hours import hooks as hours_hooks

        from .archive import archive_part

        hours_hooks.archive_parts.add("practice", archive_part)
