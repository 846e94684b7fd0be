from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class CoreConfig(AppConfig):
    name = "ganxun.core"
    verbose_name = _("Core")


# Django 6.1's blank choice label has no Chinese in Django's own catalogue; ours supplies it.
BLANK_CHOICE_MSGID = gettext_noop("- Select an option -")
