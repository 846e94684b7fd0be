"""Compliance by 科室: the summary per section, the cadres of one section, and the Excel export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ganxun.core.excel import workbook_response
from ganxun.roster.models import Cadre, Section
from ganxun.roster.permissions import can_browse_roster

from ..exports import compliance_workbook, export_filename
from ..forms import ComplianceFilterForm
from ..models import Bucket
from ..queries import compliance

PAGE_SIZE = 50


def _cadres(request: HttpRequest):
    """The cadres in post this user may see: all for admins, their 科室 for a section head."""
    if not can_browse_roster(request.user):
        raise PermissionDenied
    return Cadre.objects.visible_to(request.user).active()


def _query(year: int, behind: bool, **extra) -> str:
    params = {"year": year, **extra}
    if behind:
        params["behind"] = "1"
    return urlencode(params)


@require_GET
def compliance_overview(request: HttpRequest) -> HttpResponse:
    """Per 科室: cadres in post, how many are 达标 (or on track), the rate; the year's requirements."""
    cadres = _cadres(request)
    filters = ComplianceFilterForm(request.GET)
    year, behind = filters.year_or_default(), filters.behind_only()
    report = compliance(year=year, cadres=cadres)
    context = {
        "filters": filters,
        "year": year,
        "behind": behind,
        "report": report,
        "sections": report.sections(),
        "totals": report.totals(),
        "querystring": _query(year, behind),
    }
    return render(request, "hours/compliance_overview.html", context)


@require_GET
def compliance_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The cadres of one 科室 with required and done 学时 per requirement and category; 未达标 only on demand."""
    cadres = _cadres(request)
    section = get_object_or_404(Section.objects.visible_to(request.user), pk=pk)
    filters = ComplianceFilterForm(request.GET)
    year, behind = filters.year_or_default(), filters.behind_only()
    report = compliance(year=year, cadres=cadres.filter(section=section))
    rows = report.behind() if behind else report.rows
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "section": section,
        "year": year,
        "behind": behind,
        "report": report,
        "totals": report.totals(),
        "page": page,
        "querystring": _query(year, behind),
        "export_query": _query(year, behind, section=section.pk),
        "bucket_choices": Bucket.choices,
    }
    return render(request, "hours/compliance_section.html", context)


@require_GET
def compliance_export(request: HttpRequest) -> HttpResponse:
    """One row per cadre with required and done 学时: the whole visible bureau, or one 科室 (?section=)."""
    cadres = _cadres(request)
    filters = ComplianceFilterForm(request.GET)
    year, behind = filters.year_or_default(), filters.behind_only()
    parts = []
    section_id = request.GET.get("section", "")
    if section_id:
        section = get_object_or_404(
            Section.objects.visible_to(request.user), pk=section_id if section_id.isdigit() else 0
        )
        cadres = cadres.filter(section=section)
        parts.append(section.name)
    report = compliance(year=year, cadres=cadres)
    rows = report.behind() if behind else report.rows
    return workbook_response(compliance_workbook(report, rows), export_filename(report, ".xlsx", parts))
