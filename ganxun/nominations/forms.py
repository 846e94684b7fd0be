"""Forms of 调训: announcing a class with a place field per unit, nominating, reviewing, confirming, the result."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.core.forms import BootstrapFormMixin, DateInput
from ganxun.roster.models import Unit

from .models import Programme, Result

CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
CERTIFICATE_KINDS = {"pdf": (b"%PDF",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG",)}


class ProgrammeForm(BootstrapFormMixin, forms.ModelForm):
    """The class and, for each unit the administrator reaches, its places (empty: none)."""

    class Meta:
        model = Programme
        fields = [
            "title",
            "kind",
            "organiser",
            "notice_number",
            "start_date",
            "end_date",
            "hours",
            "deadline",
            "max_age",
            "min_rank",
            "min_years_in_rank",
            "party_member_required",
            "note",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "deadline": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reach = list(Unit.objects.visible_to(user).order_by("path"))
        own = user.unit
        above = Unit.objects.filter(pk__in=own.ancestor_ids()) if own is not None else Unit.objects.none()
        self.fields["organiser"].queryset = Unit.objects.filter(
            pk__in=[u.pk for u in reach] + list(above.values_list("pk", flat=True))
        ).order_by("path")
        if own is not None and own.parent_id is not None and not self.is_bound:
            self.initial.setdefault("organiser", own.parent_id)
        self.units = reach
        for unit in reach:
            self.fields[f"quota_{unit.pk}"] = forms.IntegerField(
                label=_("Places of %(unit)s") % {"unit": unit.name},
                required=False,
                min_value=1,
                max_value=1000,
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
            )

    def quota_fields(self):
        return [self[f"quota_{unit.pk}"] for unit in self.units]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def quotas(self) -> list[tuple[Unit, int]]:
        return [
            (unit, self.cleaned_data[f"quota_{unit.pk}"])
            for unit in self.units
            if self.cleaned_data.get(f"quota_{unit.pk}")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.units and not any(data.get(f"quota_{u.pk}") for u in self.units):
            raise forms.ValidationError(_("Give at least one unit its places."))
        return data

    def programme_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProgrammeEditForm(ProgrammeForm):
    """The announced class corrected: its fields and the places of the units in reach, filled from its quotas."""

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if not self.is_bound and self.instance.pk:
            for quota in self.instance.quotas.all():
                self.initial[f"quota_{quota.unit_id}"] = quota.places

    def clean(self) -> dict[str, Any]:
        return forms.ModelForm.clean(self)  # the service decides whether a unit keeps places (those out of reach)

    def _post_clean(self) -> None:
        pass  # the service checks the class as a whole and leaves the instance untouched until then


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the nomination is withdrawn"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required once the higher unit has confirmed the nomination."),
    )


class PlanItemForm(BootstrapFormMixin, forms.Form):
    """Which item of type 调训 of the administrator's unit's plan the class carries out (empty: none)."""

    item = forms.ModelChoiceField(label=_("Plan item carried out"), queryset=None, required=False)

    def __init__(self, *args: Any, items, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items.order_by("number")
        self.fields["item"].label_from_instance = lambda i: f"{i.number}. {i.title}（{i.kind.name}）"


class QuotaForm(BootstrapFormMixin, forms.Form):
    """Give a unit in reach its places in a class, or change them (the higher unit's notice may change)."""

    unit = forms.ModelChoiceField(label=pgettext_lazy("nominations", "Unit"), queryset=Unit.objects.none())
    places = forms.IntegerField(label=pgettext_lazy("nominations", "Places"), min_value=1, max_value=1000)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("path")


class NominationForm(BootstrapFormMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=None)
    reason = forms.CharField(
        label=_("Reason for the nomination"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, cadres, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres.select_related("section").order_by("section__sort_order", "name")
        self.fields["cadre"].label_from_instance = lambda c: f"{c.name}（{c.section.name}）"


class ReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("The higher unit's decision"),
        choices=[("confirm", _("Confirmed")), ("decline", _("Not confirmed"))],
        widget=forms.RadioSelect,
    )
    document = forms.CharField(label=_("Call-up notice number"), max_length=100)
    date = forms.DateField(label=_("Call-up notice date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResultForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices, widget=forms.RadioSelect)
    score = forms.CharField(
        label=pgettext_lazy("nominations", "Score"), max_length=30, required=False, help_text=_("e.g. 优秀, 合格 or 92")
    )
    certificate = forms.FileField(
        label=_("Certificate"), required=False, help_text=_("PDF, JPG or PNG, at most 10 MB; replaces the one kept.")
    )
    note = forms.CharField(label=_("Note on the result"), max_length=200, required=False)

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        if not upload:
            return upload
        if upload.size > CERTIFICATE_MAX_BYTES:
            raise forms.ValidationError(_("The certificate may be at most 10 MB."))
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in CERTIFICATE_KINDS:
            raise forms.ValidationError(_("The certificate must be a PDF, JPG or PNG file."))
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(CERTIFICATE_KINDS[extension]):
            raise forms.ValidationError(_("The file is not the %(kind)s its name says.") % {"kind": extension.upper()})
        return upload


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=1950, max_value=2100, required=False)
