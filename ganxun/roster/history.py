"""Periods of service (任职经历): the dated writes of a cadre's 科室 (and so unit), post, rank, leadership level and
status.

The rules (docs/architecture.md, "History"):

- A cadre's periods follow one another without gap or overlap: each ``valid_to`` is the next one's
  ``valid_from`` (exclusive end), the latest one's is empty, and the cadre's own columns repeat the latest period.
- A change effective on a day splits the period in force that day (or rewrites it when it starts that day). A
  change dated before the first period applies from the first period's start: there is no record before it.
- When later periods exist, a changed field is carried forward through the later periods that held the same
  value as the period in force on the effective day, and stops at the first one that holds another value: a
  retroactive correction of the rank never wipes a later promotion.
- Two neighbouring periods left with the same facts are one period (the earlier one is kept, with its note).
- Every write sends ``roster.signals.periods_changed`` inside its transaction.

``plan_change`` is the rule on periods held in memory; ``apply_change`` writes it for one cadre (the roster import
writes the same plan in bulk); ``cadre_change`` adds the audit record and the signal. ``period_correct`` and
``period_delete`` let an administrator put right a period entered wrongly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from .models import EARLIEST_DATE, PERIOD_FIELDS, Cadre, CadrePeriod, Section, Status
from .signals import periods_changed

# What a change may set, by the names the services take; the unit always follows the 科室.
DATED_FIELDS = ("section", "post", "rank", "leadership_level", "status")
# The period columns a change compares: the 科室 and its unit move together, so "section_id" stands for both.
_KEYS = ("section_id", "post", "rank", "leadership_level", "status")


def latest_effective_date() -> dt.date:
    """A change may take effect at the latest today: the cadre's columns repeat the latest period, which is today's."""
    return timezone.localdate()


def effective_error(effective: dt.date | None) -> str | None:
    """The message for an effective date outside what a record can hold, or None."""
    latest = latest_effective_date()
    if effective is None or not (EARLIEST_DATE <= effective <= latest):
        return _("Enter an effective date between %(earliest)s and %(latest)s.") % {
            "earliest": EARLIEST_DATE.isoformat(),
            "latest": latest.isoformat(),
        }
    return None


def check_effective(effective: dt.date | None, field_name: str = "effective") -> dt.date:
    message = effective_error(effective)
    if message:
        raise ValidationError({field_name: message})
    return effective  # type: ignore[return-value]


def facts(period: CadrePeriod) -> tuple:
    return tuple(getattr(period, name) for name in PERIOD_FIELDS)


@dataclass
class Plan:
    """What a change does to one cadre's periods (held in memory, in date order)."""

    periods: list[CadrePeriod]  # the periods after the change
    start: dt.date | None = None  # the day the change takes effect (None: nothing changes)
    before: dict[str, Any] = field(default_factory=dict)  # key -> value in force on ``start`` before
    after: dict[str, Any] = field(default_factory=dict)
    inserted: list[CadrePeriod] = field(default_factory=list)
    updated: dict[int, set[str]] = field(default_factory=dict)  # pk -> the columns rewritten
    deleted: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.start is not None

    @property
    def latest(self) -> CadrePeriod:
        return self.periods[-1]


def normalise(changes: dict[str, Any]) -> dict[str, Any]:
    """{"section": Section | id, "post": …} -> {"section_id": (section_id, unit_id), "post": …}."""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name in ("section", "section_id"):
            section = value if isinstance(value, Section) else Section.objects.only("pk", "unit_id").get(pk=value)
            values["section_id"] = (section.pk, section.unit_id)
        elif name in DATED_FIELDS:
            values[name] = value or ""
        else:
            raise TypeError(f"not a dated field: {name!r}")
    return values


def _get(period: CadrePeriod, key: str) -> Any:
    return (period.section_id, period.unit_id) if key == "section_id" else getattr(period, key)


