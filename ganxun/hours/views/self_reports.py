"""Self-reported hours: the cadre's form and correction, the 学时审核 queue with its batch, a report and its review."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from ganxun.audit.models import AuditEvent
from ganxun.core.excel import upload_limit
from ganxun.roster.models import Cadre
from ganxun.roster.permissions import can_browse_roster

from .. import services
from ..forms import EVIDENCE_MAX_BYTES, BatchForm, QueueFilterForm, ReviewForm, SelfReportForm
from ..models import EntryStatus, LedgerEntry, Source, plain_hours
from ..queries import WAITING, cap_standing, review_queue
from ..services import Outcome, can_decide, can_resubmit, can_section_review

PAGE_SIZE = 30


@upload_limit(EVIDENCE_MAX_BYTES)
@require_http_methods(["GET", "POST"])
def self_report_create(request: HttpRequest) -> HttpResponse:
    """The cadre's own report: date, hours, category, what, evidence and a witness."""
    user = request.user
    if user.cadre_id is None:
        raise PermissionDenied(_("Only an account linked to a cadre can report hours."))
    cadre = get_object_or_404(Cadre.objects.visible_to(user), pk=user.cadre_id)
    if request.method == "POST":
        form = SelfReportForm(request.POST, request.FILES, cadre=cadre)
    else:
        form = SelfReportForm(initial={"date": timezone.localdate()}, cadre=cadre)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.self_report_submit(actor=user, cadre=cadre, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your report of %(hours)s hours was submitted and waits for review.") % {"hours": entry.hours},
            )
            return redirect("hours:my_learning")
    return render(request, "hours/self_report_form.html", {"form": form})


FILTERS = ("q", "section", "bucket", "status", "date_from", "date_to")


def _querystring(params: QueryDict) -> str:
    """The queue's filters in use (nothing else, no page): for page links, the address bar and the way back."""
    kept = [(key, params[key]) for key in FILTERS if params.get(key)]
    return urlencode([(key, value) for key, value in kept if (key, value) != ("status", WAITING)])


@require_GET
def self_report_queue(request: HttpRequest) -> HttpResponse:
    """学时审核: what waits for this reviewer (or any status), filtered; with HTMX only the table is sent back."""
    user = request.user
    if not can_browse_roster(user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET, user=user)
    queue = review_queue(user, form.filters())
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = _querystring(request.GET)
    context = {
        "form": form,
        "page": page,
        "querystring": querystring,
        "actionable": any(entry.actionable for entry in page),
    }
    if request.htmx and not request.htmx.history_restore_request:
        parts = [querystring] if querystring else []
        if page.number > 1:
            parts.append(urlencode({"page": page.number}))
        url = f"{request.path}?{'&'.join(parts)}" if parts else request.path
        return push_url(render(request, "hours/self_report_queue.html#queue", context), url)
    return render(request, "hours/self_report_queue.html", context)


@require_POST
def self_report_batch(request: HttpRequest) -> HttpResponse:
    """Approve or return the selected reports together: each its own audited step, the reason kept on each."""
    user = request.user
    if not can_browse_roster(user):
        raise PermissionDenied
    back = reverse("hours:self_report_queue")
    if querystring := _querystring(QueryDict(request.POST.get("back", ""))):
        back = f"{back}?{querystring}"
    form = BatchForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        if "entries" in form.errors:
            messages.error(request, _("Select the reports first."))
        return redirect(back)
    wanted = form.cleaned_data["entries"]
    entries = list(
        LedgerEntry.objects.visible_to(user).filter(source=Source.SELF_REPORT, pk__in=wanted).select_related("cadre")
    )
    if len(entries) != len(set(wanted)):
        messages.error(request, _("Some of the selected reports no longer exist or are not yours to see."))
        return redirect(back)
    outcome = form.cleaned_data["outcome"]
    try:
        done = services.self_report_batch(
            actor=user, entries=entries, outcome=outcome, reason=form.cleaned_data["reason"]
        )
    except (PermissionDenied, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, _("Nothing was changed. %(reason)s") % {"reason": text})
        return redirect(back)
    if outcome == Outcome.RETURN:
        message = _("%(count)s reports returned for changes.")
    else:
        message = _("%(count)s reports approved.")
    messages.success(request, message % {"count": len(done)})
    return redirect(back)


