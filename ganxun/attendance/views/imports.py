"""Attendance import (upload → preview → confirm) for a session or a whole activity, and its template."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganxun.core.access import require_admin
from ganxun.core.excel import ExcelFileError, save_upload, size_message, upload_limit, workbook_response
from ganxun.core.middleware import client_ip
from ganxun.core.pending import PendingUpload
from ganxun.training.models import Activity, Session

from ..imports import COLUMNS, AttendanceImportResult, attendance_import, template_workbook
from .common import get_activity, get_session

PENDING = PendingUpload("attendance_import", file_prefix="attendance-")
TEMPLATE = "attendance/attendance_import.html"


class AttendanceUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Attendance workbook"),
        help_text=gettext_lazy("An .xlsx file whose first sheet holds the attendance."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


def _max_bytes() -> int:
    return int(settings.GANXUN["IMPORT_MAX_BYTES"])


def _context(
    activity: Activity, session: Session | None, form: AttendanceUploadForm, result: AttendanceImportResult | None
) -> dict:
    return {
        "activity": activity,
        "session": session,
        "form": form,
        "result": result,
        "columns": COLUMNS,
        "multi_session": session is None and activity.sessions.count() > 1,
        "max_megabytes": _max_bytes() // 1048576,
    }


def _upload(request: HttpRequest, activity: Activity, session: Session | None) -> HttpResponse:
    if request.method == "GET":
        return render(request, TEMPLATE, _context(activity, session, AttendanceUploadForm(), None))
    form = AttendanceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(activity, session, form, None), status=400)
    upload = form.cleaned_data["file"]
    if upload.size > _max_bytes():  # a RefusedUpload: nothing of it was kept
        form.add_error("file", size_message(upload.size, _max_bytes()))
        return render(request, TEMPLATE, _context(activity, session, form, None), status=400)
    file_name = Path(upload.name).name[:200]
    token, path, now = PENDING.start(request)
    try:
        save_upload(upload, path, _max_bytes())
        result = attendance_import(path, activity=activity, session=session, file_name=file_name)
    except ExcelFileError as exc:
        path.unlink(missing_ok=True)
        form.add_error("file", exc.message)
        return render(request, TEMPLATE, _context(activity, session, form, None), status=400)
    if result.ok:
        PENDING.remember(
            request,
            token=token,
            name=file_name,
            at=now,
            activity=activity.pk,
            session=session.pk if session else None,
        )
    else:
        path.unlink(missing_ok=True)
    return render(request, TEMPLATE, _context(activity, session, AttendanceUploadForm(), result))


@upload_limit(_max_bytes)
@require_http_methods(["GET", "POST"])
def session_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance of one session from a workbook; the upload only previews."""
    require_admin(request.user)
    session = get_session(request, pk, edit=True)
    return _upload(request, session.activity, session)


@upload_limit(_max_bytes)
@require_http_methods(["GET", "POST"])
def activity_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance of every session of an activity from one workbook, a 场次日期 column telling them apart."""
    require_admin(request.user)
    return _upload(request, get_activity(request, pk, edit=True), None)


@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the previewed file: read and checked again from the server's copy, written in one transaction."""
    require_admin(request.user)
    taken = PENDING.take(request)
    pending, path = taken if taken is not None else ({}, None)
    activity = (
        Activity.objects.editable_by(request.user).filter(pk=pending.get("activity")).first() if pending else None
    )
    session = None
    if activity is not None and pending.get("session"):
        session = activity.sessions.filter(pk=pending["session"]).first()
    if path is None or activity is None or (pending.get("session") and session is None):
        PENDING.forget(request)
        messages.error(request, _("The uploaded file is no longer available; please upload it again."))
        return redirect("training:activity_list") if activity is None else _back(activity, session)
    try:
        result = attendance_import(
            path,
            activity=activity,
            session=session,
            file_name=pending["name"],
            actor=request.user,
            write=True,
            ip_address=client_ip(request),
        )
    except ExcelFileError as exc:
        PENDING.forget(request)
        messages.error(request, exc.message)
        return _back(activity, session)
    PENDING.forget(request)
    if not result.written:
        return render(request, TEMPLATE, _context(activity, session, AttendanceUploadForm(), result), status=400)
    messages.success(
        request,
        _("Imported %(file)s: %(created)s recorded, %(updated)s corrected, %(unchanged)s unchanged.")
        % {
            "file": result.file_name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    if session is not None:
        return redirect("attendance:attendance_sheet", pk=session.pk)
    return redirect(activity)


def _back(activity: Activity, session: Session | None) -> HttpResponse:
    if session is not None:
        return redirect("attendance:session_import", pk=session.pk)
    return redirect("attendance:activity_import", pk=activity.pk)


@require_GET
def session_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's sign-in sheet as a workbook: its enrolled cadres, attendance to fill in."""
    require_admin(request.user)
    session = get_session(request, pk, edit=True)  # every enrolled cadre: the organisers' sheet
    name = f"{_('Sign-in sheet')}_{session.activity.title}_{session.date:%Y%m%d}.xlsx"
    return workbook_response(template_workbook(activity=session.activity, session=session), name)


@require_GET
def activity_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The activity's sign-in sheet: one row per enrolled cadre and session."""
    require_admin(request.user)
    activity = get_activity(request, pk, edit=True)
    return workbook_response(template_workbook(activity=activity), f"{_('Sign-in sheet')}_{activity.title}.xlsx")
