"""The statistics tables and the 年度考核 list, on screen and as workbooks.

Who: administrators for the units their role reaches, 领导干部 for their unit and those below it (read only); a
科室负责人 reads the 考核 list of their own 科室 and nothing else here; cadres are refused (403) before anything is
looked up.  A year or unit in the query string that is not one the user may choose falls back to the default
(the current year, the user's own unit).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganxun.core.excel import workbook_response
from ganxun.core.params import query_id
from ganxun.hours.models import Bucket
from ganxun.roster.models import Cadre, Unit
from ganxun.study.models import is_leader

from . import queries
from .exports import assessment_workbook, tables_workbook

FIRST_YEAR, LAST_YEAR = 2000, 2100


def may_read_tables(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_admin or is_leader(user))


def may_read_assessment(user) -> bool:
    return may_read_tables(user) or (user.is_authenticated and user.is_section_head and user.section_id_scope)


@dataclass
class Choice:
    """The year and unit a page shows, and what else the user may choose."""

    year: int
    unit: Unit
    units: list[Unit]
    years: list[int]
    section_id: int | None = None  # a 科室负责人: their 科室 only


def _choice(request: HttpRequest) -> Choice:
    user = request.user
    today = timezone.localdate()
    text = request.GET.get("year", "")
    year = int(text) if text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR else today.year
    section_id = None
    if may_read_tables(user):
        units = list(Unit.objects.visible_to(user).order_by("path"))
    else:  # a section head: the unit of their 科室, that 科室 only
        units = [user.cadre.unit]
        section_id = user.section_id_scope
    if not units:
        raise PermissionDenied
    wanted = query_id(request.GET, "unit")
    own = user.unit_scope
    default = next((u for u in units if own is not None and u.pk == own.pk), units[0])
    unit = next((u for u in units if u.pk == wanted), default)
    years = list(range(today.year, today.year - 6, -1))
    if year not in years:
        years.append(year)
    return Choice(year=year, unit=unit, units=units, years=years, section_id=section_id)


def _facts(choice: Choice) -> queries.YearFacts:
    # Every cadre: the chosen unit is one the user may read, and compliance keeps those who served in its subtree.
    return queries.year_facts(
        year=choice.year, unit=choice.unit, cadres=Cadre.objects.all(), as_of=timezone.localdate()
    )


def _filename(kind: str, choice: Choice) -> str:
    return f"{choice.unit.name}{choice.year}年{kind}.xlsx"


@require_GET
def tables(request: HttpRequest) -> HttpResponse:
    if not may_read_tables(request.user):
        raise PermissionDenied
    choice = _choice(request)
    data = _facts(choice)
    context = {
        "choice": choice,
        "tables": [queries.unit_table(data), queries.lower_table(data)],
        "groups": queries.COLUMN_GROUPS,
        "keys": queries.COLUMN_KEYS,
        "today": timezone.localdate(),
    }
    return render(request, "orgstats/tables.html", context)


@require_GET
def tables_export(request: HttpRequest) -> HttpResponse:
    if not may_read_tables(request.user):
        raise PermissionDenied
    choice = _choice(request)
    data = _facts(choice)
    book = tables_workbook(queries.unit_table(data), queries.lower_table(data), timezone.localdate())
    return workbook_response(book, _filename("干部教育培训统计表", choice))


def _assessment(request: HttpRequest) -> tuple[Choice, queries.Assessment, queries.Assessment]:
    if not may_read_assessment(request.user):
        raise PermissionDenied
    choice = _choice(request)
    whole = queries.assessment(_facts(choice))
    if choice.section_id is not None:
        whole = whole.only(section_id=choice.section_id)
    section = query_id(request.GET, "section")
    result = request.GET.get("result", "")
    if result not in queries.RESULT_LABELS:
        result = ""
    if section not in {pk for pk, _name in whole.sections()}:
        section = None
    return choice, whole, whole.only(section_id=section, result=result)


@require_GET
def assessment(request: HttpRequest) -> HttpResponse:
    choice, whole, shown = _assessment(request)
    context = {
        "choice": choice,
        "whole": whole,
        "shown": shown,
        "sections": whole.sections(),
        "section": query_id(request.GET, "section"),
        "result": request.GET.get("result", ""),
        "results": list(queries.RESULT_LABELS.items()),
        "counts": [(value, label, whole.counts()[value]) for value, label in queries.RESULT_LABELS.items()],
        "buckets": Bucket.choices,
        "may_tables": may_read_tables(request.user),
        "querystring": request.GET.urlencode(),
    }
    return render(request, "orgstats/assessment.html", context)


@require_GET
def assessment_export(request: HttpRequest) -> HttpResponse:
    choice, _whole, shown = _assessment(request)
    return workbook_response(assessment_workbook(shown, timezone.localdate()), _filename("干部学时考核表", choice))
