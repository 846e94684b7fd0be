"""The filter bars of the practice lists: django-filter FilterSets over ``core.forms.FilterFormMixin`` forms.

A value that names nothing (an id beyond the database, a year out of range, a place of another kind) is left out
of the query, and the bar shows the filters as the list applied them.  Ids come through ``core.params.id_from``.
The figures page links here with the same parameters (``year``, ``place_kind``, ``place``, ``unit``, ``cadre``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin, FilterFormMixin
from ganxun.core.params import id_from
from ganxun.roster.models import Section, Unit

from .models import (
    COMMUNITY_KINDS,
    KEY_SITE_KINDS,
    Campaign,
    CommunityReport,
    Place,
    PlaceKind,
    Secondment,
    SecondmentKind,
    Stint,
    Team,
    TeamKind,
    Visit,
    VisitKind,
)

FIRST_YEAR = 2000
# The stint list's groups of kinds of place, as the figures count them: the community front line, the key sites.
COMMUNITY, KEY_SITES = "community", "key_sites"


class PracticeFilterForm(FilterFormMixin, BootstrapFormMixin, forms.Form):
    """The filter bar: its fields come from the FilterSet's filters."""


def year_choices() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this_year + 1, FIRST_YEAR - 1, -1)]


def _search(placeholder) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


class _IdFilter(django_filters.CharFilter):
    """A hidden id in the query string (the figures page's links); an id that is not one is ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput())
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)


class PracticeFilterSet(django_filters.FilterSet):
    """What the lists share: the user (for the 科室 choices and the unit filter), the year, the 科室."""

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(data, queryset, **kwargs)
        if "year" in self.filters:
            self.filters["year"].extra["choices"] = year_choices()
        if "section" in self.filters:
            sections = Section.objects.visible_to(user).order_by("unit__path", "sort_order", "name")
            self.filters["section"].extra["choices"] = [
                (str(pk), name) for pk, name in sections.values_list("pk", "name")
            ]

    def filter_year(self, records, name, value):
        return records.in_year(int(value))

    def filter_cadre(self, records, name, value):
        pk = id_from(value)
        return records.filter(cadre_id=pk) if pk is not None else records

    def filter_unit(self, records, name, value):
        pk = id_from(value)
        unit = Unit.objects.visible_to(self.user).filter(pk=pk).first() if pk is not None else None
        return records.in_unit(unit) if unit is not None else records

    def filter_place(self, records, name, value):
        """The place and the places under it (a 居委's list holds its 小区), and the places merged into it."""
        pk = id_from(value)
        if pk is None:
            return records
        places = Place.objects.filter(Q(pk=pk) | Q(parent_id=pk) | Q(merged_into_id=pk)).values("pk")
        return records.filter(place__in=places)


def _year() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(label=_("Year"), choices=[], empty_label=_("All years"), method="filter_year")


def _section() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(label=_("section"), choices=[], empty_label=_("All"), field_name="section_id")


class PlaceFilter(PracticeFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", max_length=100, widget=_search(_("Name of the place"))
    )
    kind = django_filters.ChoiceFilter(label=_("kind of place"), choices=PlaceKind.choices, empty_label=_("All"))
    parent = _IdFilter(method="filter_parent")

    class Meta:
        model = Place
        fields = ["q", "kind", "parent"]
        form = PracticeFilterForm

    def filter_q(self, places, name, value):
        text = value.strip()
        squeezed = "".join(text.split())
        return places.filter(Q(name__icontains=text) | Q(normalised_name__icontains=squeezed))

    def filter_parent(self, places, name, value):
        pk = id_from(value)
        return places.filter(parent_id=pk) if pk is not None else places


class CampaignFilter(PracticeFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", max_length=100, widget=_search(_("Name of the campaign"))
    )
    year = _year()

    class Meta:
        model = Campaign
        fields = ["q", "year"]
        form = PracticeFilterForm

    def filter_q(self, campaigns, name, value):
        return campaigns.filter(name__icontains=value.strip())

    def filter_year(self, campaigns, name, value):
        year = int(value)
        return campaigns.filter(Q(end_date__isnull=True) | Q(end_date__year__gte=year), start_date__year__lte=year)


class _CadreRecordFilter(PracticeFilterSet):
    """Name of the cadre or words of the record; year; 科室; the hidden cadre and unit."""

    search_fields: tuple[str, ...] = ()
    cadre = _IdFilter(method="filter_cadre")
    unit = _IdFilter(method="filter_unit")

    def filter_q(self, records, name, value):
        text = value.strip()
        condition = Q(cadre__name__icontains=text)
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": text})
        return records.filter(condition)


def _q(placeholder) -> django_filters.CharFilter:
    return django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100, widget=_search(placeholder))


