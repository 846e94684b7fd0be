"""Edit conflicts: a form carries the version of the record it showed, and a save over a newer one changes nothing.

The version is a digest of the record's values in the fields the form edits, as the database holds them, the
id of the last audit event on the record at that moment, and a short fingerprint of each field as the form showed
it (to tell, when a save is refused, what the user changed from what others did); it is signed, so that none of
it can be forged.
Saving locks the row (``select_for_update``; on SQLite ``BEGIN IMMEDIATE`` already serialises writers),
compares, and either writes in that same transaction or answers 409: who changed the record since and what
(from the audit trail, only the form's fields), what the user had entered, and the form re-filled with the
record as it is now.  A digest needs no column, so every model can be checked the same way.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from .hooks import Hook

VERSION_FIELD = "record_version"
_SIGNER = signing.Signer(salt="ganxun.core.concurrency")
# The conflict notice lists at most this many of the changes made since the form was opened.
EVENTS_SHOWN = 5


@dataclasses.dataclass(frozen=True)
class Version:
    digest: str
    last_event_id: int
    shown: tuple[str, ...]  # a fingerprint per editable field of the form, in the form's order


def version_fields(form: forms.BaseForm, model: type[models.Model], extra: tuple[str, ...] = ()) -> list[str]:
    """The model fields the form edits (disabled ones too: they are written back as shown), plus ``extra``."""
    names = {f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many}
    return sorted({name for name in form.fields if name in names} | set(extra))


def record_digest(instance: models.Model, names: list[str]) -> str:
    """A digest of the record's values in ``names``."""
    values: dict[str, Any] = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(getattr(instance, name).values_list("pk", flat=True))
        else:
            values[name] = field.value_from_object(instance)  # type: ignore[union-attr]
    text = json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{instance._meta.label}:{instance.pk}:{text}".encode()).hexdigest()[:32]


# The audit events on a record (a queryset of audit.AuditEvent): the audit app provides it in its ready().
events_of = Hook("events_of")


def _events_of(instance: models.Model):
    return events_of(instance)


def _canonical(value: Any) -> Any:
    """One spelling per value, whether read from the record or typed in: 8.00 and 8, a model and its id."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(_canonical(item)) for item in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime | dt.time):
        value = value.replace(second=0, microsecond=0)  # the form shows hours and minutes
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        try:
            return value.astimezone(dt.UTC).isoformat()
        except OverflowError:
            return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value if isinstance(value, bool | int) else str(value)


def _fingerprint(value: Any) -> str:
    text = json.dumps(_canonical(value), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _editable(form: forms.BaseForm) -> list[str]:
    return [name for name, field in form.fields.items() if not field.disabled and not field.widget.is_hidden]


def _shown_fingerprints(form: forms.BaseForm) -> str:
    """Each editable field's value as an unbound form shows it."""
    return ".".join(_fingerprint(form[name].initial) for name in _editable(form))


def _typed_fingerprint(field: forms.Field, data: Any) -> str | None:
    try:
        return _fingerprint(field.to_python(data))
    except forms.ValidationError:
        return None  # it cannot be what was shown


def version_token(instance: models.Model, names: list[str], form: forms.BaseForm) -> str:
    """The signed version the form carries: the record as read now, and the form as it shows it."""
    last = _events_of(instance).order_by("-pk").values_list("pk", flat=True).first() or 0
    return _SIGNER.sign(f"{record_digest(instance, names)}:{last}:{_shown_fingerprints(form)}")


def read_token(token: str | None) -> Version | None:
    """The version a posted token stands for, or None when it is missing, forged or garbled."""
    try:
        digest, last, shown = _SIGNER.unsign(token or "").split(":")
        return Version(digest, int(last), tuple(shown.split(".")) if shown else ())
    except (signing.BadSignature, ValueError):
        return None


def changes_since(instance: models.Model, version: Version, names: list[str]) -> list[Any]:
    """The audit events on the record after the version was read, oldest first, keeping only the form's fields."""
    events = _events_of(instance).filter(pk__gt=version.last_event_id).select_related("actor__cadre")
    shown = []
    for event in reversed(events.order_by("-pk")[:EVENTS_SHOWN]):
        event = copy.copy(event)
        event.actor_name = _person(event)
        changes = event.changes if isinstance(event.changes, dict) else {}
        event.changes = {name: pair for name, pair in changes.items() if name in names}
        if event.changes:
            shown.append(event)
    return shown


