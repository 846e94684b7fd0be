"""提醒 pages: a cadre's own deadlines (phone-friendly, notices marked read), the "behind" list of a section head's
科室 or an administrator's units, the weekly digest (printable) and the call list for the office's own messaging.
No message leaves the system."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.core.excel import safe_cell, workbook_response
from ganxun.core.params import query_id, query_text
from ganxun.hours.models import FIRST_RULE_YEAR, LAST_RULE_YEAR
from ganxun.roster.idcard import mask_phone
from ganxun.roster.models import Cadre, Section

from . import services
from .deadlines import DeadlineStatus, Kind
from .models import NoticeRead
from .queries import CadreDeadlines, cadre_deadlines, days_ahead, notice_counts


def _require_overseer(user) -> None:
    """Section heads (their 科室) and administrators (their units)."""
    if not (user.is_admin or user.is_section_head):
        raise PermissionDenied


def _read_keys(user, cadre_ids) -> set[tuple[int, str]]:
    return set(NoticeRead.objects.filter(user=user, cadre_id__in=cadre_ids).values_list("cadre_id", "key"))


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in cadre's deadlines, the notices unread first marked."""
    user = request.user
    today = timezone.localdate()
    row = None
    read: set[tuple[int, str]] = set()
    if user.cadre_id is not None:
        found = cadre_deadlines(Cadre.objects.filter(pk=user.cadre_id), today)
        row = found[0] if found else None
        read = _read_keys(user, [user.cadre_id])
    items = []
    unread = 0
    if row is not None:
        for deadline in row.deadlines:
            is_unread = bool(deadline.stage) and (row.cadre_id, deadline.notice_key) not in read
            unread += is_unread
            days = deadline.days_left(today)
            items.append({"deadline": deadline, "unread": is_unread, "days": days, "late": -days})
    return render(
        request,
        "reminders/mine.html",
        {"row": row, "items": items, "unread": unread, "today": today, "ahead": days_ahead()},
    )


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (``key``) or all (``all``) of the signed-in cadre read."""
    user = request.user
    if user.cadre_id is None:
        raise Http404
    key = query_text(request.POST, "key", 100)
    if not key and request.POST.get("all") != "1":
        return HttpResponseBadRequest(_("Say which notice to mark read."))
    try:
        count = services.notices_mark_read(actor=user, cadre=user.cadre, keys=None if not key else [key])
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    if count:
        messages.success(request, _("Marked read."))
    return redirect("reminders:mine")


def _scoped(request: HttpRequest) -> tuple[list[CadreDeadlines], dict]:
    """The overseer's cadres with deadlines, narrowed by the 科室 and kind chosen; the filter's values."""
    user = request.user
    sections = Section.objects.visible_to(user).order_by("sort_order", "name")
    if user.is_section_head and not user.is_admin:
        sections = sections.filter(pk=user.section_id_scope)
    cadres = Cadre.objects.visible_to(user)
    section_id = query_id(request.GET, "section")
    if section_id is not None:
        cadres = cadres.filter(section_id=section_id)
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    return cadre_deadlines(cadres, timezone.localdate()), {
        "sections": list(sections.values_list("pk", "name")),
        "section_id": section_id,
        "kinds": Kind.choices,
        "kind": kind,
    }


def _behind_rows(rows: list[CadreDeadlines], kind: str) -> list[tuple[CadreDeadlines, list]]:
    listed = []
    for row in rows:
        notices = [d for d in row.notices if not kind or d.kind == kind]
        if notices:
            listed.append((row, notices))
    return listed


@require_GET
def behind(request: HttpRequest) -> HttpResponse:
    """The cadres with something overdue, due soon or behind schedule: a section head's 科室, an admin's units."""
    _require_overseer(request.user)
    rows, filters = _scoped(request)
    listed = _behind_rows(rows, filters["kind"])
    counts = notice_counts(notices for _row, notices in listed)
    return render(
        request,
        "reminders/behind.html",
        {
            "listed": listed,
            "counts": counts,
            "cadres": len(rows),
            "today": timezone.localdate(),
            "ahead": days_ahead(),
            "querystring": request.GET.urlencode(),
            **filters,
        },
    )


def _week(request: HttpRequest) -> dt.date:
    """The Monday of the week asked for (``week``: any day of it, YYYY-MM-DD), this week's by default."""
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    if not FIRST_RULE_YEAR < day.year < LAST_RULE_YEAR:  # the years the hours' rules may be set for
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


@require_GET
def digest(request: HttpRequest) -> HttpResponse:
    """The week's digest, as of its Sunday: what fell due or overdue this week, what came into view, what is
    still overdue from before, and who lags their hours (printable)."""
    _require_overseer(request.user)
    monday = _week(request)
    sunday = monday + dt.timedelta(days=6)
    ahead = days_ahead()
    rows = cadre_deadlines(Cadre.objects.visible_to(request.user), sunday, ahead=ahead)
    new, due, overdue, lagging = [], [], [], []
    for row in rows:
        for deadline in row.deadlines:
            if deadline.status == DeadlineStatus.MET:
                continue
            if monday <= deadline.due <= sunday:
                due.append((row, deadline))
            elif deadline.status == DeadlineStatus.OVERDUE:
                if monday <= deadline.due + dt.timedelta(days=1) <= sunday:
                    new.append((row, deadline))
                else:
                    overdue.append((row, deadline))
            elif monday <= deadline.due - dt.timedelta(days=ahead) <= sunday:
                new.append((row, deadline))
            elif deadline.behind:
                lagging.append((row, deadline))
    return render(
        request,
        "reminders/digest.html",
        {
            "monday": monday,
            "sunday": sunday,
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "sections": [
                ("due", _("Falling due this week"), due),
                ("new", _("New this week: coming into view or just overdue"), new),
                ("overdue", _("Still overdue from before"), overdue),
                ("lagging", _("Behind schedule on hours"), lagging),
            ],
            "ahead": ahead,
        },
    )


@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    """The call/SMS list (.xlsx) for the office's own messaging: one line per notice; full phones only for
    administrators (recorded in the audit), masked for a section head."""
    user = request.user
    _require_overseer(user)
    rows, filters = _scoped(request)
    listed = _behind_rows(rows, filters["kind"])
    reveal = user.is_admin
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Call list")[:31]
    headers = [
        _("Name"),
        _("Section"),
        _("Mobile phone"),
        _("What is due"),
        _("Due date"),
        pgettext("deadline", "Status"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    lines = 0
    for row, notices in listed:
        phone = row.phone if reveal else mask_phone(row.phone)
        for deadline in notices:
            status = deadline.get_status_display()
            if deadline.stage == "behind":
                status = _("Behind schedule")
            sheet.append(
                [
                    safe_cell(row.name),
                    safe_cell(row.section_name),
                    safe_cell(phone),
                    safe_cell(deadline.what),
                    deadline.due,
                    status,
                ]
            )
            sheet.cell(row=sheet.max_row, column=5).number_format = "yyyy-mm-dd"
            lines += 1
    for column, width in zip("ABCDEF", (12, 16, 16, 60, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width
    title = _("Reminder call list")
    filename = f"{title}_{timezone.localdate():%Y%m%d}.xlsx"
    if reveal:
        audit_record(
            actor=user,
            action=Action.REVEAL,
            object_type="cadre",
            object_repr=filename,
            summary=_("Exported %(file)s: %(count)s lines with full mobile phones")
            % {"file": filename, "count": lines},
        )
    return workbook_response(workbook, filename)
