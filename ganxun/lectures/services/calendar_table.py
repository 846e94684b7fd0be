"""The administrator's working-day table: days and years, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from ..models import CalendarDay, CalendarYear
from .common import snapshot


@transaction.atomic
def calendar_day_save(*, actor, day: CalendarDay, before: dict[str, Any] | None = None) -> CalendarDay:
    """Enter or correct a holiday or make-up workday; the day's year gets its (incomplete) table row."""
    creating = day.pk is None
    day.full_clean()
    day.save()
    CalendarYear.objects.get_or_create(year=day.date.year)
    if creating:
        audit_record(actor=actor, action=Action.CREATE, obj=day, after=snapshot(day))
    else:
        audit_record(actor=actor, action=Action.UPDATE, obj=day, before=before or {}, after=snapshot(day))
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    audit_record(actor=actor, action=Action.DELETE, obj=day, before=snapshot(day))
    day.delete()


@transaction.atomic
def calendar_year_save(*, actor, year: int, complete: bool, note: str = "") -> CalendarYear:
    """Mark a year's table complete (its working days are then known) or not."""
    row, created = CalendarYear.objects.get_or_create(year=year)
    before = snapshot(row)
    row.complete, row.note = complete, note or row.note
    row.full_clean()
    row.save()
    audit_record(
        actor=actor, action=Action.CREATE if created else Action.UPDATE, obj=row, before=before, after=snapshot(row)
    )
    return row
