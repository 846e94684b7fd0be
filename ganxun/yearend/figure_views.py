"""The page listing the records one year-end figure counts: the figure's label, value and definition on top, then
the records, paginated, each linked to its own page where it has one.

Who reads it: an administrator the units their role reaches, a 领导干部 their own unit and the units below it (the
report is the unit's).  科室负责人 and cadres do not: the figures are the whole unit's, their own pages show their
科室's and their own records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganxun.roster.models import Unit, home_unit_id
from ganxun.study.models import is_leader

from . import figures

PAGE_SIZE = 50


def _own_unit(user) -> Unit | None:
    """The unit whose report the user reads: an administrator's own (the home unit for one without), a leader's."""
    if user.is_admin:
        return user.unit or Unit.objects.filter(pk=home_unit_id()).first()
    if is_leader(user):
        return user.cadre.unit
    return None


def may_read(user, unit: Unit) -> bool:
    """An administrator: a unit their role reaches; a 领导干部: their unit or one below it."""
    if user.is_admin:
        if user.unit is None:
            return user.is_system_admin
        return unit.path.startswith(user.unit.path) if user.unit.path else unit.pk == user.unit.pk
    if is_leader(user):
        own = user.cadre.unit
        return unit.path.startswith(own.path) if own.path else unit.pk == own.pk
    return False


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        raise Http404 from None


def _label(row) -> str:
    """How a row is named in the list (its own string, with the cadre it belongs to where that helps)."""
    text = str(row)
    cadre = getattr(row, "cadre", None)
    if cadre is not None and getattr(cadre, "name", "") and cadre.name not in text:
        text = f"{cadre.name}：{text}"
    return text


def _url(row) -> str | None:
    get_url = getattr(row, "get_absolute_url", None)
    if get_url is None:
        return None
    try:
        return get_url()
    except NoReverseMatch:  # a row without an address of its own is listed without a link
        return None


def _day(row) -> dt.date | None:
    for name in ("date", "received_on", "first_day", "start_date", "valid_from"):
        value = getattr(row, name, None)
        if isinstance(value, dt.date):
            return value
    return None


@require_GET
def figure_records(request: HttpRequest) -> HttpResponse:
    user = request.user
    own = _own_unit(user)
    if own is None:
        raise PermissionDenied
    unit_id = _int(request.GET.get("unit"), own.pk)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    if not may_read(user, unit):
        raise PermissionDenied
    today = timezone.localdate()
    year = _int(request.GET.get("year"), today.year)
    if not 2000 <= year <= today.year + 1:
        raise Http404
    key = request.GET.get("key") or "cadres_total"
    if key not in figures.RECORDS:
        raise Http404
    figure = figures.compute(year=year, unit=unit)[key]
    rows = figures.records(key, year=year, unit=unit).order_by("pk")
    fields = {field.name for field in rows.model._meta.get_fields()}
    if "cadre" in fields:
        rows = rows.select_related("cadre")
    if "section" in fields:
        rows = rows.select_related("section")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = [
        {
            "label": _label(row),
            "url": _url(row),
            "day": _day(row),
            "hours": getattr(row, "hours", None),
            "section": getattr(getattr(row, "section", None), "name", ""),
        }
        for row in page.object_list
    ]
    value = figure.value
    context = {
        "figure": figure,
        "value": value,
        "is_dict": isinstance(value, dict),
        "is_hours": isinstance(value, Decimal),
        "year": year,
        "unit": unit,
        "page": page,
        "rows": listed,
        "has_day": any(row["day"] for row in listed),
        "has_section": any(row["section"] for row in listed),
        "querystring": urlencode({"year": year, "key": key, "unit": unit.pk}),
    }
    return render(request, "yearend/figures/records.html", context)