def _set(period: CadrePeriod, key: str, value: Any) -> set[str]:
    if key == "section_id":
        period.section_id, period.unit_id = value
        return {"section", "unit"}
    setattr(period, key, value)
    return {key}


def plan_change(periods: list[CadrePeriod], effective: dt.date, values: dict[str, Any], note: str = "") -> Plan:
    """Apply ``values`` (as ``normalise`` gives them) from ``effective`` to one cadre's periods, in memory.

    ``periods`` are the cadre's periods in date order (at least one); they are changed in place.
    """
    plan = Plan(periods=periods)
    start = max(effective, periods[0].valid_from)
    index = max(i for i, p in enumerate(periods) if p.valid_from <= start)
    current = periods[index]
    diff = {key: value for key, value in values.items() if _get(current, key) != value}
    if not diff:
        return plan
    plan.start = start
    plan.before = {key: _get(current, key) for key in diff}
    plan.after = diff
    if current.valid_from < start:
        new = CadrePeriod(
            cadre_id=current.cadre_id,
            valid_from=start,
            valid_to=current.valid_to,
            note=note,
            **{name: getattr(current, name) for name in PERIOD_FIELDS},
        )
        current.valid_to = start
        _touch(plan, current, {"valid_to"})
        periods.insert(index + 1, new)
        plan.inserted.append(new)
        index += 1
    elif note:
        current.note = note
        _touch(plan, current, {"note"})
    for key, value in diff.items():
        old = _get(periods[index], key)
        for period in periods[index:]:
            if _get(period, key) != old:
                break  # a later change of this field stands
            _touch(plan, period, _set(period, key, value))
    _merge(plan)
    return plan


def _touch(plan: Plan, period: CadrePeriod, columns: set[str]) -> None:
    if period.pk is not None:
        plan.updated.setdefault(period.pk, set()).update(columns)


def _merge(plan: Plan) -> None:
    """Neighbours with the same facts become one period: the earlier one is kept and runs on."""
    kept = [plan.periods[0]]
    for period in plan.periods[1:]:
        previous = kept[-1]
        if facts(period) != facts(previous):
            kept.append(period)
            continue
        previous.valid_to = period.valid_to
        _touch(plan, previous, {"valid_to"})
        if period.pk is None:
            plan.inserted.remove(period)
        else:
            plan.deleted.append(period.pk)
            plan.updated.pop(period.pk, None)
    plan.periods[:] = kept


def periods_of(cadre_id: int, *, lock: bool = False) -> list[CadrePeriod]:
    periods = CadrePeriod.objects.filter(cadre_id=cadre_id).order_by("valid_from")
    return list(periods.select_for_update() if lock else periods)


def _ensure_periods(cadre: Cadre, periods: list[CadrePeriod]) -> list[CadrePeriod]:
    """A cadre always has a first period (Cadre.save writes it); one written before the periods existed gets it now."""
    if periods:
        return periods
    stored = Cadre.objects.get(pk=cadre.pk)
    first = CadrePeriod.objects.create(
        cadre_id=cadre.pk,
        valid_from=stored.hire_date or stored.work_start_date or EARLIEST_DATE,
        **stored.period_facts(),
    )
    return [first]


def write_plan(plan: Plan) -> None:
    """The plan's rows, through the ORM (one cadre; the import writes its plans with prepared statements)."""
    if plan.deleted:
        CadrePeriod.objects.filter(pk__in=plan.deleted).delete()
    by_pk = {p.pk: p for p in plan.periods if p.pk is not None}
    for pk, columns in plan.updated.items():
        by_pk[pk].save(update_fields=sorted(columns))
    for period in plan.inserted:
        period.save(force_insert=True)


