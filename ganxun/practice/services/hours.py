"""The 学时 of practice: each record counts in the 实践锻炼 bucket through the year's conversion rules.

One ledger entry per record and year (source ``practice``, counted from a ``PracticeCredit``), so a deployment
from December into January counts each year's days in that year; ``(cadre, source, source_id)`` stays unique.

Never twice for the same day of the same cadre: for each year the cadre's records claim their days in order —
deployments, visits and secondments by first day (then in that order, then as entered), community reports last —
and a record counts only the days no earlier record claimed.  A community report on a day already covered gets
nothing; a deployment's days already counted by another deployment are not counted again.  Only days up to today
count (a record entered ahead counts as its days pass: ``practice_hours_sync`` again, or any change to the
cadre's practice, brings the entries up to date).

- a deployment: its days, at the year's ``deployment_day`` rule;
- a visit or frontline assignment: its days, at the ``visit_day`` rule;
- a secondment: its months (days ÷ 30, exactly), at the ``secondment_month`` rule, over the actual dates (the
  planned ones until the actual are entered);
- a community report: one, at the ``community_report`` rule.

The rule is that of the record's unit (``hours.services.conversion_rules(year, unit)``, inherited down the tree),
its ``per_item_cap`` bounding each entry; the year's ``BucketCap`` for 实践锻炼 bounds the year in compliance.  A
year without the rule counts nothing for that kind (the entry, if any, is withdrawn saying so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source, Unit
from ganxun.hours.services import conversion_rules, ledger_record, ledger_withdraw
from ganxun.hours.services.ledger import entry_current

from ..models import CommunityReport, PracticeCredit, Secondment, Stint, Visit
from .common import stored_language

DAYS_PER_MONTH = 30
CENT = Decimal("0.01")

# The measure each kind of record is converted by, the credit's field naming it, and its order among the
# records that begin on the same day.
MEASURE = {
    Stint: Unit.DEPLOYMENT_DAY,
    Visit: Unit.VISIT_DAY,
    Secondment: Unit.SECONDMENT_MONTH,
    CommunityReport: Unit.COMMUNITY_REPORT,
}
CREDIT_FIELD = {Stint: "stint", Visit: "visit", Secondment: "secondment", CommunityReport: "community_report"}
ORDER = {Stint: 0, Visit: 1, Secondment: 2}
COUNTED_MODELS = tuple(MEASURE)


def years_of(record) -> set[int]:
    """The calendar years a record's days fall in."""
    return set(range(record.start_date.year, record.end_date.year + 1))


def quantity(record, days: int) -> Fraction:
    """How many of its measure a record's counted days make."""
    if isinstance(record, CommunityReport):
        return Fraction(1)
    if isinstance(record, Secondment):
        return Fraction(days, DAYS_PER_MONTH)
    return Fraction(days)


def credit_title(record, days: int) -> str:
    """The ledger's title of a record's year (stored in Chinese)."""
    with stored_language():
        if isinstance(record, Stint):
            title = _("Deployment: %(campaign)s, %(place)s") % {
                "campaign": record.campaign.name,
                "place": record.place.name,
            }
        elif isinstance(record, CommunityReport):
            return _("Community report: %(place)s") % {"place": record.place.name}
        elif isinstance(record, Secondment):
            title = _("%(kind)s: %(region)s %(post)s") % {
                "kind": record.get_kind_display(),
                "region": record.region,
                "post": record.post,
            }
        else:
            title = _("%(kind)s: %(where)s") % {"kind": record.get_kind_display(), "where": record.where}
        return (title.strip() + _(" (%(days)s days)") % {"days": days})[:200]


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def claimed_days(cadre, year: int, today: dt.date | None = None) -> list[tuple[object, list[dt.date]]]:
    """(record, the days of ``year`` it counts) for every practice record of the cadre with a day in the year up
    to today, in the order they claim days (see the module's docstring)."""
    today = today or timezone.localdate()
    first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    if last < first:
        return []
    spans = []
    for model in (Stint, Visit, Secondment):
        rows = model.objects.filter(cadre=cadre).overlapping(first, last)
        if model is Stint:
            rows = rows.select_related("campaign", "place")
        elif model is Visit:
            rows = rows.select_related("place")
        spans.extend(rows)
    spans.sort(key=lambda r: (r.start_date, ORDER[type(r)], r.pk))
    reports = CommunityReport.objects.filter(cadre=cadre, date__gte=first, date__lte=last).select_related("place")
    claimed: set[dt.date] = set()
    plan = []
    for record in spans:
        days = [d for d in _days(max(record.start_date, first), min(record.end_date, last)) if d not in claimed]
        claimed.update(days)
        plan.append((record, days))
    for report in reports.order_by("date", "pk"):
        days = [] if report.date in claimed else [report.date]
        claimed.update(days)
        plan.append((report, days))
    return plan


def _key(record) -> tuple[str, int]:
    return CREDIT_FIELD[type(record)], record.pk


def _credit_key(credit: PracticeCredit) -> tuple[str, int] | None:
    for field in CREDIT_FIELD.values():
        pk = getattr(credit, f"{field}_id")
        if pk is not None:
            return field, pk
    return None


