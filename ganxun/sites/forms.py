from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case, IntegerField, Min, Value, When
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin
from ganxun.roster.models import Section

from .models import ProjectKind, Site
from .services import linkable_activities

ONSITE_KIND = "现场教学"  # the seeded activity kind (training migration 0002): its activities are offered first


class SiteForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "kind", "address", "section", "contact", "contact_phone", "note", "is_active"]

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(unit_id=unit_id).order_by("sort_order", "name")

    def _post_clean(self) -> None:
        pass  # the service checks the site as a whole (its normalised name once per unit), naming the fields


class SiteFilterForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind of project"), required=False, choices=[("", _("All")), *ProjectKind.choices])
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)


class LinkForm(BootstrapFormMixin, forms.Form):
    activity = forms.ModelChoiceField(label=_("training activity"), queryset=Site.objects.none())

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        field.queryset = (
            linkable_activities(site)
            .select_related("kind")
            .annotate(
                first_day=Min("sessions__date"),
                onsite=Case(When(kind__name=ONSITE_KIND, then=Value(0)), default=Value(1), output_field=IntegerField()),
            )
            .order_by("onsite", "-first_day", "-pk")
        )
        field.label_from_instance = lambda a: (
            (f"{a.first_day:%Y-%m-%d} " if a.first_day else "") + f"{a.title}（{a.kind.name}）"
        )