def sync_cadre(cadre: Cadre, latest: CadrePeriod) -> None:
    """The cadre's own columns repeat its latest period (and its updated_at moves, which the import checks)."""
    values = {name: getattr(latest, name) for name in PERIOD_FIELDS}
    values["updated_at"] = timezone.now()
    Cadre.objects.filter(pk=cadre.pk).update(**values)
    for name, value in values.items():
        setattr(cadre, name, value)
    if "section" in cadre._state.fields_cache and cadre.section.pk != cadre.section_id:
        del cadre._state.fields_cache["section"]
    cadre._state.fields_cache.pop("unit", None)


def apply_change(cadre: Cadre, effective: dt.date, changes: dict[str, Any], note: str = "") -> Plan:
    """Write a dated change of one cadre's periods and keep its columns; no audit, no signal (the callers')."""
    values = normalise(changes)
    if "status" in values and values["status"] not in Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    _validate(values)
    periods = _ensure_periods(cadre, periods_of(cadre.pk, lock=True))
    plan = plan_change(periods, effective, values, note[:200])
    if plan.changed:
        write_plan(plan)
        sync_cadre(cadre, plan.latest)
    return plan


def _validate(values: dict[str, Any]) -> None:
    errors = {}
    for key, value in values.items():
        if key in ("section_id", "status"):
            continue
        model_field = CadrePeriod._meta.get_field(key)
        try:
            model_field.clean(value, None)
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)


# --- display, for the audit trail ----------------------------------------------------------------------

_LABELS = {"section_id": "section", "post": "post", "rank": "rank", "leadership_level": "leadership_level"}


def display(key: str, value: Any) -> Any:
    """A period value as the audit trail keeps it (names and Chinese choice labels)."""
    with translation.override(settings.LANGUAGE_CODE):
        if key == "section_id":
            return Section.objects.filter(pk=value[0]).values_list("name", flat=True).first() if value else None
        model_field = CadrePeriod._meta.get_field(key)
        if model_field.choices and value:
            return str(dict(model_field.flatchoices).get(value, value))
        return value


def audit_values(plan: Plan) -> tuple[dict[str, Any], dict[str, Any]]:
    """The plan's before and after, by the cadre's field names ("section", not "section_id")."""
    name = {"section_id": "section"}
    before = {name.get(k, k): display(k, v) for k, v in plan.before.items()}
    after = {name.get(k, k): display(k, v) for k, v in plan.after.items()}
    return before, after


