from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    """The theory classroom's record of the leadership's study: leaders' own study (领导干部平时自学) and each year's
    中心组学习 archive (plan of topics, sessions, Word and zip export).  Above microclass, below the demo."""

    name = "ganxun.study"
    label = "study"
    verbose_name = _("Leadership study record")

    def ready(self) -> None:
        # The navigation bar shows 学习档案 to whoever may read it (core cannot import this app).
        from ganxun.core.context_processors import study_archive_reader

        from .models import may_read_archive

        study_archive_reader.provide(may_read_archive)
