from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin, DateInput
from ganxun.roster.models import Cadre, Section

from .models import Rating, Rotation


class RotationForm(BootstrapFormMixin, forms.ModelForm):
    """The plan: the cadre (when new), the host 科室 of the units the administrator reaches, the period, the
    mentor and the tasks.  The rules between fields are the service's (on their fields)."""

    class Meta:
        model = Rotation
        fields = ["cadre", "host_section", "start_date", "end_date", "mentor", "tasks"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "tasks": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cadres = (
            Cadre.objects.editable_by(user).active().select_related("section").order_by("section__sort_order", "name")
        )
        if self.instance.pk:
            del self.fields["cadre"]
        else:
            self.fields["cadre"].queryset = cadres
            self.fields["cadre"].label_from_instance = lambda c: f"{c.name}（{c.section.name}）"
        self.fields["host_section"].queryset = Section.objects.editable_by(user).order_by("sort_order", "name")
        self.fields["mentor"].queryset = cadres
        self.fields["mentor"].label_from_instance = lambda c: f"{c.name}（{c.section.name}）"

    def fields_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "cadre"}

    def _post_clean(self) -> None:
        # The model's checks that need the cadre run in the service (which names the field); not here twice.
        pass


class CompleteForm(BootstrapFormMixin, forms.Form):
    completed_on = forms.DateField(label=_("completed on"), widget=DateInput())
    summary = forms.CharField(label=_("cadre's summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].initial = timezone.localdate()


class EvaluateForm(BootstrapFormMixin, forms.Form):
    rating = forms.ChoiceField(label=_("host's rating"), choices=[("", "—"), *Rating.choices])
    evaluation = forms.CharField(label=_("host's evaluation"), widget=forms.Textarea(attrs={"rows": 4}))


class FilterForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
