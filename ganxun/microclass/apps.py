from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MicroclassConfig(AppConfig):
    """The theory classroom's 微课堂 (the bureau's own short courses): courses, lessons (PDF or video), server-measured progress by heartbeat, completion counted through hours.services."""

    name = "ganxun.microclass"
    label = "microclass"
    verbose_name = _("Micro-classroom")

    def ready(self) -> None:
        from ganxun.hours.models import Source, register_source

        # A completed lesson's entry points to the cadre's progress on it (one per cadre and lesson).
        register_source(Source.MICRO_LESSON, "microclass.LessonProgress")