def _visible_report(request: HttpRequest, pk: int) -> LedgerEntry:
    reports = LedgerEntry.objects.visible_to(request.user).filter(source=Source.SELF_REPORT)
    return get_object_or_404(
        reports.select_related(
            "cadre__section", "created_by__cadre", "section_reviewed_by__cadre", "decided_by__cadre"
        ),
        pk=pk,
    )


def _detail_context(request: HttpRequest, entry: LedgerEntry, form: ReviewForm | None = None) -> dict[str, Any]:
    user = request.user
    stage = "section" if can_section_review(user, entry) else "decision" if can_decide(user, entry) else ""
    history = None
    if user.is_admin:
        history = AuditEvent.objects.visible_to(user).filter(object_type="ledgerentry", object_id=str(entry.pk))
    return {
        "entry": entry,
        "stage": stage,
        "form": form or (ReviewForm() if stage else None),
        "history": history,
        "waiting_for_section": entry.status == EntryStatus.PENDING and not stage,
        # An administrator or section head looking at their own report, which someone else must decide.
        "own_to_decide": (user.is_admin or user.is_section_head)
        and services.is_own(user, entry.cadre_id)
        and entry.status in (EntryStatus.PENDING, EntryStatus.SECTION_APPROVED),
        "own_message": services.own_hours_message(),
        "standing": cap_standing(entry) if stage else None,
        "can_resubmit": can_resubmit(user, entry),
    }


@require_GET
def self_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_report(request, pk)
    return render(request, "hours/self_report_detail.html", _detail_context(request, entry))


@require_POST
def self_report_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The next step for whoever holds the report: the section head's review, then the administrator's decision."""
    entry = _visible_report(request, pk)
    user = request.user
    at_section = can_section_review(user, entry)
    if not (at_section or can_decide(user, entry)):
        raise PermissionDenied(_("This report is not waiting for you."))
    form = ReviewForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if form.returned:
                entry = services.self_report_return(actor=user, entry=entry, reason=reason)
            elif at_section:
                entry = services.self_report_review(actor=user, entry=entry, approve=form.approve, reason=reason)
            else:
                entry = services.self_report_decide(actor=user, entry=entry, confirm=form.approve, reason=reason)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s's report “%(title)s”: %(status)s.")
                % {"name": entry.cadre.name, "title": entry.title, "status": entry.get_status_display()},
            )
            return redirect("hours:self_report_queue")
    return render(request, "hours/self_report_detail.html", _detail_context(request, entry, form), status=400)


@require_http_methods(["GET", "POST"])
def self_report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The cadre corrects a report returned to them and sends it back for review."""
    user = request.user
    entry = _visible_report(request, pk)
    if not can_resubmit(user, entry):
        raise PermissionDenied(_("Only a report returned to you for changes can be corrected."))
    fields = ("date", "hours", "bucket", "title", "evidence", "witness")
    if request.method == "POST":
        form = SelfReportForm(request.POST, request.FILES, cadre=entry.cadre, entry=entry)
    else:
        initial = {name: getattr(entry, name) for name in fields}
        initial["hours"] = plain_hours(entry.hours)  # 2.50 is "2.5": the form takes one decimal place
        form = SelfReportForm(initial=initial, cadre=entry.cadre, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.self_report_resubmit(actor=user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your corrected report was resubmitted and waits for review."))
            return redirect("hours:my_learning")
    status = 400 if request.method == "POST" else 200
    return render(request, "hours/self_report_edit.html", {"form": form, "entry": entry}, status=status)
