"""The cadre's own pages: 我的学习 (phone first) and the training archive (干部教育培训档案, printable)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ganxun.roster.models import Cadre

from .. import hooks
from ..hooks import learning_parts
from ..models import MAX_CYCLE_YEARS, MAX_MAKEUP_YEARS, Bucket, EntryStatus, LedgerEntry, Source
from ..queries import ZERO, CadreCompliance, cadre_years

MY_REPORTS = 20
PENDING_STATUSES = frozenset({EntryStatus.PENDING, EntryStatus.SECTION_APPROVED})
# Reports sent back to the cadre to correct and submit again.  The status comes with the batch review of
# issue 6; until it is there, nothing is waiting for the cadre's hand.
RETURNED_STATUSES = frozenset({EntryStatus.RETURNED}) if hasattr(EntryStatus, "RETURNED") else frozenset()


@require_GET
def my_learning(request: HttpRequest) -> HttpResponse:
    """This year's 学时 against the requirements, what is coming up, what to evaluate, and self-reports."""
    user = request.user
    if user.cadre_id is None:
        return render(request, "hours/my_learning.html", {"no_cadre": True})
    cadre = get_object_or_404(Cadre.objects.visible_to(user).select_related("section"), pk=user.cadre_id)
    today, now = timezone.localdate(), timezone.now()
    # From the cycle's first year back (a cycle is at most MAX_CYCLE_YEARS long, its make-up window beyond it).
    first_year = today.year - MAX_CYCLE_YEARS - MAX_MAKEUP_YEARS + 1
    entries = list(
        LedgerEntry.objects.filter(
            cadre=cadre, date__gte=dt.date(first_year - 1, 1, 1), date__lt=dt.date(today.year + 1, 1, 1)
        )
    )
    standing = cadre_years(cadre, entries, [today.year], as_of=today)[today.year]
    reports = list(
        LedgerEntry.objects.filter(cadre=cadre, source=Source.SELF_REPORT).order_by("-created_at", "-pk")[:MY_REPORTS]
    )
    waiting = LedgerEntry.objects.filter(
        cadre=cadre, source=Source.SELF_REPORT, status__in=PENDING_STATUSES | RETURNED_STATUSES
    ).values_list("status", flat=True)
    waiting_statuses = list(waiting)
    context = {
        "cadre": cadre,
        "year": today.year,
        "today": today,
        "standing": standing,
        "pending_hours": sum(
            (e.hours for e in entries if e.date.year == today.year and e.status in PENDING_STATUSES), ZERO
        ),
        "reports": reports,
        "reports_in_review": sum(status in PENDING_STATUSES for status in waiting_statuses),
        "reports_returned": sum(status in RETURNED_STATUSES for status in waiting_statuses),
    }
    context.update(learning_parts.collect(cadre, today, now))  # the sessions: see hooks.py
    return render(request, "hours/my_learning.html", context)


@dataclasses.dataclass
class ArchiveRow:
    """One line of the archive: the sessions of one activity together, or one outside class, report or lecture."""

    title: str
    source: str
    bucket: str
    status: str
    entries: list[LedgerEntry]
    sessions: int | None = None  # only for the sessions of an activity, counted together
    url: str | None = None  # the record behind the line: the activity of its sessions, the class, the report …

    @property
    def session_links(self) -> list[tuple[dt.date, str | None]]:
        """(date, page) of each session of an activity's line."""
        if self.sessions is None:
            return []
        return [(entry.date, entry.source_url()) for entry in self.entries]

    @property
    def first(self) -> dt.date:
        return self.entries[0].date

    @property
    def last(self) -> dt.date:
        return self.entries[-1].date

    @property
    def hours(self) -> Decimal:
        return sum((entry.hours for entry in self.entries), ZERO)

    @property
    def entry(self) -> LedgerEntry:
        """The entry of a row that stands for one (its evidence, its reason)."""
        return self.entries[0]

    def get_status_display(self) -> str:
        return str(EntryStatus(self.status).label)


# Records whose page only administrators open: the archive links them for administrators only.
ADMIN_ONLY_SOURCES = frozenset({Source.OUTSIDE_CLASS})


def archive_rows(
    entries: list[LedgerEntry], activities: dict[int, tuple[int, str]], admin: bool = True
) -> list[ArchiveRow]:
    """Entries (in date order) as archive lines: a session attended joins the other sessions of its activity.

    ``activities`` maps a session id to its activity (id, title).  Outside classes, self-reports, lectures
    and online records are one line each; so is a session whose record is gone.  Each line links to the
    record behind it (``LedgerEntry.source_url``), an activity's line to the activity and each of its sessions.
    """
    rows: dict[tuple, ArchiveRow] = {}
    for entry in entries:
        activity = activities.get(entry.source_id) if entry.source == Source.SESSION else None
        if activity is not None:
            key: tuple = ("activity", activity[0], entry.bucket, entry.status)
            title, counted = activity[1], True
            url = reverse("training:activity_detail", args=[activity[0]])
        else:
            key, title, counted = ("entry", entry.pk), entry.title, False
            url = entry.source_url() if admin or entry.source not in ADMIN_ONLY_SOURCES else None
        row = rows.get(key)
        if row is None:
            row = rows[key] = ArchiveRow(
                title,
                entry.get_source_display(),
                entry.get_bucket_display(),
                entry.status,
                [],
                0 if counted else None,
                url,
            )
        row.entries.append(entry)
        if counted:
            row.sessions = (row.sessions or 0) + 1
    return sorted(rows.values(), key=lambda row: (row.first, row.last, row.title))


