"""Roster import (upload → preview → confirm), its template, and the export of the cadre list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.core.access import require_admin
from ganxun.core.excel import ExcelFileError, save_upload, size_message, upload_limit, workbook_response
from ganxun.core.middleware import client_ip
from ganxun.core.pending import PendingUpload

from ..exports import cadre_workbook, template_workbook
from ..filters import filter_cadres
from ..forms import EffectiveDateField
from ..imports import COLUMNS, ImportResult, roster_import
from ..models import Cadre

PENDING = PendingUpload("roster_import")
SESSION_KEY = PENDING.session_key
pending_dir = PENDING.directory
TEMPLATE = "roster/cadre_import.html"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster workbook"),
        help_text=gettext_lazy("An .xlsx file whose first sheet holds the roster."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )
    as_of = EffectiveDateField(
        help_text=gettext_lazy(
            "The day the changes of section, post, rank, leadership level and status take effect (default today)."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].widget.attrs["class"] = "form-control"


def _max_bytes() -> int:
    return int(settings.GANXUN["IMPORT_MAX_BYTES"])


def _context(form: ImportUploadForm, result: ImportResult | None = None, **extra) -> dict:
    return {
        "form": form,
        "result": result,
        "required_columns": [c for c in COLUMNS if c.required],
        "max_rows": settings.GANXUN["IMPORT_MAX_ROWS"],
        "max_megabytes": _max_bytes() // 1048576,
        **extra,
    }


@upload_limit(_max_bytes)
@require_http_methods(["GET", "POST"])
def cadre_import(request: HttpRequest) -> HttpResponse:
    """Upload a roster workbook and see what importing it would do; nothing is written here."""
    require_admin(request.user)
    if request.method == "GET":
        return render(request, TEMPLATE, _context(ImportUploadForm()))
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(form), status=400)
    upload = form.cleaned_data["file"]
    if upload.size > _max_bytes():  # a RefusedUpload: nothing of it was kept
        form.add_error("file", size_message(upload.size, _max_bytes()))
        return render(request, TEMPLATE, _context(form), status=400)
    file_name = Path(upload.name).name[:200]
    token, path, now = PENDING.start(request)
    try:
        save_upload(upload, path, _max_bytes())
        result = roster_import(path, file_name=file_name, actor=request.user, as_of=form.cleaned_data["as_of"])
    except ExcelFileError as exc:
        path.unlink(missing_ok=True)
        form.add_error("file", exc.message)
        return render(request, TEMPLATE, _context(form), status=400)
    if result.ok:
        PENDING.remember(request, token=token, name=file_name, at=now, as_of=result.as_of.isoformat())
    else:
        path.unlink(missing_ok=True)
    return render(request, TEMPLATE, _context(ImportUploadForm(), result))


@require_POST
def cadre_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the previewed file: read and checked again from the server's copy, written in one transaction."""
    require_admin(request.user)
    taken = PENDING.take(request)
    if taken is None:
        messages.error(request, _("The uploaded file is no longer available; please upload it again."))
        return redirect("roster:cadre_import")
    pending, path = taken
    accept = request.POST.get("create_sections") == "on"
    try:
        as_of = dt.date.fromisoformat(pending.get("as_of") or "")
    except ValueError:
        as_of = None  # remembered before the as-of date existed: today
    try:
        result = roster_import(
            path,
            file_name=pending["name"],
            actor=request.user,
            write=True,
            accept_new_sections=accept,
            ip_address=client_ip(request),
            as_of=as_of,
        )
    except ExcelFileError as exc:
        PENDING.forget(request)
        messages.error(request, exc.message)
        return redirect("roster:cadre_import")
    if result.written:
        PENDING.forget(request)
        messages.success(
            request,
            _("Imported %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"file": result.file_name, **{k: getattr(result, k) for k in ("created", "updated", "unchanged")}},
        )
        return redirect("roster:cadre_list")
    if not result.ok:
        PENDING.forget(request)
    notice = "" if not result.ok else _("Tick the box to create the new sections, or correct them in the file.")
    return render(request, TEMPLATE, _context(ImportUploadForm(), result, notice=notice), status=400)


@require_GET
def cadre_import_template(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    return workbook_response(template_workbook(), _("Roster import template") + ".xlsx")


@require_GET
def cadre_export(request: HttpRequest) -> HttpResponse:
    """The cadre list as filtered on the list page, as .xlsx; full ID numbers and phones only for admins."""
    user = request.user
    if not (user.is_admin or user.is_section_head):
        raise PermissionDenied
    cadres = filter_cadres(Cadre.objects.visible_to(user), request.GET, user=user)
    filename = f"{_('Cadre roster')}_{timezone.localdate():%Y%m%d}.xlsx"
    if user.is_admin:
        # The personnel office re-imports this file, so the numbers stay whole; who took them is kept.
        audit_record(
            actor=user,
            action=Action.REVEAL,
            object_type="cadre",
            object_repr=filename,
            summary=_("Exported %(file)s: %(count)s cadres with full ID numbers and mobile phones")
            % {"file": filename, "count": cadres.count()},
        )
    return workbook_response(cadre_workbook(cadres, reveal=user.is_admin), filename)
