"""The study record's pages: the years, a year's archive (page, Word, zip), the leaders' self-study, the plan.

Who: administrators and 领导干部 (``models.may_read_archive``) read the archive of their unit (an administrator
may pick a unit they reach); a leader enters and corrects their own self-study, an administrator those of the
leaders they reach; the plan is the administrators'.  A 科室负责人 or a cadre who is no leader is refused (403)
before anything is looked up; a record outside one's reach is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ganxun.core.access import require_admin
from ganxun.core.concurrency import EditConflictMixin
from ganxun.core.excel import safe_cell, workbook_response
from ganxun.core.lists import list_querystring
from ganxun.core.params import query_id
from ganxun.hours.models import EARLIEST_DATE, LATEST_DATE
from ganxun.roster.models import Unit
from ganxun.training.models import Session

from . import services
from .archive import archive_units, default_unit, year_archive
from .bundle import entry_names, stream_zip
from .forms import PlanForm, SelfStudyFilterForm, SelfStudyForm, TopicForm
from .models import PlanTopic, SelfStudy, StudyPlan, is_leader, may_read_archive
from .word import archive_docx

PAGE_SIZE = 30
YEARS_SHOWN = 6
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def require_reader(user) -> None:
    if not may_read_archive(user):
        raise PermissionDenied


def _year(year: int) -> int:
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise Http404
    return year


def _unit(request: HttpRequest) -> Unit:
    """The unit whose archive is shown: ``?unit=`` among those the user may open, else their own."""
    unit_id = query_id(request.GET, "unit")
    if unit_id is not None:
        return get_object_or_404(archive_units(request.user), pk=unit_id)
    return default_unit(request.user)


# --- the years and a year's archive -------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The years of the record, each with its sittings, plan topics and self-study, newest first."""
    require_reader(request.user)
    unit = _unit(request)
    this = timezone.localdate().year
    years = list(range(this, this - YEARS_SHOWN, -1))
    sittings = dict(
        Session.objects.filter(activity__unit=unit, activity__kind__is_study_session=True, date__year__in=years)
        .values_list("date__year")
        .annotate(n=Count("pk"))
        .values_list("date__year", "n")
    )
    topics = dict(
        StudyPlan.objects.filter(unit=unit, year__in=years).annotate(n=Count("topics")).values_list("year", "n")
    )
    studies = dict(
        SelfStudy.objects.filter(cadre__unit=unit, start_date__year__in=years)
        .values_list("start_date__year")
        .annotate(n=Count("pk"))
        .values_list("start_date__year", "n")
    )
    rows = [(y, sittings.get(y, 0), topics.get(y), studies.get(y, 0)) for y in years]
    return render(
        request,
        "study/index.html",
        {"unit": unit, "units": _units_choice(request.user), "rows": rows, "is_admin": request.user.is_admin},
    )


def _units_choice(user) -> list[Unit]:
    """The units an administrator may switch to (none when there is only one)."""
    if not user.is_admin:
        return []
    units = list(archive_units(user)[:51])
    return units if len(units) > 1 else []


@require_GET
def archive(request: HttpRequest, year: int) -> HttpResponse:
    """A year's archive, printable: the plan, every sitting with its register and attendance, self-study."""
    require_reader(request.user)
    unit = _unit(request)
    record = year_archive(unit, _year(year))
    query = f"?unit={unit.pk}" if request.GET.get("unit") else ""
    return render(
        request,
        "study/archive.html",
        {
            "archive": record,
            "unit": unit,
            "units": _units_choice(request.user),
            "year": year,
            "query": query,
            "is_admin": request.user.is_admin,
            "previous_year": year - 1,
            "next_year": year + 1,
            "attachment_count": len(record.files()),
        },
    )


@require_GET
def archive_docx_view(request: HttpRequest, year: int) -> HttpResponse:
    """The year's archive as one Word document in official layout."""
    require_reader(request.user)
    record = year_archive(_unit(request), _year(year))
    response = HttpResponse(archive_docx(record), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"{record.title}.docx")
    return response


def _label(field_file, name: str) -> str:
    """A material's or record's own name, with the file's extension."""
    stored = field_file.name.rsplit("/", 1)[-1]
    extension = stored.rsplit(".", 1)[-1] if "." in stored else ""
    if extension and not name.lower().endswith(f".{extension.lower()}"):
        return f"{name}.{extension}"
    return name or stored


