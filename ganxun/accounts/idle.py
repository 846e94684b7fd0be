"""The idle timeout, kept without writing the session: a signed last-seen cookie renewed on every response.

Saving the session on every request (Django's SESSION_SAVE_EVERY_REQUEST) made every page view a database
write; on SQLite those queued behind a long import and failed.  Instead the browser holds the time of its last
request, signed with SECRET_KEY and bound to its session, so it can be neither forged nor carried to another
session.  A session whose last request is SESSION_IDLE_SECONDS old or older, or whose login is
SESSION_MAX_SECONDS old or older, is logged out on its next request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

SEEN_COOKIE = "ganxun_seen"
# Set at login (ganxun/accounts/signals.py), with the login itself, which writes the session anyway.
LOGIN_AT_KEY = "_ganxun_login_at"


def now_ms() -> int:
    return int(timezone.now().timestamp() * 1000)


def _signer(session_key: str) -> signing.Signer:
    return signing.Signer(salt=f"ganxun.accounts.idle:{session_key}")


def seen_cookie_value(session_key: str, at_ms: int) -> str:
    return _signer(session_key).sign(str(at_ms))


def last_seen_ms(request: HttpRequest) -> int | None:
    """The last request's time from the cookie, or None when it is missing, forged or from another session."""
    value = request.COOKIES.get(SEEN_COOKIE)
    key = request.session.session_key
    if not value or not key:
        return None
    try:
        return int(_signer(key).unsign(value))
    except (signing.BadSignature, ValueError):
        return None


def session_timed_out(request: HttpRequest, at_ms: int) -> str | None:
    """Why the session is over, or None: "idle" for the whole idle window, "maximum" for the whole maximum
    length since login (each bound itself counts as over), "unknown" without a login time."""
    login_at = request.session.get(LOGIN_AT_KEY)
    if not isinstance(login_at, int):
        return "unknown"  # a session from before this clock, or not made by login(): start again
    if at_ms - login_at >= settings.SESSION_MAX_SECONDS * 1000:
        return "maximum"
    seen = max(last_seen_ms(request) or login_at, login_at)
    if at_ms - seen >= settings.SESSION_IDLE_SECONDS * 1000:
        return "idle"
    return None


def _ended_message(reason: str) -> str:
    if reason == "unknown":
        return _("Your session has expired. Please log in again.")
    if reason == "maximum":
        return _("You have been logged in for %(hours)d hours: please log in again.") % {
            "hours": max(1, round(settings.SESSION_MAX_SECONDS / 3600))
        }
    return _("You were logged out after %(minutes)d minutes without activity. Please log in again.") % {
        "minutes": max(1, round(settings.SESSION_IDLE_SECONDS / 60))
    }


class IdleTimeoutMiddleware:
    """Log out a timed-out session before the view runs; renew the last-seen cookie on every signed-in answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        at = now_ms()
        reason = session_timed_out(request, at) if request.user.is_authenticated else None
        if reason is not None:
            request.ganxun_idle_timeout = True  # type: ignore[attr-defined]  (the logout audit says why)
            logout(request)
            messages.info(request, _ended_message(reason))
        response = self.get_response(request)
        # The user may have logged in or out in the view: look again.
        if request.user.is_authenticated and request.session.session_key:
            response.set_cookie(
                SEEN_COOKIE,
                seen_cookie_value(request.session.session_key, at),
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        elif SEEN_COOKIE in request.COOKIES:
            response.delete_cookie(
                SEEN_COOKIE,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response
