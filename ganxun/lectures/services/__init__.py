"""The writes of 杨房课堂 · 月末讲坛, every one audited."""

from .calendar_table import calendar_day_delete, calendar_day_save, calendar_year_save
from .lecturers import lecturer_save
from .schedule import demo_lectures, lecture_update, schedule_generate, series_for_unit, snapshot

__all__ = [
    "calendar_day_delete",
    "calendar_day_save",
    "calendar_year_save",
    "demo_lectures",
    "lecture_update",
    "lecturer_save",
    "schedule_generate",
    "series_for_unit",
    "snapshot",
]