@require_GET
def archive_zip(request: HttpRequest, year: int) -> StreamingHttpResponse:
    """The year's attachments (materials and minutes of each sitting, the leaders' self-study), streamed."""
    require_reader(request.user)
    record = year_archive(_unit(request), _year(year))
    files, labels = [], []
    for number, sitting in enumerate(record.sittings, start=1):
        folder = f"{number:02d}_{sitting.date:%Y-%m-%d}_{sitting.kind}"
        for material in sitting.materials:
            if material.file:
                files.append((folder, material.file))
                labels.append(_label(material.file, material.name))
    for leader in record.leaders:
        folder = f"领导干部自学_{leader.cadre.name}"
        for study in leader.records:
            if study.attachment:
                files.append((folder, study.attachment))
                labels.append(_label(study.attachment, f"{study.start_date:%Y-%m-%d}_{study.title}"))
    names = entry_names(files, labels)
    response = StreamingHttpResponse(
        stream_zip([(name, f) for name, (_folder, f) in zip(names, files, strict=True)]),
        content_type="application/zip",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{record.title}_附件.zip")
    return response


# --- self-study ---------------------------------------------------------------------------------------------


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


def require_self_study_user(user) -> None:
    """Administrators and 领导干部."""
    if not may_read_archive(user):
        raise PermissionDenied


@require_GET
def self_study_list(request: HttpRequest) -> HttpResponse:
    require_self_study_user(request.user)
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
    require_self_study_user(request.user)
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
        require_self_study_user(request.user)
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
    require_self_study_user(request.user)
    record = get_object_or_404(SelfStudy.objects.editable_by(request.user), pk=pk)
    services.self_study_delete(actor=request.user, record=record)
    messages.success(request, _("The self-study record was deleted."))
    return redirect("study:self_study_list")


@require_GET
def self_study_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    require_self_study_user(request.user)
    record = get_object_or_404(SelfStudy.objects.visible_to(request.user).exclude(attachment=""), pk=pk)
    try:
        handle = record.attachment.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=record.attachment_name)


# --- the year's plan ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, year: int) -> HttpResponse:
    """Start the year's plan of the unit shown (an existing one is edited instead)."""
    require_admin(request.user)
    unit = _unit(request)
    _year(year)
    existing = StudyPlan.objects.editable_by(request.user).filter(unit=unit, year=year).first()
    if existing is not None:
        return redirect("study:plan_update", existing.pk)
    form = PlanForm(
        request.POST or None,
        initial={"title": f"{year}年理论学习中心组学习计划"},
        instance=StudyPlan(unit=unit, year=year),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, unit=unit, year=year, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The study plan was saved; add its topics."))
            return redirect("study:topic_create", plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "study/plan_form.html", {"form": form, "year": year, "unit": unit}, status=status)


class AdminFormMixin:
    request: HttpRequest
    object: Any

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request.user)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def form_valid(self, form) -> HttpResponse:
        try:
            self.object = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, self.success_message)  # type: ignore[attr-defined]
        return HttpResponseRedirect(self.get_success_url())  # type: ignore[attr-defined]


def _archive_url(plan: StudyPlan) -> str:
    return f"{reverse('study:archive', args=[plan.year])}?unit={plan.unit_id}"


class PlanUpdateView(EditConflictMixin, AdminFormMixin, UpdateView):
    model = StudyPlan
    form_class = PlanForm
    template_name = "study/plan_form.html"
    success_message = gettext_lazy("The study plan was saved.")

    def get_queryset(self):
        return StudyPlan.objects.editable_by(self.request.user).select_related("unit")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(year=self.object.year, unit=self.object.unit, topics=self.object.topics.all())
        return context

    def save(self, form: PlanForm) -> StudyPlan:
        return services.plan_update(actor=self.request.user, plan=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return _archive_url(self.object)


class TopicCreateView(AdminFormMixin, CreateView):
    model = PlanTopic
    form_class = TopicForm
    template_name = "study/topic_form.html"
    success_message = gettext_lazy("The topic was added.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request.user)
        self.plan = get_object_or_404(
            StudyPlan.objects.editable_by(request.user).select_related("unit"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "plan": self.plan}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(plan=self.plan, topics=self.plan.topics.all(), **kwargs)

    def save(self, form: TopicForm) -> PlanTopic:
        return services.topic_create(actor=self.request.user, plan=self.plan, **form.cleaned_data)

    def get_success_url(self) -> str:
        if "another" in self.request.POST:
            return reverse("study:topic_create", args=[self.plan.pk])
        return _archive_url(self.plan)


class TopicUpdateView(EditConflictMixin, AdminFormMixin, UpdateView):
    model = PlanTopic
    form_class = TopicForm
    template_name = "study/topic_form.html"
    success_message = gettext_lazy("The topic was saved.")

    def get_queryset(self):
        plans = StudyPlan.objects.editable_by(self.request.user)
        return PlanTopic.objects.filter(plan__in=plans).select_related("plan__unit")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "plan": self.object.plan}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(plan=self.object.plan, **kwargs)

    def save(self, form: TopicForm) -> PlanTopic:
        return services.topic_update(actor=self.request.user, plan_topic=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return _archive_url(self.object.plan)


@require_POST
def topic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    plans = StudyPlan.objects.editable_by(request.user)
    topic = get_object_or_404(PlanTopic.objects.filter(plan__in=plans).select_related("plan"), pk=pk)
    services.topic_delete(actor=request.user, plan_topic=topic)
    messages.success(request, _("The topic was deleted."))
    return redirect(_archive_url(topic.plan))
