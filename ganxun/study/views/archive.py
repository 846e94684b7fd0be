"""The years of the record and a year's archive: the page, the Word document, the zip of its attachments."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from ganxun.roster.models import Unit
from ganxun.training.models import Session

from ..archive import archive_units, year_archive
from ..bundle import entry_names, stream_zip
from ..models import SelfStudy, StudyPlan
from ..word import archive_docx
from .common import DOCX, YEARS_SHOWN, checked_year, require_reader, unit_of


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The years of the record, each with its sittings, plan topics and self-study, newest first."""
    require_reader(request.user)
    unit = unit_of(request)
    this = timezone.localdate().year
    years = list(range(this, this - YEARS_SHOWN, -1))
    sittings = dict(
        Session.objects.filter(activity__unit=unit, activity__kind__is_study_session=True, date__year__in=years)
        .values_list("date__year")
        .annotate(n=Count("pk"))
        .values_list("date__year", "n")
    )
    topics = dict(
        StudyPlan.objects.filter(unit=unit, year__in=years).annotate(n=Count("topics")).values_list("year", "n")
    )
    studies = dict(
        SelfStudy.objects.filter(cadre__unit=unit, start_date__year__in=years)
        .values_list("start_date__year")
        .annotate(n=Count("pk"))
        .values_list("start_date__year", "n")
    )
    rows = [(y, sittings.get(y, 0), topics.get(y), studies.get(y, 0)) for y in years]
    return render(
        request,
        "study/index.html",
        {"unit": unit, "units": _units_choice(request.user), "rows": rows, "is_admin": request.user.is_admin},
    )


def _units_choice(user) -> list[Unit]:
    """The units an administrator may switch to (none when there is only one)."""
    if not user.is_admin:
        return []
    units = list(archive_units(user)[:51])
    return units if len(units) > 1 else []


@require_GET
def archive(request: HttpRequest, year: int) -> HttpResponse:
    """A year's archive, printable: the plan, every sitting with its register and attendance, self-study."""
    require_reader(request.user)
    unit = unit_of(request)
    record = year_archive(unit, checked_year(year))
    query = f"?unit={unit.pk}" if request.GET.get("unit") else ""
    return render(
        request,
        "study/archive.html",
        {
            "archive": record,
            "unit": unit,
            "units": _units_choice(request.user),
            "year": year,
            "query": query,
            "is_admin": request.user.is_admin,
            "previous_year": year - 1,
            "next_year": year + 1,
            "attachment_count": len(record.files()),
        },
    )


@require_GET
def archive_docx_view(request: HttpRequest, year: int) -> HttpResponse:
    """The year's archive as one Word document in official layout."""
    require_reader(request.user)
    record = year_archive(unit_of(request), checked_year(year))
    response = HttpResponse(archive_docx(record), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"{record.title}.docx")
    return response


def _label(field_file, name: str) -> str:
    """A material's or record's own name, with the file's extension."""
    stored = field_file.name.rsplit("/", 1)[-1]
    extension = stored.rsplit(".", 1)[-1] if "." in stored else ""
    if extension and not name.lower().endswith(f".{extension.lower()}"):
        return f"{name}.{extension}"
    return name or stored


@require_GET
def archive_zip(request: HttpRequest, year: int) -> StreamingHttpResponse:
    """The year's attachments (materials and minutes of each sitting, the leaders' self-study), streamed."""
    require_reader(request.user)
    record = year_archive(unit_of(request), checked_year(year))
    files, labels = [], []
    for number, sitting in enumerate(record.sittings, start=1):
        folder = f"{number:02d}_{sitting.date:%Y-%m-%d}_{sitting.kind}"
        for material in sitting.materials:
            if material.file:
                files.append((folder, material.file))
                labels.append(_label(material.file, material.name))
    for leader in record.leaders:
        folder = f"领导干部自学_{leader.cadre.name}"
        for study in leader.records:
            if study.attachment:
                files.append((folder, study.attachment))
                labels.append(_label(study.attachment, f"{study.start_date:%Y-%m-%d}_{study.title}"))
    names = entry_names(files, labels)
    response = StreamingHttpResponse(
        stream_zip([(name, f) for name, (_folder, f) in zip(names, files, strict=True)]),
        content_type="application/zip",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{record.title}_附件.zip")
    return response
