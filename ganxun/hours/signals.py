"""A record the ledger counted hours from cannot be deleted: its entries point to it (``LedgerEntry.source_object``).

Removing such a record means withdrawing its hours with a reason (``ledger_withdraw_source``), which keeps both the
entries and the record; a delete, even one cascading from a parent (an activity's sessions), is refused here.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.utils.translation import gettext as _

from .models import SOURCE_MODELS, LedgerEntry

_PROTECTED: set[str] = set()


def refuse_counted_source_delete(sender, instance, **kwargs) -> None:
    entries = LedgerEntry.objects.filter(source_type=ContentType.objects.get_for_model(sender), source_id=instance.pk)
    count = entries.count()
    if count:
        raise ProtectedError(
            _(
                "%(record)s has %(count)s hour entries counted from it and cannot be deleted: withdraw its hours instead."
            )
            % {"record": instance, "count": count},
            set(entries[:10]),
        )


def protect_sources() -> None:
    """Connect the guard to every model the ledger counts from (by label: the apps need not be imported here)."""
    for label in set(SOURCE_MODELS.values()) - _PROTECTED:
        pre_delete.connect(refuse_counted_source_delete, sender=label, dispatch_uid=f"ledger-source-{label}")
        _PROTECTED.add(label)
