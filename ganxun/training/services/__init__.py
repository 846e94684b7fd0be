"""Writes for the training app, one module per concern; import from here."""

from .attendance import (  # noqa: F401
    MAX_MISSED_SHARE,
    activity_total_hours,
    attendance_set,
    completion,
    session_default_hours,
    sync_ledger,
)
