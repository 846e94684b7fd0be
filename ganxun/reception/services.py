"""Writes and figures of 效能接待: the rota rule, the turns generated on working days (idempotent; a turn already
there keeps its people), changes of duty cadres with a reason, the 信访 cases; each write audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours.models import date_range_error
from ganxun.lectures.calendar import CalendarUnknown, YearCalendar
from ganxun.roster.idcard import contact_phone
from ganxun.roster.models import Cadre, Section, Unit

from .models import DutySlot, PetitionCase, RotaRule, RotaSection

MAX_SPAN_DAYS = 400  # one generation covers at most about a year


def _require_admin_of(actor, unit: Unit) -> None:
    if not (actor.is_authenticated and actor.is_admin and Unit.objects.visible_to(actor).filter(pk=unit.pk).exists()):
        raise PermissionDenied


@transaction.atomic
def rule_save(*, actor, unit: Unit, granularity: str, per_turn: int, sections: list[Section]) -> RotaRule:
    """The unit's rule: the 科室 in the order they take turns (each once, of the unit), by day or by week."""
    _require_admin_of(actor, unit)
    if not sections:
        raise ValidationError({"sections": _("Choose the sections that take turns at the desk.")})
    if len({s.pk for s in sections}) != len(sections):
        raise ValidationError({"sections": _("A section takes its turn once in the order.")})
    foreign = [s.name for s in sections if s.unit_id != unit.pk]
    if foreign:
        raise ValidationError(
            {"sections": _("Not sections of %(unit)s: %(names)s.") % {"unit": unit.name, "names": "、".join(foreign)}}
        )
    rule = RotaRule.objects.select_for_update().filter(unit=unit).first()
    before = _rule_snapshot(rule) if rule else None
    rule = rule or RotaRule(unit=unit)
    rule.granularity, rule.per_turn = granularity, per_turn
    rule.full_clean()
    rule.save()
    rule.links.all().delete()
    RotaSection.objects.bulk_create([RotaSection(rule=rule, section=s, position=n) for n, s in enumerate(sections)])
    after = _rule_snapshot(rule)
    if before is None:
        audit_record(actor=actor, action=Action.CREATE, obj=rule, after=after)
    elif before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=rule, before=before, after=after)
    return rule


def _rule_snapshot(rule: RotaRule) -> dict[str, Any]:
    return {
        "granularity": str(rule.get_granularity_display()),
        "per_turn": rule.per_turn,
        "sections": "、".join(s.name for s in rule.ordered_sections()),
    }


