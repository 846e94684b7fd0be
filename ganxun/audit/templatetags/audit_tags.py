"""Showing an audit event's changes as 字段: 旧值 → 新值, with the fields' Chinese names."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ganxun.audit.models import AuditEvent

register = template.Library()

# Pages an audited object can be opened at, by object type.
OBJECT_URLS = {"cadre": "roster:cadre_detail", "section": "roster:section_detail", "tag": "roster:tag_update"}


@functools.cache
def model_for(object_type: str) -> type[models.Model] | None:
    """The model an event's object_type (a model_name) refers to."""
    for model in apps.get_models():
        if model._meta.model_name == object_type:
            return model
    return None


def object_type_label(object_type: str) -> str:
    model = model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def field_label(object_type: str, name: str) -> str:
    model = model_for(object_type)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass
    return name


def format_value(value: Any) -> str:
    if value is None or value == "" or value == []:
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
    if not isinstance(event.changes, dict):
        return []
    rows = []
    for name, pair in event.changes.items():
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        rows.append(
            Change(
                label=field_label(event.object_type, name),
                old=format_value(old),
                new=format_value(new),
                created=event.action == "create",
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
    if not name or not event.object_id.isdigit():
        return ""
    try:
        return reverse(name, args=[int(event.object_id)])
    except NoReverseMatch:
        return ""
