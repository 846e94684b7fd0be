"""效能接待 pages: the rota of a month (printable), its rule and generation, a turn's duty cadres, and the 信访 cases
with their counts per cadre and per 科室."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from ganxun.core.access import require_admin
from ganxun.core.excel import safe_cell, workbook_response
from ganxun.core.lists import list_querystring
from ganxun.roster.models import Unit, home_unit_id

from . import services
from .forms import CaseFilterForm, CaseForm, GenerateForm, RuleForm, StaffForm
from .models import DutySlot, PetitionCase, RotaRule

PAGE_SIZE = 50


def _unit(user) -> Unit:
    """The unit whose desk the user works with: an administrator's own (the home unit for one without), else the
    cadre's."""
    if user.is_admin:
        return user.unit or Unit.objects.get(pk=home_unit_id())
    if user.cadre_id:
        return user.cadre.unit
    raise PermissionDenied


def _month(request: HttpRequest) -> dt.date:
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.replace(day=1)


@require_GET
def rota(request: HttpRequest) -> HttpResponse:
    unit = _unit(request.user)
    month = _month(request)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    slots = (
        DutySlot.objects.visible_to(request.user)
        .filter(unit=unit, first_day__lt=following, last_day__gte=month)
        .select_related("section")
        .prefetch_related("cadres")
        .order_by("first_day")
    )
    slots = list(slots)
    for slot in slots:
        slot.may_staff = services.may_staff(request.user, slot)
    rule = RotaRule.objects.filter(unit=unit).first()
    context = {
        "unit": unit,
        "month": month,
        "previous": (month - dt.timedelta(days=1)).replace(day=1),
        "following": following,
        "slots": slots,
        "rule": rule,
        "rule_sections": rule.ordered_sections() if rule else [],
        "generate_form": GenerateForm(initial={"first": month, "last": following - dt.timedelta(days=1)})
        if request.user.is_admin
        else None,
    }
    return render(request, "reception/rota.html", context)


@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    unit = _unit(request.user)
    rule = RotaRule.objects.filter(unit=unit).first()
    initial = {"granularity": "week", "per_turn": 2}
    if rule:
        initial = {
            "granularity": rule.granularity,
            "per_turn": rule.per_turn,
            "order": "\n".join(s.name for s in rule.ordered_sections()),
        }
    form = RuleForm(request.POST or None, initial=initial, unit=unit)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rule_save(
                    actor=request.user,
                    unit=unit,
                    granularity=form.cleaned_data["granularity"],
                    per_turn=form.cleaned_data["per_turn"],
                    sections=form.cleaned_data["order"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The rota rule was saved."))
                return redirect("reception:rota")
        status = 400
    names = unit.sections.order_by("sort_order", "name").values_list("name", flat=True)
    return render(request, "reception/rule.html", {"form": form, "unit": unit, "names": list(names)}, status=status)


@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    unit = _unit(request.user)
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            done = services.rota_generate(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(
                request,
                _("%(created)s turns generated; %(kept)s already there were kept.")
                % {"created": done.created, "kept": done.kept},
            )
        first = form.cleaned_data["first"]
        return redirect(f"{reverse('reception:rota')}?month={first:%Y-%m}")
    messages.error(request, _("Give the first and the last day to generate."))
    return redirect("reception:rota")


@require_http_methods(["GET", "POST"])
def slot_update(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(DutySlot.objects.visible_to(request.user).select_related("section"), pk=pk)
    if not services.may_staff(request.user, slot):
        raise PermissionDenied
    form = StaffForm(request.POST or None, unit_id=slot.unit_id, initial={"cadres": list(slot.cadres.all())})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.slot_staff(
                    actor=request.user,
                    slot=slot,
                    cadres=list(form.cleaned_data["cadres"]),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The duty cadres were changed."))
                return redirect(f"{reverse('reception:rota')}?month={slot.first_day:%Y-%m}")
        status = 400
    return render(request, "reception/slot.html", {"form": form, "slot": slot}, status=status)


def _cases(request: HttpRequest):
    form = CaseFilterForm(request.GET or None)
    cases = PetitionCase.objects.visible_to(request.user).select_related("handled_by", "section")
    year = None
    if form.is_valid():
        year = form.cleaned_data.get("year")
        if year:
            cases = cases.filter(received_on__year=year)
        if category := form.cleaned_data.get("category"):
            cases = cases.filter(category=category)
    return form, year, cases.order_by("-received_on", "-pk")


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    form, year, cases = _cases(request)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "year": year,
        "page": page,
        "querystring": list_querystring(request.GET),
        "by_cadre": services.counts(cases, "handled_by"),
        "by_section": services.counts(cases, "section"),
        "may_record": request.user.is_admin or bool(request.user.cadre_id),
    }
    return render(request, "reception/case_list.html", context)


@require_GET
def case_export(request: HttpRequest) -> HttpResponse:
    _form, year, cases = _cases(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("信访接待")
    sheet.append(
        ["接待日期", "来访人", "联系电话", "反映事项", "类别", "接待人", "科室", "处理结果", "办结日期", "办理天数"]
    )
    for c in cases.iterator(chunk_size=500):
        sheet.append(
            [
                c.received_on,
                safe_cell(c.visitor),
                c.masked_phone,
                safe_cell(c.matter),
                str(c.get_category_display()),
                safe_cell(c.handled_by.name),
                safe_cell(c.section.name),
                str(c.get_result_display()),
                c.closed_on,
                c.days_to_close,
            ]
        )
    return workbook_response(workbook, f"效能接待信访_{year or timezone.localdate().year}.xlsx")


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    case = get_object_or_404(PetitionCase.objects.visible_to(user), pk=pk) if pk else None
    if case is not None and not (user.is_admin or case.handled_by_id == user.cadre_id):
        raise PermissionDenied
    if case is None and not (user.is_admin or user.cadre_id):
        raise PermissionDenied
    unit = case.unit if case else _unit(user)
    initial = {} if case else {"received_on": timezone.localdate(), "handled_by": user.cadre_id}
    form = CaseForm(request.POST or None, instance=case, initial=initial, unit_id=unit.pk)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_save(actor=user, unit=unit, case=case, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, PermissionDenied):
                    form.add_error("handled_by", _("You may record only the cases you handled yourself."))
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The case was saved."))
                return redirect("reception:case_list")
        status = 400
    return render(request, "reception/case_form.html", {"form": form, "case": case}, status=status)


@require_POST
def case_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    case = get_object_or_404(PetitionCase.objects.visible_to(request.user), pk=pk)
    services.case_delete(actor=request.user, case=case)
    messages.success(request, _("The case was deleted."))
    return redirect("reception:case_list")
