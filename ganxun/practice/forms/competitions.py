"""Forms of the merit competitions: the competition, its criteria and entries, corrections, awards, the filter bar."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin, DateInput, ModelMultipleChoiceField
from ganxun.roster.models import Cadre, CadrePeriod, Section, Unit

from ..models import AwardLevel, Campaign, Competition, Criterion, EntryKind
from ..services.competitions import RANK_LEVELS, competition_year, judge_name, parse_score

YEAR_MIN, YEAR_MAX = 2000, 2100


class JudgeChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{judge_name(obj)}（{obj.get_username()}）"


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.section.name}）"


class CadresChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.section.name}）"


def accounts_within(unit: Unit | None):
    """The accounts in use of a unit's subtree (administrators held there and cadres of it): possible judges."""
    accounts = get_user_model().objects.filter(is_active=True).select_related("cadre")
    if unit is None:
        return accounts.order_by("username")
    units = Unit.objects.subtree(unit).values("pk")
    return accounts.filter(Q(unit_id__in=units) | Q(cadre__unit_id__in=units)).order_by("username")


def cadres_within(user, competition: Competition):
    """The cadres who served in the organising unit's subtree during the competition's year, as the user sees them."""
    first, last = competition_year(competition)
    units = Unit.objects.subtree(competition.unit).values("pk")
    served = CadrePeriod.objects.overlapping(first, last).filter(unit_id__in=units).values("cadre_id")
    return (
        Cadre.objects.visible_to(user, during=(first, last))
        .filter(Q(unit_id__in=units) | Q(pk__in=served))
        .select_related("section")
        .order_by("section__sort_order", "name", "pk")
    )


