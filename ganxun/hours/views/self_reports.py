"""Self-reported hours: the cadre's form, the review queues, a report's page and the review step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganxun.audit.models import AuditEvent
from ganxun.roster.models import Cadre
from ganxun.roster.permissions import can_browse_roster

from .. import services
from ..forms import ReviewForm, SelfReportForm
from ..models import EntryStatus, LedgerEntry, Source
from ..queries import decision_queue, section_review_queue
from ..services import can_decide, can_section_review

PAGE_SIZE = 30


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


@require_GET
def self_report_queue(request: HttpRequest) -> HttpResponse:
    """What waits for this reviewer: a section head's 科室, or what the administrators decide."""
    user = request.user
    if not can_browse_roster(user):
        raise PermissionDenied
    queue = decision_queue(user) if user.is_admin else section_review_queue(user)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hours/self_report_queue.html", {"page": page, "querystring": ""})


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
    if can_section_review(user, entry):
        step = services.self_report_review
    elif can_decide(user, entry):
        step = services.self_report_decide
    else:
        raise PermissionDenied(_("This report is not waiting for you."))
    form = ReviewForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if step is services.self_report_review:
                entry = step(actor=user, entry=entry, approve=form.approve, reason=reason)
            else:
                entry = step(actor=user, entry=entry, confirm=form.approve, reason=reason)
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
