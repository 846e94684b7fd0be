"""The filter bar of the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganxun.roster.forms import BootstrapFormMixin, DateInput

from .models import Action, AuditEvent
from .templatetags.audit_tags import object_type_label


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Object"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name of the object, or a note")}),
    )
    action = forms.ChoiceField(label=_("action"), required=False)
    object_type = forms.ChoiceField(label=_("object type"), required=False)
    actor = forms.CharField(
        label=_("actor"), required=False, max_length=150, widget=forms.TextInput(attrs={"placeholder": _("Username")})
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All")), *Action.choices]
        types = AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
        self.fields["object_type"].choices = [("", _("All"))] + [(t, object_type_label(t)) for t in types if t]

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

    def filter(self, events):
        """Narrow the events by whatever the valid fields say; invalid fields are ignored."""
        self.is_valid()  # a field with an error is left out of cleaned_data
        data = self.cleaned_data
        if data.get("q"):
            text = data["q"].strip()
            events = events.filter(Q(object_repr__icontains=text) | Q(summary__icontains=text) | Q(object_id=text))
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"])
        if data.get("actor"):
            events = events.filter(actor_name__icontains=data["actor"].strip())
        if data.get("date_from"):
            events = events.filter(at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(at__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
        return events


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of a local day, so that date filters follow Beijing time rather than UTC."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
