from django.apps import AppConfig


class MicroclassConfig(AppConfig):
    """The theory classroom's 微课堂 (the bureau's own short courses): courses, lessons (PDF or video), server-measured progress by heartbeat, completion counted through hours.services."""

    name = "ganxun.microclass"
    label = "microclass"
