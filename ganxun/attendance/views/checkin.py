"""QR check-in: the projector screen with the rotating code, and the phone page the code opens."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ganxun.audit.models import Action
from ganxun.core.access import require_admin
from ganxun.core.middleware import client_ip
from ganxun.training.models import AttendanceStatus, Enrolment, Session

from .. import checkin as tokens
from ..models import Attendance
from ..services.checkin import (
    CheckinRefused,
    Refusal,
    checkin_check_token,
    checkin_plan,
    checkin_record,
    checkin_refusal_record,
    checkin_refusals,
    checkin_session_for_token,
    checkin_window,
)
from .common import get_session

# The sessions whose code this browser scanned before logging in: {session id: when}.  Logging in on a
# phone takes longer than a code lives, so a scan remembered here still counts for a while.  A phone already
# logged in writes nothing when it scans: the confirm form carries a signed scan stamp instead.
SCANS_KEY = "checkin_scans"
SCAN_FIELD = "scan"
REMEMBERED_SCANS = 5
RECENT_NAMES = 8


def _scan_grace() -> int:
    return int(settings.GANXUN.get("CHECKIN_SCAN_GRACE_SECONDS", 600))


def _remember_scan(request: HttpRequest, session_id: int, at: float) -> None:
    scans = {k: v for k, v in request.session.get(SCANS_KEY, {}).items() if at - v < _scan_grace()}
    scans.setdefault(str(session_id), at)
    request.session[SCANS_KEY] = dict(sorted(scans.items(), key=lambda kv: kv[1])[-REMEMBERED_SCANS:])


def _remembered_scan(request: HttpRequest, session_id: int, at: float) -> float | None:
    """When this phone scanned a code of the session in time: the confirm form's stamp, or the scan before login."""
    stamp = request.POST.get(SCAN_FIELD, "") if request.method == "POST" else ""
    if stamp:
        scanned = tokens.read_scan_stamp(stamp, session_id, request.user.pk, at=at, grace=_scan_grace())
        if scanned is not None:
            return scanned
    scanned = request.session.get(SCANS_KEY, {}).get(str(session_id))
    if isinstance(scanned, int | float) and 0 <= at - scanned < _scan_grace():
        return float(scanned)
    return None


def _scanned_session(request: HttpRequest, token: str, at: float) -> tuple[Session, float]:
    """The session of the token and when it was scanned: now, or earlier if the code has expired since."""
    try:
        return checkin_session_for_token(token, at=at), at
    except CheckinRefused as refusal:
        if refusal.reason != Refusal.EXPIRED or refusal.session is None:
            raise
        scanned = _remembered_scan(request, refusal.session.pk, at)
        if scanned is None:
            raise
        return refusal.session, scanned


def _log_refusal(request: HttpRequest, refusal: CheckinRefused) -> None:
    checkin_refusal_record(
        user=request.user, reason=refusal.reason, session=refusal.session, ip_address=client_ip(request)
    )


def _posted_session(request: HttpRequest, token: str, session: Session, at: float) -> None:
    """Refuse a form that does not name the token's session."""
    posted = _int(request.POST.get("session"))
    if posted == session.pk:
        return
    target = None if posted is None else Session.objects.select_related("activity").filter(pk=posted).first()
    if target is None:
        raise CheckinRefused(
            Refusal.FORGED, _("The check-in form was incomplete. Please scan the code again."), session
        )
    checkin_check_token(token, session=target, at=at)


def _moment(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The page a scanned code opens: confirm with a button (GET never checks in), or read why not.

    Every refusal is logged for the admins; nothing else is written unless the cadre confirms.
    """
    at = tokens.clock()
    if not request.user.is_authenticated:
        # Remember the scan before the login page, so that the time spent logging in does not expire it.
        try:
            session = checkin_session_for_token(token, at=at)
        except CheckinRefused as refusal:
            _log_refusal(request, refusal)
        else:
            _remember_scan(request, session.pk, at)
        return redirect_to_login(request.get_full_path())
    context: dict = {"token": token}
    try:
        session, scanned = _scanned_session(request, token, at)
        context["session"] = session
        if request.method == "POST":
            _posted_session(request, token, session, at)
            outcome = checkin_record(user=request.user, session=session, at=_moment(scanned))
            context.update(attendance=outcome.attendance, already=outcome.already, walk_in=outcome.walk_in, done=True)
            return render(request, "attendance/checkin_phone.html", context)
        plan = checkin_plan(user=request.user, session=session, at=_moment(scanned))
        context.update(plan=plan, attendance=plan.attendance if plan.already else None, already=plan.already)
        context["scan"] = tokens.make_scan_stamp(session.pk, request.user.pk, scanned)
    except CheckinRefused as refusal:
        _log_refusal(request, refusal)
        if refusal.session is not None:  # the session the code names: the cadre sees which one was refused
            context.setdefault("session", refusal.session)
        context["refusal"] = refusal
        return render(
            request, "attendance/checkin_phone.html", context, status=400 if request.method == "POST" else 200
        )
    return render(request, "attendance/checkin_phone.html", context)


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _qr_svg(url: str) -> str:
    """The code as inline SVG (no script, no external image): black on white, sized by CSS."""
    code = segno.make(url, error="m")
    return code.svg_inline(scale=1, border=4, omitsize=True, svgclass="checkin-qr", title=_("Check-in QR code"))


def _screen_context(request: HttpRequest, session: Session) -> dict:
    at = tokens.clock()
    token = tokens.make_token(session.pk, at)
    path = reverse("attendance:checkin", args=[token])
    base = settings.GANXUN.get("PUBLIC_BASE_URL", "")
    url = base + path if base else request.build_absolute_uri(path)
    enrolled = Enrolment.objects.filter(activity_id=session.activity_id).count()
    present = Attendance.objects.filter(session=session, status=AttendanceStatus.PRESENT)
    recent = list(present.order_by("-checked_in_at", "-pk").values_list("cadre__name", flat=True)[:RECENT_NAMES])
    opens, closes = checkin_window(session)
    now = _moment(at)
    # The audit list's search matches the events' object, the session as it was named when refused.
    label = str(session)
    refusals_query = urlencode({"action": Action.CHECKIN_REFUSED, "q": label if len(label) <= 100 else session.pk})
    return {
        "session": session,
        "activity": session.activity,
        "qr_svg": _qr_svg(url),
        "checkin_url": url,
        "present": present.count(),
        "enrolled": enrolled,
        "recent": recent,
        "opens": opens,
        "closes": closes,
        "not_yet_open": now < opens,
        "closed": now > closes,
        "refresh_seconds": 5,
        "seconds_left": tokens.seconds_left(at),
        "refusals": checkin_refusals(session),
        "refusals_url": f"{reverse('audit:event_list')}?{refusals_query}",
    }


@never_cache
@require_GET
def checkin_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """For the projector: the session's rotating code and the count of those checked in, refreshed by HTMX."""
    require_admin(request.user)
    session = get_session(request, pk)
    context = _screen_context(request, session)
    if request.htmx:
        return render(request, "attendance/checkin_screen.html#live", context)
    return render(request, "attendance/checkin_screen.html", context)
