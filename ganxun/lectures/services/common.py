from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict


def snapshot(obj) -> dict[str, Any]:
    """The fields of a row as the audit trail keeps them (many-to-many as sorted primary keys)."""
    values: dict[str, Any] = {}
    for key, value in model_to_dict(obj).items():
        if isinstance(value, list):
            value = sorted(getattr(item, "pk", item) for item in value)
        elif value is not None and not isinstance(value, (dict, bool)):
            value = str(value)
        values[key] = value
    return values
