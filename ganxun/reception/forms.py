from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.core.forms import BootstrapFormMixin, DateInput
from ganxun.roster.models import Cadre, Section

from .models import Category, Granularity, PetitionCase


class RuleForm(BootstrapFormMixin, forms.Form):
    granularity = forms.ChoiceField(label=_("turns"), choices=Granularity.choices)
    per_turn = forms.IntegerField(label=_("duty cadres per turn"), min_value=1, max_value=5)
    order = forms.CharField(
        label=_("sections in turn"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One section per line, in the order they take turns."),
    )

    def __init__(self, *args: Any, unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_order(self) -> list[Section]:
        names = [line.strip() for line in self.cleaned_data["order"].replace("、", "\n").splitlines() if line.strip()]
        known = {s.name: s for s in Section.objects.filter(unit=self.unit)}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValidationError(_("No section of this unit is named %(names)s.") % {"names": "、".join(unknown)})
        return [known[n] for n in names]


class GenerateForm(BootstrapFormMixin, forms.Form):
    first = forms.DateField(label=_("from"), widget=DateInput())
    last = forms.DateField(label=_("to"), widget=DateInput())


class StaffForm(BootstrapFormMixin, forms.Form):
    cadres = forms.ModelMultipleChoiceField(label=_("duty cadres"), queryset=Cadre.objects.none())
    reason = forms.CharField(label=_("Why the duty cadres change"), max_length=200)

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = (
            Cadre.objects.filter(unit_id=unit_id)
            .active()
            .select_related("section")
            .order_by("section__sort_order", "name")
        )
        self.fields["cadres"].label_from_instance = lambda c: f"{c.name}（{c.section.name}）"


class CaseForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PetitionCase
        fields = [
            "received_on",
            "visitor",
            "visitor_phone",
            "matter",
            "category",
            "handled_by",
            "result",
            "closed_on",
            "note",
        ]
        widgets = {"received_on": DateInput(), "closed_on": DateInput()}

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handled_by"].queryset = (
            Cadre.objects.filter(unit_id=unit_id)
            .active()
            .select_related("section")
            .order_by("section__sort_order", "name")
        )
        self.fields["handled_by"].label_from_instance = lambda c: f"{c.name}（{c.section.name}）"

    def _post_clean(self) -> None:
        pass  # the service checks the case as a whole, naming the fields


class CaseFilterForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    category = forms.ChoiceField(
        label=pgettext_lazy("petition", "category"), required=False, choices=[("", _("All")), *Category.choices]
    )
