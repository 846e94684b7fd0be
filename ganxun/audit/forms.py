"""The filter bar of the audit trail: the form behind `filters.AuditEventFilter` (its fields come from the filters)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin

from .models import AuditEvent
from .templatetags.audit_tags import object_type_label


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
        self.fields["object_type"].choices = [(t, object_type_label(t)) for t in types if t]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        for name in ("date_from", "date_to"):
            # Midnight of year 1 (or the day after 9999-12-31) in Beijing time has no UTC datetime.
            day = data.get(name)
            if day is not None and not (dt.date(1900, 1, 1) <= day <= dt.date(9000, 12, 31)):
                self.add_error(name, _("Enter a date between 1900 and 9000."))
        return data
