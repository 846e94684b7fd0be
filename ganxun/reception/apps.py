from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    """效能接待: the reception desk staffed in turn by the business 科室 (a rota by day or by week on the working-day
    calendar of ``lectures``), its duty cadres, changes with a reason, and the 信访 cases handled at the desk.
    Above lectures, below the demo."""

    name = "ganxun.reception"
    label = "reception"
    verbose_name = _("Reception desk")