class StintFilter(_CadreRecordFilter):
    search_fields = ("place__name", "task", "role")
    q = _q(_("Name, place or task"))
    campaign = django_filters.ChoiceFilter(
        label=_("campaign"), choices=[], empty_label=_("All"), field_name="campaign_id"
    )
    place_kind = django_filters.ChoiceFilter(
        label=_("kind of place"), choices=[], empty_label=_("All"), method="filter_place_kind"
    )
    year = _year()
    section = _section()
    place = _IdFilter(method="filter_place")

    class Meta:
        model = Stint
        fields = ["q", "campaign", "place_kind", "year", "section", "place", "cadre", "unit"]
        form = PracticeFilterForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.visible_to(self.user).values_list("pk", "name")
        self.filters["campaign"].extra["choices"] = [(str(pk), name) for pk, name in campaigns]
        self.filters["place_kind"].extra["choices"] = [
            (COMMUNITY, _("Residents' committees and estates")),
            (KEY_SITES, _("Airports, quarantine and observation sites")),
            *PlaceKind.choices,
        ]

    def filter_place_kind(self, stints, name, value):
        kinds = {COMMUNITY: COMMUNITY_KINDS, KEY_SITES: KEY_SITE_KINDS}.get(value, {value})
        return stints.filter(place__kind__in=kinds)


class CommunityReportFilter(_CadreRecordFilter):
    search_fields = ("place__name", "service", "party_branch")
    q = _q(_("Name, committee or service"))
    year = _year()
    section = _section()
    place = _IdFilter(method="filter_place")

    class Meta:
        model = CommunityReport
        fields = ["q", "year", "section", "place", "cadre", "unit"]
        form = PracticeFilterForm


class TeamFilter(PracticeFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", max_length=100, widget=_search(_("Name of the team"))
    )
    kind = django_filters.ChoiceFilter(label=_("kind of team"), choices=TeamKind.choices, empty_label=_("All"))

    class Meta:
        model = Team
        fields = ["q", "kind"]
        form = PracticeFilterForm

    def filter_q(self, teams, name, value):
        return teams.filter(name__icontains=value.strip())


class SecondmentFilter(_CadreRecordFilter):
    search_fields = ("region", "host_unit", "post")
    q = _q(_("Name, destination or host unit"))
    kind = django_filters.ChoiceFilter(
        label=_("kind of secondment"), choices=SecondmentKind.choices, empty_label=_("All")
    )
    year = _year()
    section = _section()

    class Meta:
        model = Secondment
        fields = ["q", "kind", "year", "section", "cadre", "unit"]
        form = PracticeFilterForm


class VisitFilter(_CadreRecordFilter):
    search_fields = ("place__name", "destination", "task")
    q = _q(_("Name, place or task"))
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=VisitKind.choices, empty_label=_("All"))
    year = _year()
    section = _section()
    place = _IdFilter(method="filter_place")

    class Meta:
        model = Visit
        fields = ["q", "kind", "year", "section", "place", "cadre", "unit"]
        form = PracticeFilterForm
