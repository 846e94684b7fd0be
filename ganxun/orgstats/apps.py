from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgstatsConfig(AppConfig):
    """组织部统计: the statistics tables for the unit's report upward (per tier and 科室) and for the units below summed, and the 年度考核 export. Above reminders."""

    name = "ganxun.orgstats"
    label = "orgstats"
    verbose_name = _("Statistics tables")
