"""What every app's forms share: the Bootstrap look, the date picker, safe id fields and the filter bar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .params import TEXT_MAX_LENGTH, id_from, query_text


def _word_the_blank_choice(field: forms.Field) -> None:
    """Django's "- Select an option -" has no Chinese yet: say 请选择 instead."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None:
            field.empty_label = _("Please choose")
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] == "" and str(choices[0][1]) == str(BLANK_CHOICE_LABEL):
            field.choices = [("", _("Please choose")), *choices[1:]]


class BootstrapFormMixin:
    """Gives every widget its Bootstrap class, and marks the fields with errors after validation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _word_the_blank_choice(field)
            if type(field) is forms.ModelMultipleChoiceField:
                # A model form's many-to-many field is Django's: give it the id check of ours (no other state), so
                # that an id the database cannot hold is an invalid choice, not a 500.
                field.__class__ = ModelMultipleChoiceField
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class DateInput(forms.DateInput):
    """A browser date picker; the value is always ISO so the picker can read it."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


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


class FilterFormMixin:
    """A list's filter bar, bound to the query string, showing the filters as the list applied them.

    The list ignores a value that names nothing (an id beyond the database, a choice that is not one, NUL in
    the search); the bar then shows that filter as not given, instead of marking it invalid without a word or
    echoing the NUL back.  A form may add ``applied_<field>(value) -> value`` for a field's own rule.
    """

    fields: dict[str, forms.Field]
    data: Any
    errors: Any

    def full_clean(self) -> None:
        self.data = self._as_applied()
        super().full_clean()  # type: ignore[misc]

    def __getitem__(self, name: str):
        self.errors  # noqa: B018 -- a field is shown only once the data holds the filters as applied
        return super().__getitem__(name)  # type: ignore[misc]

    def _as_applied(self) -> QueryDict:
        applied = QueryDict(mutable=True)
        for name, field in self.fields.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            values = [v for v in values if isinstance(v, str)]
            if isinstance(field, forms.ChoiceField):
                values = [v for v in values if v and field.valid_value(v)]
            elif isinstance(field, forms.CharField):
                text = query_text({name: values[-1]}, name, field.max_length or TEXT_MAX_LENGTH) if values else ""
                values = [text] if text else []
            if (rule := getattr(self, f"applied_{name}", None)) is not None:
                values = [v for v in (rule(v) for v in values) if v]
            if values:
                applied.setlist(name, values[-1:] if not isinstance(field, forms.MultipleChoiceField) else values)
        return applied

    @property
    def has_filters(self) -> bool:
        """Whether any filter the list applied is set (not: anything at all in the query string)."""
        self.errors  # noqa: B018 -- validating first leaves only the filters as applied in self.data
        return any(self.data.get(name) for name in self.fields)
