"""The forms of 线上学习: a platform and its import profile, the upload, a review decision, an outlier rule."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin

from .models import FIELD_KEYS, FIELD_LABELS, OutlierRule, Platform

SPLIT = re.compile(r"[、,，;；\n]+")


class PlatformForm(BootstrapFormMixin, forms.ModelForm):
    """A platform, with one line of header names per column of its export (the first is the template's)."""

    class Meta:
        model = Platform
        fields = ["name", "unit", "cumulation", "active", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        synonyms = self.instance.synonyms() if self.instance.unit else {}
        for key in FIELD_KEYS:
            self.fields[f"headers_{key}"] = forms.CharField(
                label=FIELD_LABELS[key],
                required=False,
                max_length=500,
                initial="、".join(synonyms.get(key, [])),
                help_text=_("Header names separated by 、 or commas.") if key == "name" else "",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def header_fields(self):
        return [self[f"headers_{key}"] for key in FIELD_KEYS]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        headers = {}
        for key in FIELD_KEYS:
            names = [n.strip() for n in SPLIT.split(data.get(f"headers_{key}") or "") if n.strip()]
            if names:
                headers[key] = names
        self.instance.headers = headers
        return data


class UploadForm(BootstrapFormMixin, forms.Form):
    platform = forms.ModelChoiceField(label=_("platform"), queryset=Platform.objects.filter(active=True))
    year = forms.IntegerField(
        label=_("year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Empty: the year the file states, else this year."),
    )
    strict = forms.BooleanField(label=_("Strict: a person not on the roster stops the import"), required=False)
    file = forms.FileField(
        label=_("Workbook"),
        help_text=_("The platform's export as it comes, .xlsx."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["placeholder"] = str(timezone.localdate().year)


class DecisionForm(BootstrapFormMixin, forms.Form):
    CONFIRM, REJECT = "confirm", "reject"
    decision = forms.ChoiceField(choices=[(CONFIRM, CONFIRM), (REJECT, REJECT)], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class OutlierRuleForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = OutlierRule
        fields = ["threshold", "active"]