def _person(event: Any) -> str:
    """Who made the change, by name as the menu bar shows people (the account's name if it has no cadre)."""
    actor = event.actor
    if actor is None:
        return event.actor_name
    return getattr(actor.cadre, "name", "") or actor.get_full_name() or actor.get_username()


def _shown(field: forms.Field, value: Any) -> str:
    """A cleaned value as the user would recognise it: labels for choices, dates as written."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, models.QuerySet | list | tuple):
        return "、".join(_shown(field, item) for item in value)
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else f"{value:%Y-%m-%d %H:%M}"
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        labels = {}
        for key, label in field.choices:
            if isinstance(label, list | tuple):  # a group of choices
                labels.update({str(k): v for k, v in label})
            else:
                labels[str(key)] = label
        return str(labels.get(str(value), value))
    return str(value)


def entered_values(posted: forms.BaseForm, current: forms.BaseForm, version: Version | None) -> list[tuple[str, str]]:
    """(label, what was entered) for every field the user changed on the refused form.

    Changed from what the form showed them when they opened it, if the version says so; without one, every
    field that differs from the record as it is now.
    """
    names = _editable(posted)
    shown = dict(zip(names, version.shown, strict=True)) if version and len(version.shown) == len(names) else None
    rows = []
    for name in names:
        field, data = posted.fields[name], posted[name].data
        if shown is not None:
            changed = _typed_fingerprint(field, data) != shown[name]
        else:
            changed = name in current.fields and field.has_changed(current[name].initial, data)
        if changed:
            rows.append((str(field.label), _shown(field, posted.cleaned_data.get(name))))
    return rows


@dataclasses.dataclass
class EditConflict:
    """What the conflict notice shows."""

    events: list[Any]  # the changes made by others since the form was opened
    entered: list[tuple[str, str]]  # what the user had entered that the record does not hold
    version_known: bool  # False: the form came without a valid version (an old page), nothing is known


class EditConflictMixin:
    """For an UpdateView: the version check around the view's own save, in the transaction that writes.

    The edit template includes ``components/edit_version.html`` inside its form; it carries the version
    and shows the conflict notice.  ``version_extra`` names model fields the form does not show but that the
    save depends on (a session's hours set by hand).
    """

    version_extra: tuple[str, ...] = ()
    edit_conflict: EditConflict | None = None
    request: Any
    object: Any

    def version_fields_of(self, form: forms.BaseForm) -> list[str]:
        return version_fields(form, type(self.object), self.version_extra)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        if self.edit_conflict is None and self.request.method == "POST":
            # Shown again with errors: keep the version the user started from, not the one read now.
            token = self.request.POST.get(VERSION_FIELD, "")
        else:
            token = version_token(self.object, self.version_fields_of(context["form"]), context["form"])
        context["edit_version"] = {"field": VERSION_FIELD, "token": token, "conflict": self.edit_conflict}
        return context

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        names = self.version_fields_of(form)
        shown = read_token(self.request.POST.get(VERSION_FIELD))
        with transaction.atomic():
            queryset = self.get_queryset().select_for_update(of=("self",))  # type: ignore[attr-defined]
            current = get_object_or_404(queryset, pk=self.object.pk)
            if shown is not None and shown.digest == record_digest(current, names):
                _keep_what_the_form_does_not_edit(form.instance, current, names)  # type: ignore[attr-defined]
                return super().form_valid(form)  # type: ignore[misc]
        return self.conflict_response(form, shown)

    def conflict_response(self, form: forms.BaseForm, shown: Version | None) -> HttpResponse:
        """409: nothing was written; the form holds the record as it is now."""
        self.object = self.get_object()  # type: ignore[attr-defined]
        kwargs = {k: v for k, v in self.get_form_kwargs().items() if k not in ("data", "files")}  # type: ignore[attr-defined]
        current_form = self.get_form_class()(**kwargs)  # type: ignore[attr-defined]
        names = self.version_fields_of(current_form)
        self.edit_conflict = EditConflict(
            events=changes_since(self.object, shown, names) if shown is not None else [],
            entered=entered_values(form, current_form, shown),
            version_known=shown is not None,
        )
        context = self.get_context_data(form=current_form)
        return self.render_to_response(context, status=409)  # type: ignore[attr-defined]


def _keep_what_the_form_does_not_edit(instance: models.Model, current: models.Model, names: list[str]) -> None:
    """The locked row's values in every other column: a status changed meanwhile is not put back by this save."""
    for field in instance._meta.concrete_fields:
        if not field.primary_key and field.name not in names:
            setattr(instance, field.attname, getattr(current, field.attname))
