"""The attendance sheet of a session: every enrolled cadre, present / absent / on leave, marked in bulk."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ganxun.roster.models import Cadre
from ganxun.roster.permissions import reaches_unit
from ganxun.training.models import AttendanceMethod, AttendanceStatus, Enrolment, Session

from ..models import Attendance
from ..services import attendance_set
from ..services.attendance import class_completion, class_missed_share
from .common import get_session

REASON_MAX = Attendance._meta.get_field("reason").max_length or 200


@dataclass
class SheetRow:
    enrolment: Enrolment
    attendance: Attendance | None
    completed: bool | None = None  # classes only: the 1/7 rule over the whole activity
    missed: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    unrecorded: int = 0  # sittings over without a row for the cadre: 未登记, counted as missed
    share: str = "1/7"

    @property
    def cadre(self) -> Cadre:
        return self.enrolment.cadre

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""

    @property
    def reason(self) -> str:
        return self.attendance.reason if self.attendance else ""


def sheet_rows(user, session: Session) -> list[SheetRow]:
    """The enrolled cadres the user may see, with their attendance of the session (a fixed number of queries)."""
    activity = session.activity
    enrolments = Enrolment.objects.filter(activity=activity).select_related("cadre", "section")
    # For an admin too: another unit's cadres enrolled in a district class are not this bureau's to read.
    enrolments = enrolments.filter(cadre__in=Cadre.objects.visible_to(user).values("pk"))
    listed = enrolments.values("cadre_id")
    rows = [SheetRow(e, None) for e in enrolments]
    by_cadre = {row.cadre.pk: row for row in rows}
    if not activity.kind.is_class:
        for attendance in Attendance.objects.filter(session=session, cadre__in=listed):
            by_cadre[attendance.cadre_id].attendance = attendance
        return rows
    prefetch_related_objects([activity], "sessions")
    history: dict[int, list[Attendance]] = defaultdict(list)
    for attendance in Attendance.objects.filter(session__activity=activity, cadre__in=listed).select_related("session"):
        history[attendance.cadre_id].append(attendance)
        if attendance.session_id == session.pk:
            by_cadre[attendance.cadre_id].attendance = attendance
    share = class_missed_share(activity)  # the year's rule, read once for the sheet
    now = timezone.now()
    for row in rows:
        result = class_completion(activity, history.get(row.cadre.pk, []), share=share, now=now)
        row.completed, row.missed, row.total = result.completed, result.missed, result.total
        row.unrecorded = len(result.unrecorded)
        row.share = f"{share.numerator}/{share.denominator}"
    return rows


def _changes(post: QueryDict, rows: list[SheetRow]) -> tuple[list[tuple[SheetRow, str, str]], list[str]]:
    """(row, status, reason) for every row the form changes, or the reasons the form cannot be saved."""
    statuses = set(AttendanceStatus.values)
    errors: list[str] = []
    wanted: list[tuple[SheetRow, str, str]] = []
    if post.get("action") == "bulk":
        status, reason = post.get("bulk_status", ""), post.get("bulk_reason", "").strip()
        chosen = {value for value in post.getlist("cadre") if value.isdigit()}
        selected = [row for row in rows if str(row.cadre.pk) in chosen]
        if status not in statuses:
            errors.append(_("Choose what to mark the selected cadres as."))
        if not selected:
            errors.append(_("Select the cadres to mark first."))
        if len(reason) > REASON_MAX:
            errors.append(_("The reason may be at most %(limit)s characters long.") % {"limit": REASON_MAX})
        wanted = [(row, status, reason) for row in selected]
    else:
        for row in rows:
            pk = row.cadre.pk
            status = post.get(f"status_{pk}", "")
            reason = post.get(f"reason_{pk}", "").strip()
            if not status:
                continue  # not recorded, and left so
            if status not in statuses:
                errors.append(
                    _("%(name)s: “%(value)s” is not an attendance.") % {"name": row.cadre.name, "value": status}
                )
            elif len(reason) > REASON_MAX:
                errors.append(
                    _("%(name)s: the reason may be at most %(limit)s characters long.")
                    % {"name": row.cadre.name, "limit": REASON_MAX}
                )
            else:
                wanted.append((row, status, reason))
    changes = [(row, status, reason) for row, status, reason in wanted if (row.status, row.reason) != (status, reason)]
    return changes, errors


def can_record(user, session: Session) -> bool:
    """Administrators of a unit that reaches the organising unit record attendance (no query for their own)."""
    return user.is_admin and reaches_unit(user, session.activity.unit_id)


def _context(session: Session, rows: list[SheetRow], user, **extra) -> dict:
    counts = {status: sum(1 for row in rows if row.status == status) for status in AttendanceStatus.values}
    return {
        "session": session,
        "activity": session.activity,
        "rows": rows,
        "counts": counts,
        "unrecorded": sum(1 for row in rows if not row.status),
        "not_completed": sum(1 for row in rows if row.completed is False),
        "is_class": session.activity.kind.is_class,
        "can_edit": can_record(user, session),
        "statuses": AttendanceStatus.choices,
        "reason_max": REASON_MAX,
        **extra,
    }


@require_http_methods(["GET", "POST"])
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Admins mark and correct attendance; a section head reads their own 科室's cadres."""
    user = request.user
    if not (user.is_admin or user.is_section_head) or (request.method == "POST" and not user.is_admin):
        raise PermissionDenied
    session = get_session(request, pk)
    if request.method == "POST" and not can_record(user, session):
        raise PermissionDenied  # another unit's activity: read here, recorded by its organisers
    rows = sheet_rows(user, session)
    if request.method == "POST":
        changes, errors = _changes(request.POST, rows)
        if errors:
            return render(
                request, "attendance/attendance_sheet.html", _context(session, rows, user, errors=errors), status=400
            )
        try:
            with transaction.atomic():
                for row, status, reason in changes:
                    try:
                        attendance_set(
                            actor=user,
                            session=session,
                            cadre=row.cadre,
                            status=status,
                            method=AttendanceMethod.MANUAL,
                            reason=reason,
                        )
                    except ValidationError as error:
                        raise ValidationError(f"{row.cadre.name}: {' '.join(error.messages)}") from error
        except ValidationError as error:  # e.g. the admin's own row: nothing of the form is saved
            return render(
                request,
                "attendance/attendance_sheet.html",
                _context(session, rows, user, errors=error.messages),
                status=400,
            )
        if changes:
            messages.success(request, _("Attendance saved: %(count)s changed.") % {"count": len(changes)})
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("attendance:attendance_sheet", pk=session.pk)
    return render(request, "attendance/attendance_sheet.html", _context(session, rows, user))
