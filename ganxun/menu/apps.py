from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MenuConfig(AppConfig):
    """培训菜单 (干什么学什么，缺什么补什么): per post or post family the topics it needs and how often; per cadre the
    gap (缺什么) and the activities that close it (补什么); gaps summed per 科室 and unit."""

    name = "ganxun.menu"
    label = "menu"
    verbose_name = _("Training menu")

    def ready(self) -> None:
        from ganxun.hours import hooks as hours_hooks

        from .learning import menu_part

        hours_hooks.learning_parts.add("training_menu", menu_part)
