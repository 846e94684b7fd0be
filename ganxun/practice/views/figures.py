"""The practice figures of a year (``practice:figures``) and, for each, the records behind it
(``practice:figure_records``, e.g. ``/practice/figures/committees/?year=2022``: the 居委 and the stints reaching
each).  Administrators choose a unit within their reach; a 科室负责人 sees their 科室's figures; nobody else."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganxun.core.params import query_id
from ganxun.roster.models import Unit

from .. import figures as fig
from ..models import Place, TeamRole

PAGE_SIZE = 50
ROLE_ORDER = Case(When(role=TeamRole.LEADER, then=0), When(role=TeamRole.DEPUTY, then=1), default=2)
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclasses.dataclass
class Choice:
    """What the user asked for, as allowed: the year, the unit (an administrator's), and the scope it makes."""

    year: int
    units: list[Unit]
    unit: Unit | None
    scope: fig.Scope
    section_name: str = ""

    def querystring(self) -> str:
        return f"year={self.year}" + (f"&unit={self.unit.pk}" if self.unit is not None and self.units else "")


def _choice(request: HttpRequest) -> Choice:
    """The year (this year unless a sane one is given) and the scope: an administrator's units (the one chosen,
    else their own subtree), a 科室负责人's 科室; 403 for anyone else."""
    user = request.user
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR else None
    year = year or timezone.localdate().year
    if user.is_admin:
        units = list(Unit.objects.visible_to(user).order_by("path"))
        wanted = query_id(request.GET, "unit")
        unit = next((u for u in units if u.pk == wanted), None) or user.unit
        return Choice(year, units, unit, fig.Scope(unit=unit, user=user))
    if user.is_section_head and user.section_id_scope is not None:
        scope = fig.Scope(section_id=user.section_id_scope, user=user)
        return Choice(year, [], None, scope, section_name=user.cadre.section.name)
    raise PermissionDenied


def _url(record) -> str | None:
    """The record's own page (an award's: its entry's), when the pages that show it are installed."""
    record = getattr(record, "entry", record)
    try:
        return record.get_absolute_url()
    except NoReverseMatch:
        return None


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """The figures of the year, each linking to the records behind it."""
    choice = _choice(request)
    values = fig.figures(choice.year, choice.scope)
    rows = [
        {"key": key, "slug": fig.SLUGS[key], "label": fig.LABELS[key], "value": values[key]}
        for key in fig.KEYS
        if key != "team_members"
    ]
    context = {
        "choice": choice,
        "rows": rows,
        "teams": values["team_members"],
        "querystring": choice.querystring(),
    }
    return render(request, "practice/figures/figures.html", context)


def _grouped_by_place(records, page_number) -> tuple:
    """A page of the places reached (居委 or 小区) with the stints reaching each, in three queries."""
    places = Place.objects.filter(pk__in=records.order_by().values("reached")).select_related("parent")
    page = Paginator(places.order_by("normalised_name", "pk"), PAGE_SIZE).get_page(page_number)
    stints = defaultdict(list)
    chosen = [p.pk for p in page.object_list]
    for stint in records.filter(reached__in=chosen).select_related("cadre", "place", "campaign", "section"):
        stint.url = _url(stint)
        stints[stint.reached].append(stint)
    for place in page.object_list:
        place.reaching = sorted(stints[place.pk], key=lambda s: (s.start_date, s.cadre.name, s.pk))
    return page, len(chosen)


RELATED = {
    "community_reporting_party_members": ("cadre", "place", "section"),
    "frontline_people": ("cadre", "place", "place__parent", "campaign", "section"),
    "key_site_people": ("cadre", "place", "campaign", "section"),
    "team_members": ("cadre", "team", "section"),
    "secondment_people": ("cadre", "section", "place"),
    "competition_entries": ("competition", "cadre", "section"),
    "awards": ("competition", "entry", "entry__cadre", "entry__section"),
    "hours": ("cadre", "section"),
}
ORDER = {
    "community_reporting_party_members": ("date", "pk"),
    "frontline_people": ("start_date", "pk"),
    "key_site_people": ("start_date", "pk"),
    "team_members": ("team__name", "role_order", "joined_on", "pk"),
    "secondment_people": ("planned_start", "pk"),
    "competition_entries": ("competition__name", "kind", "name", "pk"),
    "awards": ("competition__name", "rank", "pk"),
    "hours": ("date", "pk"),
}


@require_GET
def figure_records(request: HttpRequest, figure: str) -> HttpResponse:
    """The records behind one figure, a page at a time."""
    key = fig.FIGURE_OF_SLUG.get(figure)
    if key is None:
        raise Http404
    choice = _choice(request)
    records = fig.records(key, choice.year, choice.scope)
    value = fig.figure(key, choice.year, choice.scope)
    context = {
        "choice": choice,
        "key": key,
        "slug": figure,
        "label": fig.LABELS[key],
        "value": value,
        "querystring": choice.querystring(),
    }
    if key in ("committees_supported", "estates_supported"):
        context["page"], context["shown"] = _grouped_by_place(records, request.GET.get("page"))
    else:
        if key == "team_members":  # 队长, 副队长, then 队员
            records = records.annotate(role_order=ROLE_ORDER)
        rows = records.select_related(*RELATED[key]).order_by(*ORDER[key])
        context["page"] = page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for record in page.object_list:
            record.url = record.source_url() if key == "hours" else _url(record)
    return render(request, "practice/figures/records.html", context)


urlpatterns = [
    path("figures/", figures, name="figures"),
    path("figures/<slug:figure>/", figure_records, name="figure_records"),
]
