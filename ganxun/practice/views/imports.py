"""Practice lists from Excel (upload → preview → confirm), one page per kind, and each kind's template.

Administrators only (培训管理员 within the units their role reaches, 系统管理员): an import creates campaigns, teams
and places, which are the administrators' to keep.  A 科室负责人 enters their 科室's records on the entry pages.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganxun.core.access import require_admin
from ganxun.core.excel import ExcelFileError, save_upload, size_message, upload_limit, workbook_response
from ganxun.core.middleware import client_ip
from ganxun.core.pending import PendingUpload

from ..imports import COLUMNS, KINDS, PracticeImportResult, practice_import, template_workbook
from ..models import Campaign, Team

PENDING = PendingUpload("practice_import", file_prefix="practice-")
TEMPLATE = "practice/imports/import.html"
TITLES = {
    "deployment": gettext_lazy("Import deployments"),
    "community": gettext_lazy("Import community reporting"),
    "team": gettext_lazy("Import team members"),
    "secondment": gettext_lazy("Import secondments"),
}
TAB_LABELS = {
    "deployment": gettext_lazy("Deployments"),
    "community": gettext_lazy("Community reporting"),
    "team": gettext_lazy("Team members"),
    "secondment": gettext_lazy("Secondments"),
}


class PracticeUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy("An .xlsx file whose first sheet holds the list."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )
    group = forms.CharField(max_length=100, required=False)

    def __init__(self, *args, kind: str, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind in ("deployment", "team"):
            model = Campaign if kind == "deployment" else Team
            field = self.fields["group"]
            field.required = True
            field.label = capfirst(_("campaign") if kind == "deployment" else _("team"))
            field.help_text = (
                _("Choose a campaign or type the name of a new one; a new campaign takes its period from the rows.")
                if kind == "deployment"
                else _("Choose a team or type the name of a new one; a new team is formed on the first joining date.")
            )
            field.widget.attrs.update({"class": "form-control", "list": "practice-groups", "autocomplete": "off"})
            self.choices = list(model.objects.visible_to(user).order_by("name").values_list("name", flat=True)[:500])
        else:
            del self.fields["group"]
            self.choices = []


def _max_bytes() -> int:
    return int(settings.GANXUN["IMPORT_MAX_BYTES"])


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


def _context(kind: str, form: PracticeUploadForm, result: PracticeImportResult | None = None, **extra) -> dict:
    return {
        "kind": kind,
        "title": TITLES[kind],
        "tabs": [(k, TAB_LABELS[k]) for k in KINDS],
        "form": form,
        "result": result,
        "required_columns": [c for c in COLUMNS[kind] if c.required],
        "columns": COLUMNS[kind],
        "max_rows": settings.GANXUN["IMPORT_MAX_ROWS"],
        "max_megabytes": _max_bytes() // 1048576,
        **extra,
    }


def _group_arguments(kind: str, name: str) -> dict[str, str]:
    return {"campaign": name} if kind == "deployment" else {"team": name} if kind == "team" else {}


@upload_limit(_max_bytes)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a practice list and see what importing it would do; nothing is written here."""
    require_admin(request.user)
    kind = _kind(kind)
    if request.method == "GET":
        initial = {"group": request.GET.get("group", "")[:100]}
        return render(
            request, TEMPLATE, _context(kind, PracticeUploadForm(kind=kind, user=request.user, initial=initial))
        )
    form = PracticeUploadForm(request.POST, request.FILES, kind=kind, user=request.user)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(kind, form), status=400)
    upload = form.cleaned_data["file"]
    if upload.size > _max_bytes():  # a RefusedUpload: nothing of it was kept
        form.add_error("file", size_message(upload.size, _max_bytes()))
        return render(request, TEMPLATE, _context(kind, form), status=400)
    group = form.cleaned_data.get("group", "").strip()
    file_name = Path(upload.name).name[:200]
    token, stored, now = PENDING.start(request)
    try:
        save_upload(upload, stored, _max_bytes())
        result = practice_import(
            stored, kind=kind, file_name=file_name, actor=request.user, **_group_arguments(kind, group)
        )
    except ExcelFileError as exc:
        stored.unlink(missing_ok=True)
        form.add_error("file", exc.message)
        return render(request, TEMPLATE, _context(kind, form), status=400)
    if result.ok:
        PENDING.remember(request, token=token, name=file_name, at=now, kind=kind, group=group)
    else:
        stored.unlink(missing_ok=True)
    fresh = PracticeUploadForm(kind=kind, user=request.user, initial={"group": group})
    return render(request, TEMPLATE, _context(kind, fresh, result))


@require_POST
def import_confirm(request: HttpRequest, kind: str) -> HttpResponse:
    """Import the previewed file: read and checked again from the server's copy, written in one transaction."""
    require_admin(request.user)
    kind = _kind(kind)
    taken = PENDING.take(request)
    if taken is None or taken[0].get("kind") != kind:
        PENDING.forget(request)
        messages.error(request, _("The uploaded file is no longer available; please upload it again."))
        return redirect("practice:import_upload", kind=kind)
    pending, stored = taken
    group = str(pending.get("group") or "")
    try:
        result = practice_import(
            stored,
            kind=kind,
            file_name=pending["name"],
            actor=request.user,
            write=True,
            ip_address=client_ip(request),
            **_group_arguments(kind, group),
        )
    except ExcelFileError as exc:
        PENDING.forget(request)
        messages.error(request, exc.message)
        return redirect("practice:import_upload", kind=kind)
    PENDING.forget(request)
    if not result.written:
        form = PracticeUploadForm(kind=kind, user=request.user, initial={"group": group})
        return render(request, TEMPLATE, _context(kind, form, result), status=400)
    message = _("Imported %(file)s: %(created)s records created, %(updated)s updated, %(unchanged)s unchanged.") % {
        "file": result.file_name,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
    if result.created_group:
        message += " " + _("Created the %(what)s.") % {"what": result.created_group}
    messages.success(request, message)
    return redirect(_after_import(kind, group, request.user))


def _after_import(kind: str, group: str, user) -> str:
    """The records just imported: the campaign's or team's page, else the list of the kind (when the pages exist)."""
    try:
        if kind in ("deployment", "team"):
            model = Campaign if kind == "deployment" else Team
            found = model.objects.visible_to(user).filter(name=group).first()
            if found is not None:
                return found.get_absolute_url()
        else:
            return reverse(
                {"community": "practice:community_report_list", "secondment": "practice:secondment_list"}[kind]
            )
    except NoReverseMatch:
        pass
    return reverse("practice:import_upload", kwargs={"kind": kind})


@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The kind's template: a title row, the standard headers and one sample row."""
    require_admin(request.user)
    kind = _kind(kind)
    name = f"{TITLES[kind]}_{_('template')}.xlsx".replace("/", "、")
    return workbook_response(template_workbook(kind), name)


urlpatterns = [
    path("import/<str:kind>/", import_upload, name="import_upload"),
    path("import/<str:kind>/confirm/", import_confirm, name="import_confirm"),
    path("import/<str:kind>/template.xlsx", import_template, name="import_template"),
]
