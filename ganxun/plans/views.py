"""The training plan's pages.

Who: administrators read and keep the plans of the units they reach; a 领导干部 reads their unit's plan and approves
or returns it (``services.may_approve``).  Section heads and cadres are refused (403) before anything is looked
up; a plan outside one's reach is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganxun.core.access import require_admin
from ganxun.core.excel import workbook_response
from ganxun.roster.models import Unit
from ganxun.study.models import is_leader
from ganxun.training.models import Activity, Classroom

from . import services
from .exports import execution_workbook
from .forms import ItemForm, LinkForm, PlanCopyForm, PlanCreateForm, PlanForm, ReasonForm
from .models import PlanItem, PlanLink, PlanStatus, TrainingPlan
from .queries import plan_execution
from .word import plan_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def require_reader(user) -> None:
    """Administrators and 领导干部; anyone else is refused before anything is looked up."""
    if not (user.is_authenticated and user.is_active and (user.is_admin or is_leader(user))):
        raise PermissionDenied


def _today() -> dt.date:
    return timezone.localdate()


def _plan(request: HttpRequest, pk: int, *, edit: bool = False) -> TrainingPlan:
    plans = TrainingPlan.objects.editable_by(request.user) if edit else TrainingPlan.objects.visible_to(request.user)
    return get_object_or_404(plans.select_related("unit", "submitted_by", "approved_by"), pk=pk)


def _error_text(error: ValidationError) -> str:
    return "；".join(error.messages)


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    plans = TrainingPlan.objects.visible_to(request.user).select_related("unit").order_by("-year", "unit__path")
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "is_admin": request.user.is_admin, "form": PlanCreateForm(initial={"year": _today().year})},
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    """Start a plan of the administrator's own unit (a system administrator without one: the top unit)."""
    require_admin(request.user)
    unit = request.user.unit_scope or Unit.objects.visible_to(request.user).order_by("path", "pk").first()
    form = PlanCreateForm(request.POST or None, initial={"year": _today().year})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        existing = TrainingPlan.objects.filter(unit=unit, year=year).first()
        if existing is not None:
            messages.info(request, _("This unit's plan for %(year)s exists already.") % {"year": year})
            return redirect(existing)
        try:
            plan = services.plan_create(actor=request.user, unit=unit, year=year, title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was started; add its items."))
            return redirect(plan)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/plan_form.html", {"form": form, "unit": unit}, status=status)


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_reader(request.user)
    plan = _plan(request, pk)
    execution = plan_execution(plan, _today())
    can_edit = TrainingPlan.objects.editable_by(request.user).filter(pk=plan.pk).exists()
    context: dict[str, Any] = {
        "plan": plan,
        "execution": execution,
        "can_edit": can_edit and plan.status != PlanStatus.SUBMITTED,
        "can_link": can_edit,
        "can_submit": can_edit and plan.status == PlanStatus.DRAFT,
        "can_withdraw": can_edit and plan.status == PlanStatus.SUBMITTED,
        "can_approve": plan.status == PlanStatus.SUBMITTED and services.may_approve(request.user, plan),
        "revisions": plan.revisions.select_related("created_by").order_by("-version"),
    }
    if can_edit and execution.outside:
        context["link_form"] = LinkForm(
            plan=plan, activities=Activity.objects.filter(pk__in=[o.activity.pk for o in execution.outside])
        )
        context["copy_form"] = PlanCopyForm(initial={"year": plan.year + 1})
    elif can_edit:
        context["copy_form"] = PlanCopyForm(initial={"year": plan.year + 1})
    return render(request, "plans/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    plan = _plan(request, pk, edit=True)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user,
                plan=TrainingPlan.objects.get(pk=plan.pk),
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                reason=form.reason(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect(plan)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan, "unit": plan.unit}, status=status)


@require_POST
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Start another year's plan as a copy of this one."""
    require_admin(request.user)
    source = _plan(request, pk, edit=True)
    form = PlanCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Into the year: give a year from 1950 to 2100."))
        return redirect(source)
    year = form.cleaned_data["year"]
    try:
        plan = services.plan_copy(actor=request.user, source=source, year=year)
    except ValidationError:
        messages.error(request, _("This unit's plan for %(year)s exists already.") % {"year": year})
        return redirect(source)
    messages.success(request, _("The plan was copied into %(year)s as a draft.") % {"year": year})
    return redirect(plan)


@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    plan = _plan(request, pk, edit=True)
    try:
        services.plan_submit(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The plan was submitted for approval."))
    return redirect(plan)


@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    require_reader(request.user)
    plan = _plan(request, pk)
    if not services.may_approve(request.user, plan):
        raise PermissionDenied
    try:
        services.plan_approve(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The plan was approved."))
    return redirect(plan)


@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader returns a submitted plan, or an administrator withdraws it; with a reason."""
    require_reader(request.user)
    plan = _plan(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reason: say why the plan is returned."))
        return redirect(plan)
    try:
        services.plan_return(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The plan was returned to draft."))
    return redirect(plan)


def _item_form_page(request: HttpRequest, form: ItemForm, plan: TrainingPlan, item: PlanItem | None) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/item_form.html", {"form": form, "plan": plan, "item": item}, status=status)


@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    plan = _plan(request, pk, edit=True)
    form = ItemForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_create(actor=request.user, plan=plan, reason=form.reason(), **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The item was added."))
            if "another" in request.POST:
                return redirect("plans:item_create", plan.pk)
            return redirect(plan)
    return _item_form_page(request, form, plan, None)


@require_http_methods(["GET", "POST"])
def item_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    plans = TrainingPlan.objects.editable_by(request.user)
    item = get_object_or_404(PlanItem.objects.filter(plan__in=plans).select_related("plan__unit"), pk=pk)
    form = ItemForm(request.POST or None, instance=item, plan=item.plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                actor=request.user, item=PlanItem.objects.get(pk=item.pk), reason=form.reason(), **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The item was saved."))
            return redirect(item.plan)
    return _item_form_page(request, form, item.plan, item)


@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    plans = TrainingPlan.objects.editable_by(request.user)
    item = get_object_or_404(PlanItem.objects.filter(plan__in=plans).select_related("plan"), pk=pk)
    try:
        services.item_delete(actor=request.user, item=item, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("plans:item_update", item.pk)
    messages.success(request, _("The item was removed."))
    return redirect(item.plan)


@require_POST
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Link an activity of the unit's year to an item (from the plan page)."""
    require_admin(request.user)
    plan = _plan(request, pk, edit=True)
    activities = Activity.objects.editable_by(request.user).filter(
        unit_id=plan.unit_id, kind__classroom=Classroom.PROFESSIONAL, plan_link__isnull=True
    )
    form = LinkForm(request.POST, plan=plan, activities=activities)
    if not form.is_valid():
        text = "；".join(f"{form.fields[k].label}：{m}" for k, ms in form.errors.items() for m in ms)
        messages.error(request, text)
        return redirect(plan)
    try:
        services.link_create(actor=request.user, item=form.cleaned_data["item"], activity=form.cleaned_data["activity"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("“%(activity)s” now carries out item %(item)s.")
            % {"activity": form.cleaned_data["activity"], "item": form.cleaned_data["item"]},
        )
    return redirect(plan)


@require_POST
def link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    plans = TrainingPlan.objects.editable_by(request.user)
    link = get_object_or_404(
        PlanLink.objects.filter(item__plan__in=plans).select_related("item__plan", "activity"), pk=pk
    )
    services.link_delete(actor=request.user, link=link)
    messages.success(request, _("“%(activity)s” is no longer linked to the plan.") % {"activity": link.activity})
    return redirect(link.item.plan)


@require_GET
def plan_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    require_reader(request.user)
    plan = _plan(request, pk)
    return workbook_response(execution_workbook(plan_execution(plan, _today())), f"{plan.title}执行情况.xlsx")


@require_GET
def plan_export_docx(request: HttpRequest, pk: int) -> HttpResponse:
    require_reader(request.user)
    plan = _plan(request, pk)
    response = HttpResponse(plan_docx(plan_execution(plan, _today())), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"{plan.title}.docx")
    return response


def plan_url(plan: TrainingPlan) -> str:
    return reverse("plans:plan_detail", args=[plan.pk])