@transaction.atomic
def practice_hours_sync(*, actor, cadre, years: Iterable[int], reason: str = "") -> list[LedgerEntry]:
    """Bring the cadre's practice entries of ``years`` up to date with their records (idempotent): each record's
    days in the year, counted once, converted by the year's rule of the record's unit.  A record that no longer
    counts in a year (its days claimed by another, moved out of the year, deleted, no rule) has its entry
    withdrawn with the reason (``reason`` when given).  Returns the entries written or withdrawn."""
    today = timezone.localdate()
    changed = []
    for year in sorted({y for y in years if y <= today.year}):
        changed.extend(_sync_year(actor, cadre, year, today, reason))
    return changed


def _sync_year(actor, cadre, year: int, today: dt.date, reason: str) -> list[LedgerEntry]:
    plan = claimed_days(cadre, year, today)
    credits = {
        _credit_key(credit) or ("deleted", credit.pk): credit
        for credit in PracticeCredit.objects.select_for_update().filter(cadre=cadre, year=year)
    }
    entries = {
        entry.source_id: entry
        for entry in LedgerEntry.objects.select_for_update().filter(
            cadre=cadre, source=Source.PRACTICE, source_id__in=[c.pk for c in credits.values()]
        )
    }
    rules_of_unit: dict[int, dict] = {}
    written = []
    for record, days in plan:
        credit = credits.pop(_key(record), None)
        if record.unit_id not in rules_of_unit:
            rules_of_unit[record.unit_id] = conversion_rules(year, record.unit)
        rule = rules_of_unit[record.unit_id].get(MEASURE[type(record)])
        if not days or rule is None:
            if credit is not None:
                with stored_language():
                    why = reason or (
                        _("These days are already counted from another practice record.")
                        if not days
                        else _("%(year)s has no conversion rule for %(measure)s.")
                        % {"year": year, "measure": Unit(MEASURE[type(record)]).label}
                    )
                if credit.days:
                    credit.days, credit.first_day, credit.last_day = 0, None, None
                    credit.save(update_fields=["days", "first_day", "last_day", "updated_at"])
                written.extend(_withdraw(actor, cadre, credit, entries.get(credit.pk), why))
            continue
        title = credit_title(record, len(days))
        # In cents as the ledger stores them: a rule rounding to whole hours gives 36, which is 36.00 stored.
        hours = rule.convert(quantity(record, len(days))).quantize(CENT)
        facts = {"title": title, "days": len(days), "first_day": days[0], "last_day": days[-1]}
        if credit is None:
            credit = PracticeCredit.objects.create(
                cadre=cadre, year=year, **{CREDIT_FIELD[type(record)]: record}, **facts
            )
        elif any(getattr(credit, name) != value for name, value in facts.items()):
            for name, value in facts.items():
                setattr(credit, name, value)
            credit.save()
        entry = entries.get(credit.pk)
        if entry_current(entry, date=days[-1], hours=hours, bucket=Bucket.PRACTICE, title=title):
            continue
        written.append(
            ledger_record(
                actor=actor,
                cadre=cadre,
                date=days[-1],
                hours=hours,
                bucket=Bucket.PRACTICE,
                source=Source.PRACTICE,
                source_id=credit.pk,
                title=title,
                entry=entry,
                source_object=credit,
            )
        )
    # What is left no longer has a day in the year: moved out of it, or its record deleted.
    for credit in credits.values():
        with stored_language():
            why = reason or _("The practice record no longer falls in %(year)s.") % {"year": year}
        written.extend(_withdraw(actor, cadre, credit, entries.get(credit.pk), why))
    return written


def _withdraw(actor, cadre, credit: PracticeCredit, entry: LedgerEntry | None, reason: str) -> list[LedgerEntry]:
    if entry is None or entry.status == EntryStatus.REJECTED:
        return []
    return [
        ledger_withdraw(
            actor=actor, cadre=cadre, source=Source.PRACTICE, source_id=credit.pk, reason=reason, entry=entry
        )
    ]


def withdraw_record(*, actor, record, reason: str) -> list[LedgerEntry]:
    """Before a record is deleted: its entries are withdrawn with the reason (the credits stay, their pointer to
    the record emptied by the delete, their title remembering it)."""
    withdrawn = []
    credits = PracticeCredit.objects.filter(**{CREDIT_FIELD[type(record)]: record})
    entries = {
        e.source_id: e
        for e in LedgerEntry.objects.select_for_update().filter(
            source=Source.PRACTICE, source_id__in=credits.values("pk")
        )
    }
    for credit in credits:
        withdrawn.extend(_withdraw(actor, record.cadre, credit, entries.get(credit.pk), reason))
    return withdrawn


def practice_hours_recount(*, actor, year: int, cadres=None) -> int:
    """Recount a year's practice for every cadre with a practice record in it (or those given): after the
    year's conversion rules change, or for records whose days have since passed.  Returns the entries changed."""
    from ganxun.roster.models import Cadre

    if cadres is None:
        ids = set()
        for model in COUNTED_MODELS:
            ids.update(model.objects.in_year(year).values_list("cadre_id", flat=True))
        ids.update(PracticeCredit.objects.filter(year=year).values_list("cadre_id", flat=True))
        cadres = Cadre.objects.filter(pk__in=ids).order_by("pk")
    changed = 0
    for cadre in cadres:
        changed += len(practice_hours_sync(actor=actor, cadre=cadre, years=[year]))
    return changed
