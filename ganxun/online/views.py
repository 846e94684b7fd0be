"""The pages of 线上学习.

Everyone signed in reads the platforms' figures they may see (``OnlineCredit.objects.visible_to``: a cadre their
own, a 科室负责人 their 科室's, an administrator the units they reach) and a cadre's history of figures.  The
platform register, the imports (upload → preview → confirm, the stored files), the review of flagged figures and
the outlier rules are the administrators'.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganxun.core.access import require_admin
from ganxun.core.excel import ExcelFileError, save_upload, size_message, upload_limit, workbook_response
from ganxun.core.lists import list_querystring
from ganxun.core.middleware import client_ip
from ganxun.core.params import query_id
from ganxun.core.pending import PendingUpload
from ganxun.roster.models import Cadre

from . import services
from .forms import DecisionForm, OutlierRuleForm, PlatformForm, UploadForm
from .imports import online_import, template_workbook
from .models import FigureStatus, OnlineCredit, OnlineFigure, OnlineImport, OutlierRule, Platform
from .services.platforms import snapshot

PENDING = PendingUpload("online_import", file_prefix="online-")
PAGE_SIZE = 50


def _year(request: HttpRequest) -> int:
    value = query_id(request.GET, "year")
    return value if value is not None and 2000 <= value <= 2100 else timezone.localdate().year


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The figures that count, per cadre and platform, of a year."""
    user = request.user
    year = _year(request)
    platform_id = query_id(request.GET, "platform")
    credits = (
        OnlineCredit.objects.visible_to(user)
        .filter(year=year)
        .select_related("cadre", "cadre__section", "platform")
        .order_by("cadre__section__name", "cadre__name", "platform_id")
    )
    if platform_id:
        credits = credits.filter(platform_id=platform_id)
    context = {
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        "platforms": Platform.objects.order_by("pk"),
        "platform_id": platform_id,
        "page": _page(request, credits),
        "querystring": list_querystring(request.GET),
        "is_admin": user.is_admin,
    }
    if user.is_admin:
        context["waiting"] = OnlineFigure.objects.visible_to(user).filter(status=FigureStatus.FLAGGED).count()
    return render(request, "online/index.html", context)


@require_GET
def cadre_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every figure the imports brought for one cadre, platform by platform, and what became of each."""
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("section"), pk=pk)
    figures = (
        OnlineFigure.objects.filter(cadre=cadre)
        .select_related("platform", "online_import")
        .order_by("-year", "platform_id", "-online_import__imported_at", "-pk")
    )
    credits = OnlineCredit.objects.filter(cadre=cadre).select_related("platform").order_by("-year", "platform_id")
    return render(
        request,
        "online/cadre_history.html",
        {"cadre": cadre, "figures": _page(request, figures), "credits": credits, "is_admin": request.user.is_admin},
    )


@require_GET
def credit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A ledger entry's source: the credit, shown on its cadre's history of figures."""
    credit = get_object_or_404(OnlineCredit.objects.visible_to(request.user), pk=pk)
    return redirect("online:cadre_history", pk=credit.cadre_id)


# --- platforms -------------------------------------------------------------------------------------------------


@require_GET
def platform_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    platforms = Platform.objects.annotate(import_count=Count("imports")).order_by("pk")
    return render(request, "online/platform_list.html", {"platforms": platforms})


@require_http_methods(["GET", "POST"])
def platform_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_admin(request.user)
    platform = get_object_or_404(Platform, pk=pk) if pk is not None else Platform()
    before = snapshot(platform) if pk is not None else None
    form = PlatformForm(request.POST or None, instance=platform)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.platform_save(actor=request.user, platform=form.instance, before=before)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The platform %(name)s was saved.") % {"name": platform.name})
                return redirect("online:platform_list")
        return render(request, "online/platform_form.html", {"form": form, "platform": platform}, status=400)
    return render(request, "online/platform_form.html", {"form": form, "platform": platform})


