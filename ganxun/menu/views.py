"""The pages of 培训菜单.

The menu (post families, their posts and the topics they need) is the administrators'; the gaps per unit and 科室
(with the drill-down to the cadres and the Excel export) are read by an administrator for the units their role
reaches and by a 科室负责人 for their 科室 (``Cadre.objects.visible_to``); a cadre reads their own menu, and an
administrator or their 科室负责人 a cadre's.  The one-step enrolment of the cadres with a gap is the
administrators'.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from ganxun.core.access import require_admin
from ganxun.core.excel import safe_cell, workbook_response
from ganxun.core.lists import list_querystring
from ganxun.core.params import query_id
from ganxun.roster.models import Cadre, Section, Unit

from . import services
from .forms import EnrolForm, NeedForm, PostFamilyForm
from .models import Need, PostFamily, PostName
from .queries import cadre_menu, gap_rows, gap_summary, needs_in_force, posts_by_family

PAGE_SIZE = 50


def _require_reader(user) -> None:
    """The gap pages: administrators and 科室负责人."""
    if not (user.is_admin or (user.is_section_head and user.section_id_scope is not None)):
        raise PermissionDenied


# --- the menu -------------------------------------------------------------------------------------------------


@require_GET
def menu_list(request: HttpRequest) -> HttpResponse:
    """Every post family with its posts and the topics it needs."""
    require_admin(request.user)
    families = PostFamily.objects.prefetch_related(
        Prefetch("posts", queryset=PostName.objects.order_by("name")),
        Prefetch("needs", queryset=Need.objects.select_related("topic")),
    )
    return render(request, "menu/menu_list.html", {"families": families})


@require_http_methods(["GET", "POST"])
def family_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_admin(request.user)
    family = get_object_or_404(PostFamily, pk=pk) if pk is not None else PostFamily()
    form = PostFamilyForm(request.POST or None, instance=family)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.family_save(actor=request.user, family=form.instance, post_names=form.post_names())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The post family %(name)s was saved.") % {"name": family.name})
                return redirect("menu:menu_list")
        return render(request, "menu/family_form.html", {"form": form, "family": family}, status=400)
    return render(request, "menu/family_form.html", {"form": form, "family": family})


def _need_form(request: HttpRequest, need: Need) -> HttpResponse:
    form = NeedForm(request.POST or None, instance=need)
    context = {"form": form, "need": need, "family": need.family}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.need_save(actor=request.user, need=form.instance)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The menu of %(name)s was saved.") % {"name": need.family.name})
                return redirect("menu:menu_list")
        return render(request, "menu/need_form.html", context, status=400)
    return render(request, "menu/need_form.html", context)


@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    family = get_object_or_404(PostFamily, pk=pk)
    return _need_form(request, Need(family=family))


@require_http_methods(["GET", "POST"])
def need_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    return _need_form(request, get_object_or_404(Need.objects.select_related("family", "topic"), pk=pk))


@require_POST
def need_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    need = get_object_or_404(Need.objects.select_related("family", "topic"), pk=pk)
    services.need_delete(actor=request.user, need=need)
    messages.success(
        request, _("%(topic)s was taken off the menu of %(name)s.") % {"topic": need.topic, "name": need.family}
    )
    return redirect("menu:menu_list")


# --- the gaps -------------------------------------------------------------------------------------------------


def _scope(request: HttpRequest):
    """The cadres in post the reader sees, narrowed to the unit (and below) and 科室 asked for; with those."""
    user = request.user
    cadres = Cadre.objects.visible_to(user).active()
    unit = None
    unit_id = query_id(request.GET, "unit")
    if unit_id is not None and user.is_admin:
        unit = Unit.objects.visible_to(user).filter(pk=unit_id).first()
        if unit is not None:
            cadres = cadres.filter(unit_id__in=Unit.objects.subtree(unit).values("pk"))
    section = None
    section_id = query_id(request.GET, "section")
    if section_id is not None:
        section = Section.objects.visible_to(user).filter(pk=section_id).first()
        if section is not None:
            cadres = cadres.filter(section=section)
    return cadres, unit, section


@require_GET
def gaps(request: HttpRequest) -> HttpResponse:
    """The gaps summed per topic, per unit and per 科室, with links to the cadres behind each figure."""
    _require_reader(request.user)
    cadres, unit, section = _scope(request)
    today = timezone.localdate()
    summary = gap_summary(cadres, today)
    units = list(Unit.objects.visible_to(request.user).order_by("path")) if request.user.is_admin else []
    return render(
        request,
        "menu/gaps.html",
        {
            "summary": summary,
            "unit": unit,
            "section": section,
            "units": units,
            "today": today,
            "querystring": list_querystring(request.GET),
            "is_admin": request.user.is_admin,
        },
    )


def _gap_lines(request: HttpRequest):
    """The cadres with a gap in scope (narrowed to a need when asked), each with the needs they lack."""
    cadres, unit, section = _scope(request)
    today = timezone.localdate()
    needs = needs_in_force()
    need = None
    need_id = query_id(request.GET, "need")
    if need_id is not None:
        need = next((n for n in needs if n.pk == need_id), None)
        if need is not None:
            needs = [need]
    required_only = request.GET.get("kind") == "required"
    if required_only:
        needs = [n for n in needs if n.is_required]
    by_cadre: dict[int, list[Need]] = defaultdict(list)
    need_of = {n.pk: n for n in needs}
    for cadre_id, _section_id, _unit_id, need_pk in gap_rows(cadres, today, needs, posts_by_family()):
        by_cadre[cadre_id].append(need_of[need_pk])
    return by_cadre, {"unit": unit, "section": section, "need": need, "required_only": required_only}


def _cadres_in_order(ids) -> list[Cadre]:
    return list(Cadre.objects.filter(pk__in=list(ids)).select_related("section", "unit"))


@require_GET
def gap_cadres(request: HttpRequest) -> HttpResponse:
    """The drill-down: the cadres behind a figure of the gap page, with the topics each lacks."""
    _require_reader(request.user)
    by_cadre, scope = _gap_lines(request)
    ordered = sorted(by_cadre)  # stable pages: the cadres in the order they were added, then named on the page
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    cadres = {c.pk: c for c in _cadres_in_order(page.object_list)}
    rows = [(cadres[pk], by_cadre[pk]) for pk in page.object_list if pk in cadres]
    rows.sort(key=lambda row: (row[0].section.sort_order, row[0].section.name, row[0].name, row[0].pk))
    return render(
        request,
        "menu/gap_cadres.html",
        {
            "rows": rows,
            "page": page,
            "total": len(ordered),
            "querystring": list_querystring(request.GET),
            "is_admin": request.user.is_admin,
            **scope,
        },
    )


@require_GET
def gap_export(request: HttpRequest) -> HttpResponse:
    """The gaps in scope as a workbook: one line per cadre and topic lacking, the ID number masked."""
    _require_reader(request.user)
    by_cadre, _unused = _gap_lines(request)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Training gaps")
    sheet.append(
        [
            pgettext("menu", "Unit"),
            pgettext("menu", "Section"),
            pgettext("menu", "Name"),
            pgettext("menu", "ID number"),
            pgettext("menu", "Post"),
            _("Post family"),
            pgettext("menu", "Topic"),
            _("Required or elective"),
            _("Every how many years"),
        ]
    )
    cadres = sorted(
        _cadres_in_order(by_cadre), key=lambda c: (c.unit.path, c.section.sort_order, c.section.name, c.name, c.pk)
    )
    for cadre in cadres:
        for need in by_cadre[cadre.pk]:
            sheet.append(
                [
                    safe_cell(cadre.unit.name),
                    safe_cell(cadre.section.name),
                    safe_cell(cadre.name),
                    cadre.id_number_masked,
                    safe_cell(cadre.post),
                    safe_cell(need.family.name),
                    safe_cell(need.topic.name),
                    str(need.get_requirement_display()),
                    need.every_years,
                ]
            )
    return workbook_response(workbook, f"{_('Training gaps')}_{timezone.localdate():%Y%m%d}.xlsx")


# --- a cadre's menu -------------------------------------------------------------------------------------------


def _menu_page(request: HttpRequest, cadre: Cadre | None, own: bool) -> HttpResponse:
    today = timezone.localdate()
    family, lines = cadre_menu(cadre, today) if cadre is not None else (None, [])
    return render(
        request,
        "menu/cadre_menu.html",
        {"cadre": cadre, "family": family, "lines": lines, "today": today, "own": own},
    )


@require_GET
def my_menu(request: HttpRequest) -> HttpResponse:
    """The signed-in cadre's own menu: what their post needs, when they took it, what is missing and what closes it."""
    cadre = None
    if request.user.cadre_id is not None:
        cadre = Cadre.objects.select_related("unit", "section").filter(pk=request.user.cadre_id).first()
    return _menu_page(request, cadre, own=True)


