from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ganxun.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from ganxun.core import concurrency

        from .models import AuditEvent

        def events_of(instance):
            """The trail of one record: what core's edit conflicts read the changes since a version from."""
            return AuditEvent.objects.filter(object_type=instance._meta.model_name, object_id=str(instance.pk))

        concurrency.events_of.provide(events_of)
