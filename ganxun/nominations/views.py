"""Pages of 调训 / 推荐.

Administrators announce classes, review, confirm on the higher unit's behalf and record results; a 科室负责人 reads
the classes giving places to their unit and nominates their 科室's cadres; everyone reads their own nominations
(我的调训).  A row out of reach is a 404; a page the role may not use a 403.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from ganxun.core.excel import safe_cell, upload_limit, workbook_response
from ganxun.roster.idcard import mask_id_number
from ganxun.roster.models import admin_unit_ids

from . import criteria, services
from .forms import (
    CERTIFICATE_MAX_BYTES,
    ConfirmForm,
    NominationForm,
    PlanItemForm,
    ProgrammeEditForm,
    ProgrammeForm,
    QuotaForm,
    ResultForm,
    ReviewForm,
    WithdrawForm,
)
from .models import HOLDS_PLACE, Nomination, NominationStatus, PlanItemLink, Programme, Quota
from .queries import nomination_counts, nomination_counts_by_year

# The candidates checked against the criteria on the nominating page (a 科室 is far smaller; an administrator of a
# large unit picks from the list and sees the checks of the one chosen on the nomination's page).
CANDIDATES_SHOWN = 100


def _require_admin(user) -> None:
    if not user.is_admin:
        raise PermissionDenied


def _require_nominator(user) -> None:
    if not (user.is_admin or user.is_section_head):
        raise PermissionDenied


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    if value.isascii() and value.isdigit() and 1950 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _quota_rows(programme: Programme, user) -> list[dict]:
    """Each quota in reach: places, held and what is left (one query)."""
    quotas = programme.quotas.select_related("unit").annotate(
        held=Count("nominations", filter=Q(nominations__status__in=HOLDS_PLACE))
    )
    if not user.is_admin:
        quotas = quotas.filter(unit_id__in=user.cadre.unit.ancestor_ids())
    else:
        units = admin_unit_ids(user)
        if units is not None and not services._reaches(user, programme.organiser_id):
            quotas = quotas.filter(unit_id__in=units)
    return [{"quota": q, "held": q.held, "left": max(q.places - q.held, 0)} for q in quotas]


@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    _require_nominator(request.user)
    year = _year(request)
    programmes = list(
        Programme.objects.visible_to(request.user)
        .filter(start_date__year=year)
        .select_related("organiser")
        .order_by("start_date", "pk")
    )
    ids = [p.pk for p in programmes]
    places = defaultdict(int)
    for pid, n in Quota.objects.filter(programme_id__in=ids).values_list("programme_id", "places"):
        places[pid] += n
    nominated = dict(
        Nomination.objects.visible_to(request.user)
        .filter(programme_id__in=ids, status__in=HOLDS_PLACE)
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values_list("programme_id", "n")
        .order_by()
    )
    rows = [{"p": p, "places": places[p.pk], "held": nominated.get(p.pk, 0)} for p in programmes]
    return render(
        request,
        "nominations/programme_list.html",
        {"rows": rows, "year": year, "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1)},
    )


@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    form = ProgrammeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                programme = services.programme_create(
                    actor=request.user, quotas=form.quotas(), **form.programme_fields()
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The class is announced."))
                return redirect(programme)
        return render(request, "nominations/programme_form.html", {"form": form}, status=400)
    return render(request, "nominations/programme_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def programme_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an announced class and its places (the administrators of the unit that announced it)."""
    _require_admin(request.user)
    programme = get_object_or_404(Programme.objects.visible_to(request.user).select_related("organiser"), pk=pk)
    if not services.may_edit_programme(request.user, programme):
        raise PermissionDenied
    form = ProgrammeEditForm(request.POST or None, instance=programme, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.programme_edit(
                    actor=request.user,
                    programme=programme,
                    units=form.units,
                    quotas=form.quotas(),
                    **form.programme_fields(),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The class is saved."))
                return redirect(programme)
    return render(request, "nominations/programme_form.html", {"form": form, "programme": programme}, status=status)


@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_nominator(request.user)
    programme = get_object_or_404(Programme.objects.visible_to(request.user).select_related("organiser"), pk=pk)
    return _programme_page(request, programme)


def _programme_page(
    request: HttpRequest, programme: Programme, quota_form=None, status: int = 200, plan_form=None
) -> HttpResponse:
    nominations = list(
        Nomination.objects.visible_to(request.user)
        .filter(programme=programme)
        .select_related("cadre", "unit", "section")
        .order_by("unit__path", "nominated_at", "pk")
    )
    checks = criteria.checks_for(programme, [n.cadre for n in nominations])
    rows = [{"n": n, "checks": checks[n.cadre_id]} for n in nominations]
    return render(
        request,
        "nominations/programme_detail.html",
        {
            "programme": programme,
            "quotas": _quota_rows(programme, request.user),
            "rows": rows,
            "may_nominate": programme.deadline is None or programme.deadline >= timezone.localdate(),
            "quota_form": quota_form or (QuotaForm(user=request.user) if request.user.is_admin else None),
            "may_edit": services.may_edit_programme(request.user, programme),
            **_plan_context(request.user, programme, plan_form),
        },
        status=status,
    )


def _plan_context(user, programme: Programme, plan_form) -> dict:
    """The plan item the class carries out for the administrator's unit, and the form to choose it."""
    if not (user.is_admin and user.unit_id):
        return {"plan_link": None, "plan_form": None}
    link = (
        PlanItemLink.objects.filter(programme=programme, unit_id=user.unit_id)
        .select_related("item__plan", "item__kind")
        .first()
    )
    items = services.linkable_plan_items(user, programme)
    if plan_form is None:
        plan_form = PlanItemForm(items=items, initial={"item": link.item_id if link else None})
    return {"plan_link": link, "plan_form": plan_form}


@require_POST
def programme_plan_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the item of type 调训 of the administrator's unit's plan the class carries out (or none)."""
    _require_admin(request.user)
    programme = get_object_or_404(Programme.objects.visible_to(request.user).select_related("organiser"), pk=pk)
    form = PlanItemForm(request.POST, items=services.linkable_plan_items(request.user, programme))
    if form.is_valid():
        try:
            services.programme_plan_link(actor=request.user, programme=programme, item=form.cleaned_data["item"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The plan item is saved."))
            return redirect(programme)
    return _programme_page(request, programme, status=400, plan_form=form)


@require_POST
def quota_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a unit its places in the class or change them; never below the places its nominations hold."""
    _require_admin(request.user)
    programme = get_object_or_404(Programme.objects.editable_by(request.user).select_related("organiser"), pk=pk)
    form = QuotaForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.quota_set(
                actor=request.user,
                programme=programme,
                unit=form.cleaned_data["unit"],
                places=form.cleaned_data["places"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The places are saved."))
            return redirect(programme)
    return _programme_page(request, programme, form, 400)


@require_http_methods(["GET", "POST"])
def nomination_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_nominator(request.user)
    programme = get_object_or_404(Programme.objects.visible_to(request.user).select_related("organiser"), pk=pk)
    cadres = services.nominable_cadres(request.user)
    form = NominationForm(request.POST or None, cadres=cadres)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.nomination_create(
                    actor=request.user,
                    programme=programme,
                    cadre=form.cleaned_data["cadre"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("%(name)s is nominated.") % {"name": form.cleaned_data["cadre"].name})
                return redirect(programme)
    candidates: list[dict] = []
    if programme.has_criteria:
        shown = list(cadres.select_related("section").order_by("section__sort_order", "name")[:CANDIDATES_SHOWN])
        checks = criteria.checks_for(programme, shown)
        candidates = [{"cadre": c, "checks": checks[c.pk]} for c in shown]
    return render(
        request,
        "nominations/nomination_form.html",
        {
            "programme": programme,
            "form": form,
            "quotas": _quota_rows(programme, request.user),
            "candidates": candidates,
            "more": len(candidates) == CANDIDATES_SHOWN,
        },
        status=status,
    )


def _nomination(request: HttpRequest, pk: int) -> Nomination:
    return get_object_or_404(
        Nomination.objects.visible_to(request.user).select_related(
            "programme__organiser", "cadre", "unit", "section", "nominated_by", "reviewed_by", "confirmed_by"
        ),
        pk=pk,
    )


def _detail(request: HttpRequest, nomination: Nomination, status: int = 200, **forms) -> HttpResponse:
    checks = criteria.checks_for(nomination.programme, [nomination.cadre])[nomination.cadre_id]
    is_admin = request.user.is_admin
    context = {
        "nomination": nomination,
        "checks": checks,
        "review_form": forms.get("review_form") or (ReviewForm() if is_admin else None),
        "confirm_form": forms.get("confirm_form") or (ConfirmForm() if is_admin else None),
        "result_form": forms.get("result_form")
        or (
            ResultForm(initial={"result": nomination.result, "score": nomination.score, "note": nomination.result_note})
            if is_admin
            else None
        ),
        "is_admin": is_admin,
        "withdraw_form": forms.get("withdraw_form")
        or (WithdrawForm() if services.may_withdraw(request.user, nomination) else None),
        "Status": NominationStatus,
    }
    return render(request, "nominations/nomination_detail.html", context, status=status)


@require_GET
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _nomination(request, pk))


@require_POST
def nomination_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    nomination = _nomination(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_review(
                actor=request.user,
                nomination=nomination,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect(nomination)
    return _detail(request, nomination, 400, review_form=form)


@require_POST
def nomination_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    nomination = _nomination(request, pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_confirm(
                actor=request.user,
                nomination=nomination,
                confirm=form.cleaned_data["decision"] == "confirm",
                document=form.cleaned_data["document"],
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The higher unit's decision is recorded."))
            return redirect(nomination)
    return _detail(request, nomination, 400, confirm_form=form)


@require_POST
def nomination_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a nomination: the nominator or an administrator before the confirmation, an administrator with a
    reason after it; the place frees up."""
    nomination = _nomination(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_withdraw(actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The nomination is withdrawn; its place is free."))
            return redirect(nomination)
    return _detail(request, nomination, 400, withdraw_form=form)


@upload_limit(CERTIFICATE_MAX_BYTES)
@require_POST
def nomination_result(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    nomination = _nomination(request, pk)
    form = ResultForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.nomination_result(
                actor=request.user,
                nomination=nomination,
                result=form.cleaned_data["result"],
                score=form.cleaned_data["score"],
                certificate=form.cleaned_data["certificate"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The result is recorded."))
            return redirect(nomination)
    return _detail(request, nomination, 400, result_form=form)


@require_GET
def nomination_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    if not nomination.certificate:
        raise Http404
    try:
        handle = nomination.certificate.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=nomination.certificate_name)


@require_GET
def my_nominations(request: HttpRequest) -> HttpResponse:
    """我的调训: the signed-in cadre's own nominations, whatever their role."""
    cadre_id = request.user.cadre_id
    nominations = (
        Nomination.objects.filter(cadre_id=cadre_id)
        .select_related("programme__organiser")
        .order_by("-programme__start_date", "-pk")
        if cadre_id
        else Nomination.objects.none()
    )
    return render(request, "nominations/my_nominations.html", {"nominations": nominations})


@require_GET
def counts(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    year = _year(request)
    units = admin_unit_ids(request.user)
    this = timezone.localdate().year
    years = list(range(this, this - 5, -1))
    return render(
        request,
        "nominations/counts.html",
        {
            "year": year,
            "counts": nomination_counts(year=year, units=units),
            "by_year": nomination_counts_by_year(years=years, units=units),
            "years": years,
        },
    )


EXPORT_COLUMNS = (
    pgettext_lazy("nominations", "Unit"),
    _lazy("Section"),
    _lazy("Name"),
    _lazy("ID number"),
    pgettext_lazy("nominations", "Status"),
    _lazy("Reason for the nomination"),
    pgettext_lazy("nominations", "Criteria"),
    _lazy("Call-up notice number"),
    _lazy("Result"),
    pgettext_lazy("nominations", "Score"),
)


@require_GET
def programme_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The class's nominations in reach as Excel, ID numbers masked."""
    _require_admin(request.user)
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    nominations = list(
        Nomination.objects.visible_to(request.user)
        .filter(programme=programme)
        .select_related("cadre", "unit", "section")
        .order_by("unit__path", "nominated_at", "pk")
    )
    checks = criteria.checks_for(programme, [n.cadre for n in nominations])
    book = Workbook()
    sheet = book.active
    sheet.title = _("Nominations")[:31]
    sheet.append([str(c) for c in EXPORT_COLUMNS])
    for n in nominations:
        met = "；".join(f"{c.label}：{c.actual}（{_('met') if c.met else _('not met')}）" for c in checks[n.cadre_id])
        sheet.append(
            [
                safe_cell(v)
                for v in (
                    n.unit.name,
                    n.section.name,
                    n.cadre.name,
                    mask_id_number(n.cadre.id_number),
                    str(n.get_status_display()),
                    n.reason,
                    met,
                    n.confirm_document,
                    str(n.get_result_display()) if n.result else "",
                    n.score,
                )
            ]
        )
    return workbook_response(book, f"{programme.title}_{_('Nominations')}.xlsx")
