from django.apps import AppConfig


class LecturesConfig(AppConfig):
    """杨房课堂 · 月末讲坛: the lecturer pool, the series schedule on the month's last working day (the Chinese working-day calendar, with the admin's table for years the package does not cover), topic modules' lectures per year."""

    name = "ganxun.lectures"
    label = "lectures"