@require_GET
def platform_template(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    platform = get_object_or_404(Platform, pk=pk)
    year = timezone.localdate().year
    return workbook_response(template_workbook(platform, year), f"{platform.name}_{_('template')}.xlsx")


# --- imports ---------------------------------------------------------------------------------------------------


def _max_bytes() -> int:
    return int(settings.GANXUN["IMPORT_MAX_BYTES"])


def _upload_context(form: UploadForm, result=None, **extra) -> dict:
    return {
        "form": form,
        "result": result,
        "max_rows": settings.GANXUN["IMPORT_MAX_ROWS"],
        "max_megabytes": _max_bytes() // 1048576,
        "platforms": Platform.objects.filter(active=True).order_by("pk"),
        **extra,
    }


@upload_limit(_max_bytes)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a platform's export and see what importing it would do; nothing is written here."""
    require_admin(request.user)
    template = "online/import.html"
    if request.method == "GET":
        initial = {"platform": query_id(request.GET, "platform")}
        return render(request, template, _upload_context(UploadForm(initial=initial)))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, template, _upload_context(form), status=400)
    upload = form.cleaned_data["file"]
    if upload.size > _max_bytes():
        form.add_error("file", size_message(upload.size, _max_bytes()))
        return render(request, template, _upload_context(form), status=400)
    platform, year, strict = form.cleaned_data["platform"], form.cleaned_data["year"], form.cleaned_data["strict"]
    file_name = Path(upload.name).name[:200]
    token, stored, now = PENDING.start(request)
    try:
        save_upload(upload, stored, _max_bytes())
        result = online_import(
            stored, platform=platform, file_name=file_name, actor=request.user, year=year, strict=strict
        )
    except ExcelFileError as exc:
        stored.unlink(missing_ok=True)
        form.add_error("file", exc.message)
        return render(request, template, _upload_context(form), status=400)
    if result.ok:
        PENDING.remember(
            request, token=token, name=file_name, at=now, platform=platform.pk, year=result.year, strict=strict
        )
    else:
        stored.unlink(missing_ok=True)
    fresh = UploadForm(initial={"platform": platform.pk, "year": year, "strict": strict})
    return render(request, template, _upload_context(fresh, result, platform=platform))


@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the previewed file: read and checked again from the server's copy, written in one transaction."""
    require_admin(request.user)
    taken = PENDING.take(request)
    platform = None
    if taken is not None:
        platform = Platform.objects.filter(pk=taken[0].get("platform"), active=True).first()
    if taken is None or platform is None:
        PENDING.forget(request)
        messages.error(request, _("The uploaded file is no longer available; please upload it again."))
        return redirect("online:import_upload")
    pending, stored = taken
    try:
        result = online_import(
            stored,
            platform=platform,
            file_name=pending["name"],
            actor=request.user,
            year=pending.get("year"),
            strict=bool(pending.get("strict")),
            write=True,
            ip_address=client_ip(request),
        )
    except ExcelFileError as exc:
        PENDING.forget(request)
        messages.error(request, exc.message)
        return redirect("online:import_upload")
    PENDING.forget(request)
    if not result.written:
        form = UploadForm(initial={"platform": platform.pk, "year": pending.get("year")})
        return render(request, "online/import.html", _upload_context(form, result, platform=platform), status=400)
    messages.success(
        request,
        _(
            "Imported %(file)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(flagged)s held for "
            "review, %(unmatched)s not on the roster."
        )
        % {
            "file": result.file_name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "flagged": result.flagged,
            "unmatched": result.unmatched,
        },
    )
    return redirect("online:import_detail", pk=result.import_id)


@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    imports = OnlineImport.objects.visible_to(request.user).select_related("platform", "imported_by")
    return render(request, "online/import_list.html", {"page": _page(request, imports), "querystring": ""})


STATUS_FILTERS = [s for s in FigureStatus]


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    record = get_object_or_404(OnlineImport.objects.visible_to(request.user).select_related("platform"), pk=pk)
    status = request.GET.get("status", "")
    figures = (
        OnlineFigure.objects.visible_to(request.user)
        .filter(online_import=record)
        .select_related("cadre", "cadre__section")
        .order_by("row")
    )
    if status in FigureStatus.values:
        figures = figures.filter(status=status)
    return render(
        request,
        "online/import_detail.html",
        {
            "record": record,
            "page": _page(request, figures),
            "status": status,
            "statuses": FigureStatus.choices,
            "querystring": list_querystring(request.GET),
        },
    )


