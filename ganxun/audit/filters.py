"""The audit trail's filters: plain filters, so a django-filter FilterSet over the filter bar's form."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import DateInput

from .forms import AuditFilterForm
from .models import Action, AuditEvent


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of a local day, so that date filters follow Beijing time rather than UTC."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEventFilter(django_filters.FilterSet):
    """Narrows the events by whatever the valid fields say; a field with an error is left out (ignored)."""

    q = django_filters.CharFilter(
        label=_("Object"),
        method="filter_q",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name of the object, or a note")}),
    )
    action = django_filters.ChoiceFilter(label=_("action"), choices=Action.choices, empty_label=_("All"))
    object_type = django_filters.ChoiceFilter(label=_("object type"), choices=[], empty_label=_("All"))
    actor = django_filters.CharFilter(
        label=_("actor"),
        method="filter_actor",
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("Username")}),
    )
    date_from = django_filters.DateFilter(label=_("From"), method="filter_date_from", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To"), method="filter_date_to", widget=DateInput())

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "object_type", "actor", "date_from", "date_to"]
        form = AuditFilterForm

    def filter_q(self, events, name, value):
        text = value.strip()
        return events.filter(Q(object_repr__icontains=text) | Q(summary__icontains=text) | Q(object_id=text))

    def filter_actor(self, events, name, value):
        return events.filter(actor_name__icontains=value.strip())

    def filter_date_from(self, events, name, value):
        return events.filter(at__gte=_start_of(value))

    def filter_date_to(self, events, name, value):
        return events.filter(at__lt=_start_of(value + dt.timedelta(days=1)))
