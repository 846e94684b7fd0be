"""What every practice service shares: who may write, the cadre's attribution on a date, snapshots, dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone, translation

from ganxun.hours.models import EARLIEST_DATE, date_range_error, latest_date
from ganxun.hours.services import is_own, own_hours_message
from ganxun.hours.totals import attribution
from ganxun.roster.models import Cadre

# A secondment may be planned further ahead than a year (援疆 runs up to three): its planned end up to this.
PLANNED_YEARS_AHEAD = 4


def stored_language():
    """Texts stored in rows (ledger titles) are Chinese whatever language is active (a command runs without one)."""
    return translation.override(settings.LANGUAGE_CODE)


def is_system(actor) -> bool:
    """A command or the demo loader writes without an account (``actor`` None): nothing to check."""
    return actor is None or not getattr(actor, "is_authenticated", False)


def require_admin(actor) -> None:
    if is_system(actor):
        return
    if not (actor.is_active and actor.is_admin):
        raise PermissionDenied


def require_cadre_reach(actor, cadre: Cadre) -> None:
    """An administrator enters records of the cadres of the units their role reaches, a 科室负责人 those of their
    科室; anyone else nothing."""
    if is_system(actor):
        return
    if not Cadre.objects.editable_by(actor).filter(pk=cadre.pk).exists():
        raise PermissionDenied


def require_record_reach(actor, record: models.Model) -> None:
    """The record (as stored) must be one the actor may change."""
    if is_system(actor):
        return
    if not type(record).objects.editable_by(actor).filter(pk=record.pk).exists():
        raise PermissionDenied


def refuse_own_record(actor, cadre: Cadre, field: str = "cadre") -> None:
    """Nobody enters hours for themself (a record that counts 学时 is one)."""
    if not is_system(actor) and is_own(actor, cadre.pk):
        raise ValidationError({field: ValidationError(own_hours_message(), code="own_hours")})


def attribute(record: models.Model, day: dt.date) -> None:
    """Set the record's ``unit`` and ``section``: the cadre's on ``day`` (before the first period, the first), as
    the ledger attributes an entry (``hours.totals.attribution``)."""
    unit_id, section_id = attribution(record.cadre_id, day)
    record.unit_id, record.section_id = unit_id, section_id


def check_dates(record: models.Model, names: tuple[str, ...], *, far: tuple[str, ...] = ()) -> None:
    """Each date from 1950 to a year ahead (those in ``far``: up to PLANNED_YEARS_AHEAD years ahead)."""
    errors = {}
    today = timezone.localdate()
    for name in names:
        value = getattr(record, name)
        if value is None:
            continue
        latest = latest_date(today)
        if name in far:
            latest = today.replace(year=today.year + PLANNED_YEARS_AHEAD, day=min(today.day, 28))
        label = str(record._meta.get_field(name).verbose_name)
        if message := date_range_error(value, label, EARLIEST_DATE, latest):
            errors[name] = message
    if errors:
        raise ValidationError(errors)


def display(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return str(value) if not isinstance(value, (bool, int)) else value


def snapshot(record: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    """What the audit trail keeps of a record: the named fields, choices as their labels, rows by name."""
    values = {}
    for name in names:
        field = record._meta.get_field(name)
        if field.choices and not field.is_relation:
            values[name] = str(getattr(record, f"get_{name}_display")())
        elif field.is_relation:
            values[name] = display(getattr(record, name))
        else:
            values[name] = display(getattr(record, name))
    return values


def assign(record: models.Model, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)
