"""For tests that save an edit form: post what a browser posts, the record's version included."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from ganxun.core.concurrency import VERSION_FIELD


def as_opened(client, url: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the version of the record the edit page at ``url`` shows now, as if just opened."""
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return {**data, VERSION_FIELD: response.context["edit_version"]["token"]}


def _posted(field: forms.Field, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")  # as the page shows it
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "pk", value))


def form_data(response) -> dict[str, Any]:
    """What the browser would post from the page's form left as it is: its values, checkboxes ticked or not."""
    form = response.context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue  # a browser does not send a disabled field
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        data[name] = _posted(field, value)
    if "edit_version" in response.context:
        data[VERSION_FIELD] = response.context["edit_version"]["token"]
    return data
