from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    """现场教学: the 民生实事 project sites (加装电梯, 美丽家园 …) as places, with the activities held there. Above reception, below reminders."""

    name = "ganxun.sites"
    label = "sites"
    verbose_name = _("Field teaching sites")

    def ready(self) -> None:
        from ganxun.training.hooks import activity_parts

        from .activity_part import activity_part

        activity_parts.add("sites", activity_part)
