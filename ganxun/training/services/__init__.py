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
    material_add,
    material_remove,
    session_create,
    session_delete,
    session_update,
    topic_create,
    topic_update,
    unenrol,
)
from .lectures import lecture_credit, lecture_credit_sync, lecture_hours  # noqa: F401