@require_GET
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("unit", "section"), pk=pk)
    return _menu_page(request, cadre, own=cadre.pk == request.user.cadre_id)


# --- enrolment ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol, in one step, the cadres lacking a need's topic into an upcoming activity of that topic."""
    require_admin(request.user)
    need = get_object_or_404(Need.objects.in_force().select_related("family", "topic"), pk=pk)
    activities = services.closing_activities(actor=request.user, need=need)
    form = EnrolForm(request.POST or None, activities=activities)
    lacking = services.gap_cadres(actor=request.user, need=need)
    context = {"need": need, "form": form, "lacking": lacking[:PAGE_SIZE], "lacking_count": len(lacking)}
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.enrol_gaps(actor=request.user, need=need, activity=form.cleaned_data["activity"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                message = _("%(added)s enrolled into %(activity)s; %(already)s were enrolled already.") % {
                    "added": result.added,
                    "activity": form.cleaned_data["activity"].title,
                    "already": result.already,
                }
                if result.outside:
                    message += " " + _("%(count)s outside the organising unit were not enrolled.") % {
                        "count": result.outside
                    }
                messages.success(request, message)
                return redirect("menu:gaps")
        return render(request, "menu/enrol.html", context, status=400)
    return render(request, "menu/enrol.html", context)
