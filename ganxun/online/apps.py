from django.apps import AppConfig


class OnlineConfig(AppConfig):
    """The theory classroom's 线上学习 (online platforms): the platform register, import profiles, the imports of their exports and the review of flagged figures; counts its 学时 through hours.services."""

    name = "ganxun.online"
    label = "online"
