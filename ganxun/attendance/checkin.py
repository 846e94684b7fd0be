"""The rotating QR token of a session's check-in: a signed (session, time window) pair.

The projector screen shows the token of the current window; a phone scanning it has until the end of
the next window to arrive.  The signature covers the session id, so a token cannot be bent to another
session, and nothing about it is stored: any application server can check any token.

The confirm page carries a scan stamp: a signed (session, user, moment of the scan) triple, so that pressing
the button after the code has changed still counts the scan as made in time, without the server writing
anything down when the page is opened.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core import signing

SALT = "ganxun.training.checkin"
STAMP_SALT = "ganxun.training.checkin.scan"


class TokenProblem(StrEnum):
    FORGED = "forged"  # not signed by us, garbled or cut short
    EXPIRED = "expired"  # ours, but its window has passed
    OTHER_SESSION = "other_session"  # ours and current, but for another session


class TokenError(Exception):
    def __init__(self, problem: TokenProblem):
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Token:
    session_id: int
    window: int


def clock() -> float:
    """Seconds since the epoch; tests replace it."""
    return time.time()


def window_seconds() -> int:
    return max(int(settings.GANXUN.get("CHECKIN_TOKEN_SECONDS", 45)), 1)


def window_at(at: float | None = None) -> int:
    """The number of the time window ``at`` (default now) falls in."""
    return int((clock() if at is None else at) // window_seconds())


def seconds_left(at: float | None = None) -> int:
    """Seconds until the screen's token changes."""
    now = clock() if at is None else at
    return int(window_seconds() - now % window_seconds())


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def make_token(session_id: int, at: float | None = None) -> str:
    """The token for this session in the window ``at`` falls in: ``<session>.<window>:<signature>``.

    Kept short so that the QR code stays coarse enough to scan from the back of a room.
    """
    return _signer().sign(f"{int(session_id)}.{window_at(at)}")


def unsign_token(token: str) -> Token:
    """What a token says, if we signed it, whatever its age."""
    try:
        value = _signer().unsign(token)
        session_part, window_part = value.split(".")
        return Token(int(session_part), int(window_part))
    except (signing.BadSignature, ValueError):
        raise TokenError(TokenProblem.FORGED) from None


def read_token(token: str, at: float | None = None) -> Token:
    """The session a token is for, if it is ours and of the current or the previous window."""
    parsed = unsign_token(token)
    if window_at(at) - parsed.window not in (0, 1):
        raise TokenError(TokenProblem.EXPIRED)
    return parsed


def check_token(token: str, session_id: int, at: float | None = None) -> Token:
    """``read_token`` for a known session: a valid token of another session is refused too."""
    parsed = read_token(token, at)
    if parsed.session_id != session_id:
        raise TokenError(TokenProblem.OTHER_SESSION)
    return parsed


def make_scan_stamp(session_id: int, user_id: int, scanned: float) -> str:
    """A stamp saying that this user scanned a valid code of this session at ``scanned`` (epoch seconds)."""
    return signing.Signer(salt=STAMP_SALT).sign(f"{int(session_id)}.{int(user_id)}.{round(scanned * 1000)}")


def read_scan_stamp(stamp: str, session_id: int, user_id: int, *, at: float, grace: float) -> float | None:
    """When the scan was, if the stamp is ours, for this session and user, and not older than ``grace`` seconds."""
    try:
        session_part, user_part, scanned_part = signing.Signer(salt=STAMP_SALT).unsign(stamp).split(".")
        session, user, scanned = int(session_part), int(user_part), int(scanned_part) / 1000
    except (signing.BadSignature, ValueError):
        return None
    if (session, user) != (session_id, user_id) or not 0 <= at - scanned < grace:
        return None
    return scanned