def effective_summary(effective: dt.date, note: str = "") -> str:
    """The audit summary of a dated change, in the system's language whoever writes it."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Effective %(date)s") % {"date": effective.isoformat()}
    return f"{text}；{note}" if note else text


def announce(cadre_ids: list[int], since: dt.date | None) -> None:
    """periods_changed, inside the writing transaction (receivers re-derive what they keep per date)."""
    if cadre_ids:
        periods_changed.send(sender=Cadre, cadre_ids=list(cadre_ids), since=since)


# --- the services --------------------------------------------------------------------------------------


@transaction.atomic
def cadre_change(*, actor, cadre: Cadre, effective: dt.date, note: str = "", **changes: Any) -> Plan:
    """Change a cadre's dated facts (section, post, rank, leadership_level, status) as of ``effective``.

    Audited (before/after as in force on the effective day, the date in the summary), and announced by
    ``periods_changed`` from the day the change takes effect.  A change that changes nothing writes nothing.
    """
    check_effective(effective)
    for name in changes:
        if name not in DATED_FIELDS and name != "section_id":
            raise TypeError(f"cadre_change cannot set {name!r}")
    list(Cadre.objects.select_for_update().filter(pk=cadre.pk).values_list("pk", flat=True))  # one writer a cadre
    plan = apply_change(cadre, effective, changes, note)
    if plan.changed:
        before, after = audit_values(plan)
        action = Action.STATUS if set(after) == {"status"} else Action.UPDATE
        audit_record(
            actor=actor,
            action=action,
            obj=cadre,
            before=before,
            after=after,
            summary=effective_summary(plan.start, note),
        )
        announce([cadre.pk], plan.start)
    return plan


# --- corrections by an administrator -------------------------------------------------------------------

CORRECTABLE = ("valid_from", "section", "post", "rank", "leadership_level", "status", "note")


def _period_snapshot(period: CadrePeriod) -> dict[str, Any]:
    data = {"valid_from": period.valid_from.isoformat()}
    data.update({("section" if k == "section_id" else k): display(k, _get(period, k)) for k in _KEYS})
    data["note"] = period.note
    return data


def _require_admin(actor) -> None:
    if not getattr(actor, "is_admin", False):
        raise ValidationError(_("Only an administrator can correct the history of service."))


@transaction.atomic
def period_correct(*, actor, period: CadrePeriod, **fields: Any) -> CadrePeriod:
    """Put right one period entered wrongly: its start date and its values, that period alone (no carrying forward).

    The start stays after the previous period's and before the next one's (the previous period then ends on
    it); the first period may start at any date up to the next one's.  Audited on the cadre; announced from the
    earlier of the old and new start.
    """
    _require_admin(actor)
    cadre = Cadre.objects.select_for_update().get(pk=period.cadre_id)
    periods = periods_of(cadre.pk, lock=True)
    index = next(i for i, p in enumerate(periods) if p.pk == period.pk)
    target = periods[index]
    before = _period_snapshot(target)
    old_start = target.valid_from
    for name in fields:
        if name not in CORRECTABLE:
            raise TypeError(f"period_correct cannot set {name!r}")
    if "valid_from" in fields:
        start = fields["valid_from"]
        earliest = periods[index - 1].valid_from + dt.timedelta(days=1) if index else EARLIEST_DATE
        if index + 1 < len(periods):
            latest = periods[index + 1].valid_from - dt.timedelta(days=1)
        else:
            latest = latest_effective_date()
        if start is None or not (earliest <= start <= latest):
            raise ValidationError(
                {
                    "valid_from": _("Enter a date between %(earliest)s and %(latest)s.")
                    % {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
                }
            )
        target.valid_from = start
        if index:
            periods[index - 1].valid_to = start
    values = normalise({k: v for k, v in fields.items() if k in DATED_FIELDS})
    _validate(values)
    if "status" in values and values["status"] not in Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    for key, value in values.items():
        _set(target, key, value)
    if "note" in fields:
        target.note = (fields["note"] or "")[:200]
    after = _period_snapshot(target)
    if before == after:
        return target
    if index:
        periods[index - 1].save(update_fields=["valid_to"])
    target.save()
    sync_cadre(cadre, periods[-1])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=cadre,
        before=before,
        after=after,
        summary=_("History of service corrected: the period from %(date)s") % {"date": old_start.isoformat()},
    )
    announce([cadre.pk], min(old_start, target.valid_from))
    return target


@transaction.atomic
def period_delete(*, actor, period: CadrePeriod) -> None:
    """Remove a period entered wrongly (never the first): the previous one runs on over its days. Audited."""
    _require_admin(actor)
    cadre = Cadre.objects.select_for_update().get(pk=period.cadre_id)
    periods = periods_of(cadre.pk, lock=True)
    index = next(i for i, p in enumerate(periods) if p.pk == period.pk)
    if index == 0:
        raise ValidationError(_("The first period of service cannot be deleted; correct it instead."))
    target = periods.pop(index)
    previous = periods[index - 1]
    previous.valid_to = target.valid_to
    before = _period_snapshot(target)
    target.delete()
    previous.save(update_fields=["valid_to"])
    sync_cadre(cadre, periods[-1])
    audit_record(
        actor=actor,
        action=Action.DELETE,
        obj=cadre,
        before=before,
        after={},
        summary=_("History of service corrected: the period from %(date)s deleted")
        % {"date": target.valid_from.isoformat()},
    )
    announce([cadre.pk], target.valid_from)
