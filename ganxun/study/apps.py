from django.apps import AppConfig


class StudyConfig(AppConfig):
    """The theory classroom's the leadership's study record: leaders' own study (领导干部平时自学) and each year's 中心组学习 archive (plan of topics, sessions, Word and zip export)."""

    name = "ganxun.study"
    label = "study"