class CompetitionForm(BootstrapFormMixin, forms.ModelForm):
    """The competition's particulars and judges; the unit is one the administrator's role reaches."""

    judges = JudgeChoiceField(
        label=_("Judges"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Each judge fills their own scoring sheet; you may also enter a judge's paper sheet for them."),
    )

    class Meta:
        model = Competition
        fields = ["name", "unit", "year", "campaign", "start_date", "end_date", "description"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(user)
        self.fields["unit"].queryset = units
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user).order_by("-start_date", "name")
        self.fields["year"].widget.attrs.update(min=YEAR_MIN, max=YEAR_MAX)
        unit = self.instance.unit if self.instance.pk else user.unit_scope
        self.fields["judges"].queryset = accounts_within(unit)
        if self.instance.pk:
            self.fields["unit"].disabled = True
            self.initial["judges"] = list(self.instance.judges.values_list("pk", flat=True))
        elif units.count() == 1:
            self.initial.setdefault("unit", units.get().pk)


class CriterionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "weight", "max_score", "order"]
        labels = {"weight": _("Weight (%)")}
        help_texts = {
            "weight": _("The criterion's share of the total; the weights of all criteria add up to 100."),
            "max_score": _("The highest score a judge may give on this criterion."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False

    def validate_constraints(self) -> None:
        pass  # the service checks the competition's own rules (unique name, weights) and names the field


class EntryForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of entry"), choices=EntryKind.choices, widget=forms.RadioSelect)
    cadre = CadreChoiceField(label=_("Cadre"), queryset=Cadre.objects.none(), required=False)
    name = forms.CharField(label=_("Team name"), max_length=100, required=False)
    members = CadresChoiceField(
        label=_("Members"),
        queryset=Cadre.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.none(),
        required=False,
        help_text=_("The section the team belongs to; its head sees the entry."),
    )

    def __init__(self, *args: Any, user, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cadres = cadres_within(user, competition)
        self.fields["cadre"].queryset = cadres
        self.fields["members"].queryset = cadres
        self.fields["section"].queryset = Section.objects.visible_to(user).filter(
            unit_id__in=Unit.objects.subtree(competition.unit).values("pk")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == EntryKind.INDIVIDUAL and not data.get("cadre"):
            self.add_error("cadre", _("Choose the cadre of an individual entry."))
        if data.get("kind") == EntryKind.TEAM:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Give the team's name."))
            if not data.get("members"):
                self.add_error("members", _("Choose the members of the team."))
        return data


class ScoreValueField(forms.CharField):
    """A score typed in a cell: empty, or a number with at most two decimals."""

    def to_python(self, value: Any) -> Decimal | None:
        text = super().to_python(value)
        if len(text) > 20:
            raise forms.ValidationError(_("Enter a number with at most two decimals."))
        try:
            return parse_score(text)
        except ValueError:
            raise forms.ValidationError(_("Enter a number with at most two decimals.")) from None


AGREED = "agreed"


class CorrectionForm(BootstrapFormMixin, forms.Form):
    """A score changed after publication: which cell, the new score (empty to take it away), and why."""

    entry = forms.ChoiceField(label=_("Entry"))
    criterion = forms.ChoiceField(label=_("Criterion"))
    judge = forms.ChoiceField(label=_("Whose score"))
    value = ScoreValueField(
        label=_("New score"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 12}),
        help_text=_("Empty: take the score away."),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competition = competition
        self.entries = {str(e.pk): e for e in competition.entries.select_related("cadre")}
        self.criteria = {str(c.pk): c for c in competition.criteria.all()}
        self.judges = {str(j.pk): j for j in competition.judges.select_related("cadre")}
        self.fields["entry"].choices = [("", _("Please choose"))] + [(k, str(e)) for k, e in self.entries.items()]
        self.fields["criterion"].choices = [("", _("Please choose"))] + [(k, c.name) for k, c in self.criteria.items()]
        self.fields["judge"].choices = [(AGREED, _("Agreed score"))] + [
            (k, judge_name(j)) for k, j in self.judges.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["entry_obj"] = self.entries.get(data.get("entry", ""))
        data["criterion_obj"] = self.criteria.get(data.get("criterion", ""))
        data["judge_obj"] = self.judges.get(data.get("judge", ""))
        return data


class AwardsByRankForm(BootstrapFormMixin, forms.Form):
    """How many places each rank level covers, best first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level in RANK_LEVELS:
            self.fields[level] = forms.IntegerField(
                label=_("%(level)s: places") % {"level": AwardLevel(level).label},
                min_value=0,
                max_value=1000,
                required=False,
            )

    def places(self) -> dict[str, int]:
        return {level: self.cleaned_data.get(level) or 0 for level in RANK_LEVELS}


class AwardForm(BootstrapFormMixin, forms.Form):
    """An award by hand (先进个人, 先进集体 …): which entry, which award, why."""

    entry = forms.ModelChoiceField(label=_("Entry"), queryset=None)
    level = forms.ChoiceField(label=_("Award"), choices=AwardLevel.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = competition.entries.select_related("cadre").order_by("kind", "name", "pk")


class RevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why is it taken back"), max_length=300)


class CompetitionFilterForm(BootstrapFormMixin, forms.Form):
    """The competitions list's filter bar (the form behind ``CompetitionFilter``; its fields come from there)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].empty_label = _("All")  # a filter left empty takes every unit, not "please choose"


class CompetitionFilter(django_filters.FilterSet):
    """Year, organising unit (with the units below it) and name; a value that does not validate is ignored."""

    q = django_filters.CharFilter(
        label=_("Competition name"),
        method="filter_q",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name of the competition")}),
    )
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="year", widget=forms.NumberInput(attrs={"min": YEAR_MIN, "max": YEAR_MAX})
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Organising unit"), queryset=Unit.objects.none(), method="filter_unit", empty_label=_("All")
    )

    class Meta:
        model = Competition
        fields = ["q", "year", "unit"]
        form = CompetitionFilterForm

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = Unit.objects.visible_to(user)

    def filter_q(self, competitions, name, value):
        return competitions.filter(name__icontains=value.strip())

    def filter_unit(self, competitions, name, value):
        return competitions.filter(unit__in=Unit.objects.subtree(value).values("pk"))
