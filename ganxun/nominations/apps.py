from django.apps import AppConfig


class NominationsConfig(AppConfig):
    """调训 and 推荐: classes a higher unit announces with a quota per unit and criteria, nominations reviewed within the quota, results recorded and their 学时 counted as outside classes through hours.services."""

    name = "ganxun.nominations"
    label = "nominations"

    def ready(self) -> None:
        from ganxun.plans.hooks import nomination_execution as hook

        from .plan_execution import nomination_execution

        hook.provide(nomination_execution)
