"""Showing an audit event's changes as 字段: 旧值 → 新值, with the fields' Chinese names.

Rendering is total: an event is history, written by code that may since have changed, so any object type, any
key and any JSON value must come out as something readable, never as an error.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ganxun.audit.models import AuditEvent

register = template.Library()

# Pages an audited object can be opened at, by object type.
OBJECT_URLS = {"cadre": "roster:cadre_detail", "section": "roster:section_detail", "tag": "roster:tag_update"}

# Keys services write that are not a field or relation of the object, nor named after a model.
EXTRA_LABELS = {
    "enrolled": gettext_lazy("Number enrolled"),
    "groups": gettext_lazy("Groups"),
    "user_permissions": gettext_lazy("Permissions"),
    "permissions": gettext_lazy("Permissions"),
}

# Where two apps have a model of the same name (training's Session and Django's session store), ours is meant.
_OWN_APPS = "ganxun."


@functools.lru_cache(maxsize=256)
def model_for(object_type: str) -> type[models.Model] | None:
    """The model an event's object_type (a model_name) refers to, the project's own before Django's."""
    found = [m for m in apps.get_models(include_auto_created=False) if m._meta.model_name == object_type]
    found.sort(key=lambda m: not m.__module__.startswith(_OWN_APPS))
    return found[0] if found else None


def object_type_label(object_type: str) -> str:
    model = model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _model_key_label(model: type[models.Model], name: str) -> str | None:
    """A field's verbose name; for a reverse relation (an activity's ``lecturers``) the related model's name."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if isinstance(field, models.ForeignObjectRel):
        related = field.related_model._meta
        return str(related.verbose_name_plural if field.one_to_many or field.many_to_many else related.verbose_name)
    label = getattr(field, "verbose_name", None)
    return str(label) if label else None


@functools.lru_cache(maxsize=4096)
def _cached_label(object_type: str, name: str, language: str) -> str:
    model = model_for(object_type)
    if model is not None:
        label = _model_key_label(model, name)
        if label:
            return label
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    named = model_for(name)  # "session", "material", "enrolment": the thing added or removed
    if named is not None:
        return str(named._meta.verbose_name)
    return name if name.strip() else "—"


def field_label(object_type: str, name: str) -> str:
    """The Chinese name of a changed key; the key itself when nothing names it (never an error)."""
    return _cached_label(str(object_type), str(name), get_language() or "")


def format_value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list | tuple):
        return "、".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    created: bool


@register.filter
def changes_display(event: AuditEvent) -> list[Change]:
    """The event's changes in field order, each with its label and both values formatted."""
    changes = event.changes
    created = event.action == "create"
    if changes in (None, "", [], {}):
        return []
    if not isinstance(changes, dict):  # not written by audit_record; show it as it is rather than hide it
        return [Change(label=_("Changes"), old="—", new=format_value(changes), created=True)]
    rows = []
    for name, pair in changes.items():
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        rows.append(
            Change(
                label=field_label(event.object_type, name),
                old=format_value(old),
                new=format_value(new),
                created=created,
            )
        )
    return rows


@register.filter
def object_type_display(object_type: str) -> str:
    return object_type_label(object_type)


@register.filter
def object_url(event: AuditEvent) -> str:
    """A link to the audited object's page, where there is one."""
    name = OBJECT_URLS.get(event.object_type)
    if not name or not (event.object_id.isascii() and event.object_id.isdigit()):
        return ""
    try:
        return reverse(name, args=[int(event.object_id)])
    except NoReverseMatch:
        return ""
