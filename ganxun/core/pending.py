"""An uploaded workbook kept on the server between its preview and its confirmation.

The preview stores the file under VAR_DIR/imports with a random name and remembers it in the user's
session; the confirmation reads it back only for the same user, within the hour, and never trusts the
browser for anything but the wish to go ahead.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest

# An upload waits this long for its confirmation; older ones are swept away.
PENDING_SECONDS = 3600


class PendingUpload:
    """One kind of pending import (roster, attendance …): its session key and its files."""

    def __init__(self, session_key: str, file_prefix: str = "") -> None:
        self.session_key = session_key
        self.file_prefix = file_prefix

    def directory(self) -> Path:
        return Path(settings.VAR_DIR) / "imports"

    def path(self, token: str) -> Path:
        return self.directory() / f"{self.file_prefix}{token}.xlsx"

    def start(self, request: HttpRequest) -> tuple[str, Path, float]:
        """A fresh token and path for a new upload; this session's earlier one and stale files are dropped."""
        self.forget(request)
        now = time.time()
        for path in self.directory().glob(f"{self.file_prefix}*.xlsx"):
            try:
                if now - path.stat().st_mtime > PENDING_SECONDS:
                    path.unlink(missing_ok=True)
            except OSError:
                continue
        token = secrets.token_hex(16)
        return token, self.path(token), now

    def remember(self, request: HttpRequest, *, token: str, name: str, at: float, **extra: Any) -> None:
        request.session[self.session_key] = {"token": token, "name": name, "user": request.user.pk, "at": at, **extra}

    def forget(self, request: HttpRequest) -> None:
        """Drop the pending upload of this session, file and all."""
        pending = request.session.pop(self.session_key, None)
        if isinstance(pending, dict) and str(pending.get("token", "")).isalnum():
            self.path(pending["token"]).unlink(missing_ok=True)

    def take(self, request: HttpRequest) -> tuple[dict[str, Any], Path] | None:
        """The pending upload and its file, if it is this user's, fresh and still there; else forgotten."""
        pending = request.session.get(self.session_key)
        token = str(pending.get("token", "")) if isinstance(pending, dict) else ""
        if (
            token.isalnum()
            and pending.get("user") == request.user.pk
            and time.time() - float(pending.get("at", 0)) <= PENDING_SECONDS
            and self.path(token).is_file()
        ):
            return pending, self.path(token)
        self.forget(request)
        return None