@require_GET
def import_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The export file as it was imported: the evidence behind its figures."""
    require_admin(request.user)
    record = get_object_or_404(OnlineImport.objects.visible_to(request.user), pk=pk)
    if not record.file:
        raise Http404
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file_name)


# --- review ----------------------------------------------------------------------------------------------------


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """The figures held for review: the newest first, each with why."""
    require_admin(request.user)
    figures = (
        OnlineFigure.objects.visible_to(request.user)
        .filter(status=FigureStatus.FLAGGED)
        .select_related("cadre", "cadre__section", "platform", "online_import")
        .order_by("-online_import__imported_at", "row")
    )
    decided = (
        OnlineFigure.objects.visible_to(request.user)
        .filter(Q(status=FigureStatus.CONFIRMED) | Q(status=FigureStatus.REJECTED))
        .select_related("cadre", "platform", "decided_by")
        .order_by("-decided_at")[:10]
    )
    return render(
        request,
        "online/review_list.html",
        {"page": _page(request, figures), "decided": decided, "querystring": "", "form": DecisionForm()},
    )


@require_POST
def figure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    figure = get_object_or_404(OnlineFigure.objects.visible_to(request.user), pk=pk, status=FigureStatus.FLAGGED)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == DecisionForm.CONFIRM:
                services.figure_confirm(actor=request.user, figure=figure, reason=form.cleaned_data["reason"])
                messages.success(request, _("The figure of %(name)s is counted.") % {"name": figure.cadre.name})
            else:
                services.figure_reject(actor=request.user, figure=figure, reason=form.cleaned_data["reason"])
                messages.success(request, _("The figure of %(name)s was rejected.") % {"name": figure.cadre.name})
            return redirect("online:review_list")
        except ValidationError as error:
            form.add_error(None, error)
    figures = OnlineFigure.objects.filter(pk=figure.pk).select_related("cadre", "platform", "online_import")
    return render(
        request,
        "online/review_list.html",
        {"page": _page(request, figures), "decided": [], "querystring": "", "form": form, "errors_for": figure.pk},
        status=400,
    )


@require_POST
def recount(request: HttpRequest) -> HttpResponse:
    """The year's credits the administrator sees, converted again by the rules as they are now (after a points rule
    was set, say)."""
    require_admin(request.user)
    value = query_id(request.POST, "year")
    year = value if value is not None and 2000 <= value <= 2100 else timezone.localdate().year
    done = services.credits_recount(actor=request.user, year=year, scope=OnlineCredit.objects.visible_to(request.user))
    messages.success(
        request,
        _(
            "The %(year)s figures were converted again by the rules as they are now: %(counted)s changed, "
            "%(unchanged)s already right, %(uncounted)s points still without a rule; %(superseded)s self-reports "
            "withdrawn."
        )
        % {"year": year, **vars(done)},
    )
    return redirect(f"{reverse('online:index')}?year={year}")


# --- outlier rules ---------------------------------------------------------------------------------------------


@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    rules = [(rule, OutlierRuleForm(instance=rule, prefix=f"r{rule.pk}")) for rule in OutlierRule.objects.all()]
    return render(request, "online/rule_list.html", {"rules": rules})


@require_POST
def rule_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    rule = get_object_or_404(OutlierRule, pk=pk)
    before = snapshot(rule)
    form = OutlierRuleForm(request.POST, instance=rule, prefix=f"r{rule.pk}")
    if form.is_valid():
        try:
            services.outlier_rule_save(actor=request.user, rule=form.instance, before=before)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("online:rule_list")
    rules = [
        (r, form if r.pk == rule.pk else OutlierRuleForm(instance=r, prefix=f"r{r.pk}"))
        for r in OutlierRule.objects.all()
    ]
    return render(request, "online/rule_list.html", {"rules": rules}, status=400)
