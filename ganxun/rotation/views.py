"""轮岗 pages: the list (a year's rotations the user may see, Excel), the plan form, a rotation's page with its
completion and the host's evaluation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from ganxun.core.access import require_admin
from ganxun.core.excel import safe_cell, workbook_response
from ganxun.core.lists import list_querystring

from . import services
from .forms import CompleteForm, EvaluateForm, FilterForm, RotationForm
from .models import Rotation

PAGE_SIZE = 50


def _rotations(request: HttpRequest):
    form = FilterForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    rotations = Rotation.objects.visible_to(request.user).select_related(
        "cadre", "cadre__section", "host_section", "mentor"
    )
    if year:
        rotations = rotations.overlapping(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return form, year, rotations.order_by("-start_date", "cadre__name", "pk")


@require_GET
def rotation_list(request: HttpRequest) -> HttpResponse:
    form, year, rotations = _rotations(request)
    page = Paginator(rotations, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for rotation in page.object_list:
        rotation.status = rotation.status_label(today)
    return render(
        request,
        "rotation/list.html",
        {
            "form": form,
            "year": year,
            "page": page,
            "querystring": list_querystring(request.GET),
            "may_plan": request.user.is_admin,
        },
    )


@require_GET
def rotation_export(request: HttpRequest) -> HttpResponse:
    _form, year, rotations = _rotations(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("新进干部轮岗")
    sheet.append(["姓名", "所在科室", "轮岗科室", "开始日期", "结束日期", "带教人", "完成日期", "考核等次", "考核评价"])
    for r in rotations.iterator(chunk_size=500):
        sheet.append(
            [
                safe_cell(r.cadre.name),
                safe_cell(r.cadre.section.name),
                safe_cell(r.host_section.name),
                r.start_date,
                r.end_date,
                safe_cell(r.mentor.name) if r.mentor_id else "",
                r.completed_on,
                str(r.get_rating_display()) if r.rating else "",
                safe_cell(r.evaluation),
            ]
        )
    return workbook_response(workbook, f"新进干部轮岗_{year or timezone.localdate().year}.xlsx")


@require_http_methods(["GET", "POST"])
def rotation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_admin(request.user)
    rotation = get_object_or_404(Rotation.objects.editable_by(request.user), pk=pk) if pk else Rotation()
    form = RotationForm(request.POST or None, instance=rotation, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if pk:
                    rotation = services.rotation_update(
                        actor=request.user, rotation=rotation, **form.fields_for_service()
                    )
                else:
                    rotation = services.rotation_create(
                        actor=request.user, cadre=form.cleaned_data["cadre"], **form.fields_for_service()
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The rotation was saved."))
                return redirect(rotation)
        status = 400
    return render(request, "rotation/form.html", {"form": form, "rotation": rotation if pk else None}, status=status)


@require_GET
def rotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rotation = get_object_or_404(
        Rotation.objects.visible_to(request.user).select_related("cadre", "cadre__section", "host_section", "mentor"),
        pk=pk,
    )
    return _detail(request, rotation)


def _detail(request: HttpRequest, rotation: Rotation, *, complete=None, evaluate=None, status: int = 200):
    user = request.user
    may_edit = Rotation.objects.editable_by(user).filter(pk=rotation.pk).exists()
    may_evaluate = (
        rotation.completed_on is not None and Rotation.objects.hosted_by(user).filter(pk=rotation.pk).exists()
    )
    context = {
        "rotation": rotation,
        "status": rotation.status_label(timezone.localdate()),
        "may_edit": may_edit,
        "complete_form": complete or (CompleteForm() if may_edit and not rotation.evaluated else None),
        "evaluate_form": evaluate
        or (
            EvaluateForm(initial={"rating": rotation.rating, "evaluation": rotation.evaluation})
            if may_evaluate
            else None
        ),
    }
    return render(request, "rotation/detail.html", context, status=status)


@require_POST
def rotation_complete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    rotation = get_object_or_404(Rotation.objects.editable_by(request.user).select_related("cadre"), pk=pk)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.rotation_complete(actor=request.user, rotation=rotation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The rotation was recorded as completed."))
            return redirect(rotation)
    return _detail(request, rotation, complete=form, status=400)


@require_POST
def rotation_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    rotation = get_object_or_404(
        Rotation.objects.visible_to(request.user).select_related("cadre", "host_section", "mentor"), pk=pk
    )
    if not Rotation.objects.hosted_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = EvaluateForm(request.POST)
    if form.is_valid():
        try:
            services.rotation_evaluate(actor=request.user, rotation=rotation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The evaluation was saved."))
            return redirect(rotation)
    return _detail(request, rotation, evaluate=form, status=400)


@require_POST
def rotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    rotation = get_object_or_404(Rotation.objects.editable_by(request.user).select_related("cadre"), pk=pk)
    try:
        services.rotation_delete(actor=request.user, rotation=rotation)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(rotation)
    messages.success(request, _("The rotation was deleted."))
    return redirect("rotation:list")
