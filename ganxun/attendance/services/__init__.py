"""Writes for the attendance app, one module per concern; import from here."""

from .attendance import (  # noqa: F401
    MISSED_SHARE_DENOMINATOR,
    activity_total_hours,
    attendance_set,
    completion,
    session_default_hours,
    sync_ledger,
)
from .checkin import (  # noqa: F401
    CheckinOutcome,
    CheckinPlan,
    CheckinRefused,
    Refusal,
    checkin_check_token,
    checkin_plan,
    checkin_record,
    checkin_session_for_token,
    checkin_window,
)
from .evaluations import EvaluationProblem, EvaluationRefused, evaluation_check, evaluation_submit  # noqa: F401
