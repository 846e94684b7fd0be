"""Writes of the 微课堂: courses and lessons (audited), assignment by audience, and progress by heartbeat."""

from .courses import (  # noqa: F401
    AssignmentResult,
    assign_audience,
    course_create,
    course_delete,
    course_update,
    lesson_create,
    lesson_delete,
    lesson_update,
    recording_publish,
)
from .progress import (  # noqa: F401
    Beat,
    heartbeat,
    heartbeat_settings,
    progress_count_hours,
    viewing_start,
)