@dataclasses.dataclass
class ArchiveYear:
    """One year of the archive: its lines, totals per category and how the cadre stands."""

    year: int
    entries: list[LedgerEntry]
    confirmed: dict[str, Decimal]
    standing: CadreCompliance
    activities: dataclasses.InitVar[dict[int, tuple[int, str]]]
    admin: dataclasses.InitVar[bool] = True
    counted: list[ArchiveRow] = dataclasses.field(init=False)
    pending: list[ArchiveRow] = dataclasses.field(init=False)
    rejected: list[LedgerEntry] = dataclasses.field(init=False)
    sections: list[dict] = dataclasses.field(default_factory=list)  # the apps' own parts (hooks.archive_parts)

    def __post_init__(self, activities: dict[int, tuple[int, str]], admin: bool) -> None:
        # Printed: what counts, then what waits for review, marked so; a rejected entry is never printed.
        confirmed = [e for e in self.entries if e.status == EntryStatus.CONFIRMED]
        self.counted = archive_rows(confirmed, activities, admin)
        self.pending = archive_rows([e for e in self.entries if e.status in PENDING_STATUSES], activities, admin)
        self.rejected = [e for e in self.entries if e.status == EntryStatus.REJECTED]

    def totals(self) -> list[tuple[str, Decimal, Decimal]]:
        """(category, confirmed 学时, 学时 that count after the yearly cap) for the categories with hours."""
        counted = self.standing.buckets
        return [
            (str(Bucket(b).label), self.confirmed.get(b, ZERO), counted.get(b, ZERO))
            for b in Bucket.values
            if self.confirmed.get(b) or counted.get(b)
        ]

    @property
    def confirmed_total(self) -> Decimal:
        return sum(self.confirmed.values(), ZERO)


def session_activities(entries: list[LedgerEntry]) -> dict[int, tuple[int, str]]:
    """{session id: (activity id, activity title)} for the sessions the entries were counted from (one query)."""
    ids = {e.source_id for e in entries if e.source == Source.SESSION and e.source_id is not None}
    if not ids:
        return {}
    return hooks.session_activities(ids)


@require_GET
def cadre_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """干部教育培训档案: per year, one line per activity with its sessions and 学时; ?year= for one year (to print)."""
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("section"), pk=pk)
    entries = list(LedgerEntry.objects.filter(cadre=cadre).order_by("date", "pk"))
    today = timezone.localdate()
    years = sorted({e.date.year for e in entries} | {today.year}, reverse=True)
    chosen = request.GET.get("year", "")
    shown = [int(chosen)] if chosen.isascii() and chosen.isdigit() and int(chosen) in years else years
    standings = cadre_years(cadre, entries, shown, as_of=today)
    activities = session_activities([e for e in entries if e.date.year in shown])
    archive = []
    parts = [part(cadre, shown, request.user) for part in hooks.archive_parts]  # see hooks.py
    for year in shown:
        in_year = [e for e in entries if e.date.year == year]
        confirmed: dict[str, Decimal] = {}
        for entry in in_year:
            if entry.status == EntryStatus.CONFIRMED:
                confirmed[entry.bucket] = confirmed.get(entry.bucket, ZERO) + entry.hours
        standing = standings[year]
        item = ArchiveYear(year, in_year, confirmed, standing, activities, request.user.is_admin)
        item.sections = [part[year] for part in parts if part.get(year)]
        archive.append(item)
    context = {
        "cadre": cadre,
        "archive": archive,
        "years": years,
        "chosen": shown[0] if len(shown) == 1 else None,
        "printed_on": today,
        "is_own": request.user.cadre_id == cadre.pk,
    }
    return render(request, "hours/cadre_archive.html", context)


@require_GET
def entry_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, only to those who may see the cadre; never from a public URL."""
    entry = get_object_or_404(
        LedgerEntry.objects.visible_to(request.user).exclude(evidence_file="").select_related("cadre"), pk=pk
    )
    try:
        handle = entry.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the server.")) from None
    suffix = entry.evidence_file.name.rsplit(".", 1)[-1].lower()
    filename = _("Evidence %(date)s %(name)s.%(suffix)s") % {
        "date": entry.date.isoformat(),
        "name": entry.cadre.name,
        "suffix": suffix,
    }
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
