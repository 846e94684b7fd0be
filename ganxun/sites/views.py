"""现场教学 pages: the sites of the user's units (filtered by kind and year, exported to Excel), a site with the
activities held there and its per-year counts, the site form, and linking an activity to a site."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from ganxun.core.access import require_admin
from ganxun.core.excel import safe_cell, workbook_response
from ganxun.core.lists import list_querystring
from ganxun.roster.models import Unit, home_unit_id

from . import queries, services
from .forms import LinkForm, SiteFilterForm, SiteForm
from .models import Site, SiteActivity

PAGE_SIZE = 50


def _unit(user) -> Unit:
    """The unit a new site belongs to: the administrator's own (the home unit for one without)."""
    return user.unit or Unit.objects.get(pk=home_unit_id())


def _sites(request: HttpRequest):
    form = SiteFilterForm(request.GET or None)
    sites = Site.objects.visible_to(request.user).select_related("section", "unit")
    year = None
    if form.is_valid():
        year = form.cleaned_data.get("year")
        if kind := form.cleaned_data.get("kind"):
            sites = sites.filter(kind=kind)
    return form, year, queries.site_list(sites, year).order_by("-is_active", "kind", "normalised_name", "pk")


@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    form, year, sites = _sites(request)
    context = {
        "form": form,
        "year": year,
        "page": Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page")),
        "querystring": list_querystring(request.GET),
        "may_edit": request.user.is_admin,
    }
    return render(request, "sites/site_list.html", context)


@require_GET
def site_export(request: HttpRequest) -> HttpResponse:
    _form, year, sites = _sites(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("现场教学点")
    count_header = f"{year}年现场教学次数" if year else "现场教学次数"
    sheet.append(
        [
            "名称",
            "项目类别",
            "地址",
            "所属单位",
            "负责科室",
            "联系人",
            "联系电话",
            count_header,
            "最近一次",
            "在用",
            "备注",
        ]
    )
    for s in sites.iterator(chunk_size=500):
        sheet.append(
            [
                safe_cell(s.name),
                str(s.get_kind_display()),
                safe_cell(s.address),
                safe_cell(s.unit.name),
                safe_cell(s.section.name) if s.section_id else "",
                safe_cell(s.contact),
                s.masked_phone,
                s.activities,
                s.last_day,
                "是" if s.is_active else "否",
                safe_cell(s.note),
            ]
        )
    return workbook_response(workbook, f"现场教学点_{year or timezone.localdate().year}.xlsx")


def _detail_context(request: HttpRequest, site: Site, link_form: LinkForm | None = None) -> dict[str, Any]:
    links = list(
        queries.links_with_figures()
        .filter(site=site)
        .select_related("activity", "activity__kind")
        .order_by(F("first_day").desc(nulls_first=True), "-pk")
    )
    may_edit = request.user.is_admin
    return {
        "site": site,
        "links": links,
        "years": queries.per_year(links),
        "may_edit": may_edit,
        "link_form": (link_form or LinkForm(site=site)) if may_edit else None,
    }


@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.visible_to(request.user).select_related("section", "unit"), pk=pk)
    return render(request, "sites/site_detail.html", _detail_context(request, site))


@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_admin(request.user)
    site = get_object_or_404(Site.objects.visible_to(request.user), pk=pk) if pk else None
    unit = site.unit if site else _unit(request.user)
    form = SiteForm(request.POST or None, instance=site, unit_id=unit.pk)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.site_save(actor=request.user, unit=unit, site=site, **form.cleaned_data)
            except PermissionDenied:
                raise
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The site “%(name)s” was saved.") % {"name": saved.name})
                return redirect(saved)
        status = 400
    return render(request, "sites/site_form.html", {"form": form, "site": site}, status=status)


@require_POST
def site_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    site = get_object_or_404(Site.objects.visible_to(request.user), pk=pk)
    try:
        services.site_delete(actor=request.user, site=site)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(site)
    messages.success(request, _("The site “%(name)s” was deleted.") % {"name": site.name})
    return redirect("sites:site_list")


@require_POST
def activity_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    site = get_object_or_404(Site.objects.visible_to(request.user).select_related("section", "unit"), pk=pk)
    form = LinkForm(request.POST, site=site)
    if form.is_valid():
        try:
            services.activity_link(actor=request.user, site=site, activity=form.cleaned_data["activity"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity was linked to the site."))
            return redirect(site)
    return render(request, "sites/site_detail.html", _detail_context(request, site, form), status=400)


@require_POST
def activity_unlink_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    link = get_object_or_404(
        SiteActivity.objects.filter(site__in=Site.objects.visible_to(request.user)).select_related("site", "activity"),
        pk=pk,
    )
    services.activity_unlink(actor=request.user, link=link)
    messages.success(request, _("The activity was unlinked from the site."))
    return redirect(link.site)