def turns(rule: RotaRule, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The turns from ``first`` to ``last``: each working day, or each week's working days (Monday to Sunday),
    by the working-day calendar; a week without a working day (the Spring Festival's) has no turn."""
    calendars: dict[int, YearCalendar] = {}
    days = []
    day = first
    while day <= last:
        calendar = calendars.get(day.year) or calendars.setdefault(day.year, YearCalendar(day.year))
        if calendar.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    if rule.granularity == "day":
        return [(d, d) for d in days]
    weeks: dict[dt.date, list[dt.date]] = {}
    for d in days:
        weeks.setdefault(d - dt.timedelta(days=d.weekday()), []).append(d)
    return [(found[0], found[-1]) for _monday, found in sorted(weeks.items())]


@dataclasses.dataclass
class Generated:
    created: int = 0
    kept: int = 0


@transaction.atomic
def rota_generate(*, actor, unit: Unit, first: dt.date, last: dt.date) -> Generated:
    """Turns from ``first`` to ``last`` by the unit's rule: the 科室 in order, continuing after the turn before
    ``first``; within a 科室, its in-post cadres by turns, continuing after the last who served.  A turn already
    there is kept as it is (with its people)."""
    _require_admin_of(actor, unit)
    rule = RotaRule.objects.select_for_update().filter(unit=unit).first()
    if rule is None:
        raise ValidationError(_("Set the rota rule first: which sections take turns, by day or by week."))
    for name, value in (("first", first), ("last", last)):
        if message := date_range_error(value, _("from") if name == "first" else _("to")):
            raise ValidationError({name: message})
    if last < first:
        raise ValidationError({"last": _("The end date cannot be before the start date.")})
    if (last - first).days > MAX_SPAN_DAYS:
        raise ValidationError({"last": _("Generate at most a year at a time.")})
    try:
        wanted = turns(rule, first, last)
    except CalendarUnknown as unknown:
        raise ValidationError(str(unknown)) from unknown
    sections = rule.ordered_sections()
    before = DutySlot.objects.filter(unit=unit, first_day__lt=first).order_by("-first_day").first()
    position = next((n + 1 for n, s in enumerate(sections) if before and s.pk == before.section_id), 0)
    existing = {
        s.first_day: s.section_id for s in DutySlot.objects.filter(unit=unit, first_day__gte=first, first_day__lte=last)
    }
    after = {s.pk: n + 1 for n, s in enumerate(sections)}  # a 科室's position: the next turn is the one after it
    served = Counter(DutySlot.cadres.through.objects.filter(dutyslot__unit=unit).values_list("cadre_id", flat=True))
    done = Generated()
    staff: dict[int, list[Cadre]] = {}  # each 科室's in-post cadres, read once
    for start, end in wanted:
        if start in existing:
            done.kept += 1
            position = after.get(existing[start], position)  # the order goes on from the turn kept
            continue
        section = sections[position % len(sections)]
        position += 1
        slot = DutySlot.objects.create(unit=unit, first_day=start, last_day=end, section=section)
        if section.pk not in staff:
            staff[section.pk] = list(Cadre.objects.filter(section=section).active().order_by("pk"))
        people = staff[section.pk]
        chosen = sorted(people, key=lambda c: (served[c.pk], c.pk))[: rule.per_turn]
        slot.cadres.set(chosen)
        for cadre in chosen:
            served[cadre.pk] += 1
        done.created += 1
    if done.created:
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=rule,
            summary=_("Reception rota generated from %(first)s to %(last)s: %(count)s turns")
            % {"first": first.isoformat(), "last": last.isoformat(), "count": done.created},
        )
    return done


def may_staff(user, slot: DutySlot) -> bool:
    """An administrator of the unit, or the head of the 科室 on duty."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return Unit.objects.visible_to(user).filter(pk=slot.unit_id).exists()
    return user.is_section_head and user.section_id_scope == slot.section_id


@transaction.atomic
def slot_staff(*, actor, slot: DutySlot, cadres: list[Cadre], reason: str) -> DutySlot:
    """Change a turn's duty cadres (a swap, someone away): with the reason, audited."""
    if not may_staff(actor, slot):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for the change.")})
    if not cadres:
        raise ValidationError({"cadres": _("A turn needs at least one duty cadre.")})
    outside = [c.name for c in cadres if c.unit_id != slot.unit_id]
    if outside:
        raise ValidationError({"cadres": _("Not cadres of this unit: %(names)s.") % {"names": "、".join(outside)}})
    slot = DutySlot.objects.select_for_update().get(pk=slot.pk)
    before = {"cadres": "、".join(slot.cadres.order_by("name").values_list("name", flat=True))}
    slot.cadres.set(cadres)
    slot.note = reason[:200]
    slot.save(update_fields=["note"])
    after = {"cadres": "、".join(sorted(c.name for c in cadres))}
    audit_record(actor=actor, action=Action.UPDATE, obj=slot, before=before, after=after, summary=reason[:300])
    return slot


CASE_FIELDS = (
    "received_on",
    "visitor",
    "visitor_phone",
    "matter",
    "category",
    "handled_by",
    "result",
    "closed_on",
    "note",
)


def case_snapshot(case: PetitionCase) -> dict[str, Any]:
    return {
        "received_on": case.received_on.isoformat(),
        "visitor": case.visitor,
        "visitor_phone": case.masked_phone,
        "matter": case.matter,
        "category": str(case.get_category_display()),
        "handled_by": case.handled_by.name,
        "result": str(case.get_result_display()),
        "closed_on": case.closed_on.isoformat() if case.closed_on else "",
        "note": case.note,
    }


def _case_check(case: PetitionCase) -> None:
    errors = {}
    if message := date_range_error(case.received_on, str(PetitionCase._meta.get_field("received_on").verbose_name)):
        errors["received_on"] = message
    if case.closed_on and case.received_on and case.closed_on < case.received_on:
        errors["closed_on"] = _("A case cannot close before it was received.")
    case.visitor_phone, phone_error = contact_phone(case.visitor_phone)
    if phone_error:
        errors["visitor_phone"] = phone_error
    if case.handled_by_id and case.handled_by.unit_id != case.unit_id:
        errors["handled_by"] = _("The cadre who handled it is not of this unit.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_save(*, actor, unit: Unit, case: PetitionCase | None = None, **fields: Any) -> PetitionCase:
    """Record or correct a case (an administrator, or the cadre on duty who handled it); the 科室 is the handler's
    and the turn is the one of that day."""
    creating = case is None
    case = case or PetitionCase(unit=unit, created_by=actor if actor.is_authenticated else None)
    before = None if creating else case_snapshot(PetitionCase.objects.get(pk=case.pk))
    for name, value in fields.items():
        if name not in CASE_FIELDS:
            raise TypeError(name)
        setattr(case, name, value.strip() if isinstance(value, str) else value)
    if not (actor.is_admin or (actor.cadre_id and actor.cadre_id == case.handled_by_id)):
        raise PermissionDenied
    _case_check(case)
    case.section_id = case.handled_by.section_id
    case.slot = DutySlot.objects.filter(
        unit=unit, first_day__lte=case.received_on, last_day__gte=case.received_on
    ).first()
    case.full_clean(exclude=["created_by"])
    case.save()
    after = case_snapshot(case)
    if creating:
        audit_record(actor=actor, action=Action.CREATE, obj=case, after=after)
    elif before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=case, before=before, after=after)
    return case


@transaction.atomic
def case_delete(*, actor, case: PetitionCase) -> None:
    if not actor.is_admin:
        raise PermissionDenied
    audit_record(actor=actor, action=Action.DELETE, obj=case, before=case_snapshot(case))
    case.delete()


@dataclasses.dataclass
class Tally:
    name: str
    cases: int
    closed: int
    average_days: float | None


def counts(cases, key: str) -> list[Tally]:
    """Cases per cadre (``key="handled_by"``) or per 科室 (``"section"``): how many, how many closed, the average
    days to close of those closed; most cases first."""
    rows = (
        cases.values(f"{key}__name")
        .annotate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(closed_on__isnull=False)),
            days=Avg(F("closed_on") - F("received_on"), filter=Q(closed_on__isnull=False)),
        )
        .order_by("-n", f"{key}__name")
    )
    found = []
    for row in rows:
        days = row["days"]
        if isinstance(days, dt.timedelta):
            days = days.total_seconds() / 86400
        elif days is not None:  # SQLite gives the difference in microseconds
            days = float(days) / 86_400_000_000
        found.append(Tally(row[f"{key}__name"], row["n"], row["closed"], round(days, 1) if days is not None else None))
    return found
