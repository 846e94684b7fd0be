"""领导干部平时自学: the list (filtered, exported), the entry and edit forms, deleting, the attachment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, UpdateView
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ganxun.core.concurrency import EditConflictMixin
from ganxun.core.excel import safe_cell, workbook_response
from ganxun.core.lists import list_querystring

from .. import services
from ..forms import SelfStudyFilterForm, SelfStudyForm
from ..models import SelfStudy, is_leader
from .common import PAGE_SIZE, require_reader


def _self_studies(request: HttpRequest):
    """The records the user may see, filtered by the bar (year, leader)."""
    visible = SelfStudy.objects.visible_to(request.user)
    leaders = services.leaders_for(request.user).order_by("name")
    form = SelfStudyFilterForm(request.GET, leaders=leaders)
    form.is_valid()
    records = visible.select_related("cadre", "cadre__section")
    if year := form.cleaned_data.get("year"):
        records = records.filter(start_date__year=int(year))
    if cadre := form.cleaned_data.get("cadre"):
        records = records.filter(cadre_id=int(cadre))
    return form, records.order_by("-start_date", "-pk")


@require_GET
def self_study_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form, records = _self_studies(request)
    totals = records.aggregate(pages=Sum("pages"), hours=Sum("hours"), n=Count("pk"))
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "study/self_study_list.html",
        {
            "form": form,
            "page": page,
            "totals": totals,
            "querystring": list_querystring(request.GET),
            "show_cadre": request.user.is_admin,
        },
    )


EXPORT_HEADERS = (
    "领导干部",
    "职务",
    "开始日期",
    "结束日期",
    "类别",
    "书目/文件",
    "作者/发文机关",
    "页数",
    "小时",
    "学习心得",
)


@require_GET
def self_study_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel, every page of it, written as it is read."""
    require_reader(request.user)
    _form, records = _self_studies(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("领导干部平时自学")
    for letter, width in zip("ABCDEFGHIJ", (10, 16, 12, 12, 8, 36, 20, 8, 8, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for text in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for r in records.iterator(chunk_size=500):
        values: list[Any] = [
            r.cadre.name,
            r.cadre.post,
            r.start_date,
            r.end_date,
            r.get_material_display(),
            r.title,
            r.author,
            r.pages,
            float(r.hours) if r.hours is not None else None,
            r.notes,
        ]
        row = []
        for value in values:
            cell = WriteOnlyCell(sheet, safe_cell(value) if isinstance(value, str) else value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            row.append(cell)
        sheet.append(row)
    return workbook_response(workbook, f"领导干部平时自学_{timezone.localdate():%Y%m%d}.xlsx")


class SelfStudyFormMixin:
    model = SelfStudy
    form_class = SelfStudyForm
    template_name = "study/self_study_form.html"
    request: HttpRequest
    object: Any

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_reader(request.user)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}  # type: ignore[misc]

    def form_valid(self, form) -> HttpResponse:
        try:
            self.object = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, _("The self-study record was saved."))
        return HttpResponseRedirect(reverse("study:self_study_list"))

    def get_success_url(self) -> str:
        return reverse("study:self_study_list")


class SelfStudyCreateView(SelfStudyFormMixin, CreateView):
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["initial"] = {**kwargs.get("initial", {}), "start_date": timezone.localdate()}
        return kwargs

    def save(self, form: SelfStudyForm) -> SelfStudy:
        user = self.request.user
        cadre = form.cleaned_data.get("cadre", user.cadre)
        if cadre is None or not (user.is_admin or is_leader(user)):
            raise PermissionDenied
        return services.self_study_create(actor=user, cadre=cadre, **form.fields_for_service())


class SelfStudyUpdateView(EditConflictMixin, SelfStudyFormMixin, UpdateView):
    def get_queryset(self):
        return SelfStudy.objects.editable_by(self.request.user).select_related("cadre")

    def save(self, form: SelfStudyForm) -> SelfStudy:
        return services.self_study_update(actor=self.request.user, record=self.object, **form.fields_for_service())


@require_POST
def self_study_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_reader(request.user)
    record = get_object_or_404(SelfStudy.objects.editable_by(request.user), pk=pk)
    services.self_study_delete(actor=request.user, record=record)
    messages.success(request, _("The self-study record was deleted."))
    return redirect("study:self_study_list")


@require_GET
def self_study_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    require_reader(request.user)
    record = get_object_or_404(SelfStudy.objects.visible_to(request.user).exclude(attachment=""), pk=pk)
    try:
        handle = record.attachment.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=record.attachment_name)
