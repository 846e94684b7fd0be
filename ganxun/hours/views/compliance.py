"""Compliance: the overview per 科室, the cadres of one 科室, the bureau-wide list of cadres, and the Excel export.

Every page reads the same filters (year, 科室, tier, standing); the figures, the 科室 table, the lists and the
export all reflect what is filtered.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ganxun.core.excel import workbook_response
from ganxun.roster.models import Cadre, Section, Tier, Unit
from ganxun.roster.permissions import can_browse_roster

from ..exports import compliance_workbook, export_filename
from ..forms import ComplianceFilterForm
from ..models import Bucket
from ..queries import OFF_TRACK, ComplianceReport, Standing, compliance

PAGE_SIZE = 50


def _cadres(request: HttpRequest, year: int | None = None):
    """The cadres this user may see, whatever their status and unit today: compliance lists who served during
    the year (for an administrator, everyone who belonged to their units at any time in it; for a section head,
    their 科室)."""
    if not can_browse_roster(request.user):
        raise PermissionDenied
    if year is None:
        year = ComplianceFilterForm(request.GET).year_or_default()
    return Cadre.objects.visible_to(request.user, during=(dt.date(year, 1, 1), dt.date(year, 12, 31)))


def _filters(request: HttpRequest) -> ComplianceFilterForm:
    sections = Section.objects.visible_to(request.user).order_by("sort_order", "name").only("pk", "name")
    return ComplianceFilterForm(request.GET, sections=sections)


def _report(
    request: HttpRequest, cadres, filters: ComplianceFilterForm, section: Section | None = None
) -> ComplianceReport:
    """The cadres who served in the administrator's unit during the year, judged by their record for it: the
    科室 and tier filters apply to the 科室 and tier the year is judged by (at its end, or on leaving), the
    standing to the judged rows."""
    section_id = section.pk if section is not None else filters.chosen_section()
    user = request.user
    if section_id is None and not user.is_admin and user.is_section_head:
        # A section head's year: who served in their 科室 and is listed by it (the 科室 at the year's end, or on
        # leaving); a cadre who moved on to another 科室 is that 科室's to report.
        section_id = user.section_id_scope
    unit = user.unit if user.is_admin else None
    report = compliance(
        year=filters.year_or_default(), cadres=cadres, unit=unit, section_id=section_id, tier=filters.chosen_tier()
    )
    return report.only(filters.chosen_standing())


def _with_unit_names(sections: list) -> list:
    """The 科室 of a report spanning several units get their unit's name (one query, only then)."""
    units = {summary.unit_id for summary in sections}
    if len(units) > 1:
        names = dict(Unit.objects.filter(pk__in=units).values_list("pk", "name"))
        for summary in sections:
            summary.unit_name = names.get(summary.unit_id, "")
    return sections


def _labels(filters: ComplianceFilterForm) -> list[str]:
    """What the filters narrow to, in words: for headings and file names."""
    parts = []
    if filters.chosen_section() is not None:
        parts.append(dict(filters.fields["section"].choices)[filters.chosen_section()])
    if filters.chosen_tier():
        parts.append(str(Tier(filters.chosen_tier()).label))
    if standing := filters.chosen_standing():
        parts.append(str(dict(filters.fields["standing"].choices)[standing]))
    return parts


@require_GET
def compliance_overview(request: HttpRequest) -> HttpResponse:
    """已达标, 进度正常, 进度滞后 and 未达标 apart, as counts and shares: in total and per 科室; the requirements."""
    cadres = _cadres(request)
    filters = _filters(request)
    report = _report(request, cadres, filters)
    context = {
        "filters": filters,
        "year": filters.year_or_default(),
        "report": report,
        "sections": _with_unit_names(report.sections()),
        "totals": report.totals(),
        "querystring": filters.querystring(),
        "narrowed": _labels(filters),
        "off_track": OFF_TRACK,
    }
    return render(request, "hours/compliance_overview.html", context)


@require_GET
def compliance_cadres(request: HttpRequest) -> HttpResponse:
    """The cadres of the whole visible bureau with their standing, paged; ?standing=off_track: those not on track."""
    cadres = _cadres(request)
    filters = _filters(request)
    report = _report(request, cadres, filters)
    page = Paginator(report.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "year": filters.year_or_default(),
        "report": report,
        "totals": report.totals(),
        "page": page,
        "querystring": filters.querystring(),
        "narrowed": _labels(filters),
        "bucket_choices": Bucket.choices,
        "off_track": OFF_TRACK,
    }
    return render(request, "hours/compliance_cadres.html", context)


@require_GET
def compliance_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The cadres of one 科室 with required and done 学时 per requirement and category."""
    cadres = _cadres(request)
    section = get_object_or_404(Section.objects.visible_to(request.user), pk=pk)
    filters = _filters(request)
    report = _report(request, cadres, filters, section=section)
    page = Paginator(report.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "section": section,
        "year": filters.year_or_default(),
        "report": report,
        "totals": report.totals(),
        "page": page,
        "querystring": filters.querystring(section=None),
        "export_query": filters.querystring(section=section.pk),
        "bucket_choices": Bucket.choices,
        "standings": Standing,
    }
    return render(request, "hours/compliance_section.html", context)


@require_GET
def compliance_export(request: HttpRequest) -> HttpResponse:
    """One row per cadre with required and done 学时, for exactly what the page shows under the same filters."""
    cadres = _cadres(request)
    filters = _filters(request)
    if request.GET.get("section") and filters.chosen_section() is None:
        raise Http404  # a 科室 this user may not see, or none at all: say so rather than export another set
    report = _report(request, cadres, filters)
    rows = report.rows + report.apart if not filters.chosen_standing() else report.rows
    return workbook_response(compliance_workbook(report, rows), export_filename(report, ".xlsx", _labels(filters)))
