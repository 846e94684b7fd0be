"""Form fields every app's forms share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .params import id_from


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, but an id the database cannot hold is refused as an invalid value before any query is made.

    Django checks each value with an exact lookup, which knows the integers' range, and then fetches them all
    with ``__in``, which does not: on SQLite, 99999999999999999999 then fails with OverflowError (a 500).
    """

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                if id_from(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
