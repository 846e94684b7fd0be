"""What the study pages share: who may read, the year and the unit a page is about."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from ganxun.core.params import query_id
from ganxun.hours.models import EARLIEST_DATE, LATEST_DATE
from ganxun.roster.models import Unit

from ..archive import archive_units, default_unit
from ..models import may_read_archive

PAGE_SIZE = 30
YEARS_SHOWN = 6
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def require_reader(user) -> None:
    """Administrators and 领导干部; anyone else is refused before anything is looked up."""
    if not may_read_archive(user):
        raise PermissionDenied


def checked_year(year: int) -> int:
    """A year the dates of the system can hold, else 404."""
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise Http404
    return year


def unit_of(request: HttpRequest) -> Unit:
    """The unit whose archive is shown: ``?unit=`` among those the user may open, else their own."""
    unit_id = query_id(request.GET, "unit")
    if unit_id is not None:
        return get_object_or_404(archive_units(request.user), pk=unit_id)
    return default_unit(request.user)
