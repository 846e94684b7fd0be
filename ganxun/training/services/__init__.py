"""Writes for the training app, one module per concern; import from here."""

from .activities import (  # noqa: F401
    MATERIAL_MAX_BYTES,
    EnrolmentResult,
    activity_create,
    activity_update,
    enrol_audience,
    kind_create,
    kind_update,
    lecturer_add,
    lecturer_remove,
    lecturer_set_sessions,
    material_add,
    material_remove,
    session_create,
    session_delete,
    session_update,
    topic_create,
    topic_update,
    unenrol,
)
from .attendance import (  # noqa: F401
    MISSED_SHARE_DENOMINATOR,
    Completion,
    activity_total_hours,
    attendance_set,
    class_completion,
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
from .lectures import lecture_credit, lecture_credit_sync, lecture_hours  # noqa: F401
