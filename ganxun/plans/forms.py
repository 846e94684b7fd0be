"""The training plan's forms: the plan, an item (its audience as enrolment chooses one), a copy, a link, a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin, ModelMultipleChoiceField
from ganxun.hours.models import EARLIEST_DATE, LATEST_DATE
from ganxun.roster.models import DerivedGroup, Section, Tag
from ganxun.training.models import Activity, ActivityKind, Classroom

from .models import PlanItem, TrainingPlan

MONTHS = [(m, f"{m}月") for m in range(1, 13)]
REASON_HELP = _("The plan is approved: the change becomes a new version with this reason.")


class ReasonMixin:
    """A reason for the change, asked when the plan is approved (and required then)."""

    def add_reason(self, plan: TrainingPlan) -> None:
        if plan.is_fixed:
            self.fields["reason"] = forms.CharField(  # type: ignore[attr-defined]
                label=_("Reason for the change"), max_length=300, help_text=REASON_HELP
            )

    def reason(self) -> str:
        return self.cleaned_data.get("reason", "")  # type: ignore[attr-defined]


class PlanForm(ReasonMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TrainingPlan
        fields = ["title", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.add_reason(self.instance)


class PlanCreateForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=EARLIEST_DATE.year, max_value=LATEST_DATE.year)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Empty: “2027年度干部教育培训计划”.")
    )


class PlanCopyForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Into the year"), min_value=EARLIEST_DATE.year, max_value=LATEST_DATE.year)


class ItemForm(ReasonMixin, BootstrapFormMixin, forms.ModelForm):
    months = forms.TypedMultipleChoiceField(
        label=_("Planned months"), choices=MONTHS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    sections = ModelMultipleChoiceField(
        label=_("Sections"), queryset=Section.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.MultipleChoiceField(
        label=_("Groups"), choices=DerivedGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PlanItem
        fields = [
            "number",
            "kind",
            "title",
            "everyone",
            "sections",
            "groups",
            "tags",
            "audience_note",
            "months",
            "sessions",
            "hours",
            "section",
            "budget",
            "note",
        ]
        labels = {"everyone": _("Every cadre in post")}
        help_texts = {
            "hours": _("The 学时 of the item's sessions together (what one participant earns)."),
            "audience_note": _("Optional, e.g. 35岁以下 or 各科室业务骨干."),
        }

    def __init__(self, *args: Any, plan: TrainingPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["kind"].queryset = ActivityKind.objects.filter(classroom=Classroom.PROFESSIONAL, is_active=True)
        sections = Section.objects.filter(unit_id=plan.unit_id, is_active=True).order_by("sort_order", "name")
        self.fields["sections"].queryset = sections
        self.fields["section"].queryset = sections
        self.fields["tags"].queryset = Tag.objects.order_by("name")
        if not self.instance.pk:
            self.fields["number"].required = False
            self.fields["number"].help_text = _("Empty: the next number.")
        else:
            self.initial.setdefault("months", list(self.instance.months))
        self.add_reason(plan)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get("everyone") or data.get("sections") or data.get("groups") or data.get("tags")
        if not chosen and not data.get("audience_note") and "everyone" not in self.errors:
            self.add_error("everyone", _("Audience: choose everyone, sections, groups or tags, or describe it."))
        return data

    def _post_clean(self) -> None:
        """The model's own checks run in the service (with the plan locked), not twice here."""

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.Meta.fields}
        fields["groups"] = list(data.get("groups") or [])
        fields["months"] = list(data.get("months") or [])
        fields["sections"] = list(data.get("sections") or [])
        fields["tags"] = list(data.get("tags") or [])
        fields["audience_note"] = data.get("audience_note") or ""
        fields["note"] = data.get("note") or ""
        return fields


class LinkForm(BootstrapFormMixin, forms.Form):
    """Link an activity outside the plan to an item."""

    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    item = forms.ModelChoiceField(label=_("Plan item"), queryset=PlanItem.objects.none())

    def __init__(self, *args: Any, plan: TrainingPlan, activities, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["item"].queryset = plan.items.all()


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
