"""What counts of a platform's figures: the conversion into 学时, the checks, and the one credit per cadre, platform
and year with its ledger entry (written through ``hours.services``, audited).

Conversion (the year's ``hours.ConversionRule`` of the cadre's unit, inherited down the tree):

- minutes: the ``online_minutes`` rule (e.g. 30 minutes = 1 学时, down to half steps); without one the figures
  cannot be counted and the import says so.  The rule's cap per item is not applied: it bounds one sitting of
  online minutes, not a platform's figure for the year (the outlier rules bound those);
- platform 学时: the ``online_hour`` rule when the unit has set one (a unit may count a platform hour for less, or
  cap it); without one a platform 学时 is one 学时 — they are already the unit the requirement is written in;
- points: the ``online_points`` rule only (so many points make one 学时).  Without it points are kept apart: the
  figure is recorded and the credit holds it, but no 学时 is counted.

The 学时 of a credit are those of its figure (a cumulative export: the year to date; a per-period one: the sum of
its periods), converted as a whole so that rounding down to half steps happens once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source, apply_rounding
from ganxun.hours.models import Unit as HoursUnit
from ganxun.hours.services import conversion_rules, ledger_record, ledger_withdraw
from ganxun.practice.services.common import stored_language
from ganxun.roster.models import Unit

from ..models import FigureStatus, OnlineCredit, OnlineFigure, OutlierKind, OutlierRule, Platform, PlatformUnit
from .covered import supersede_reports

CENT = Decimal("0.01")
MEASURE = {
    PlatformUnit.HOURS: HoursUnit.ONLINE_HOUR,
    PlatformUnit.MINUTES: HoursUnit.ONLINE_MINUTES,
    PlatformUnit.POINTS: HoursUnit.ONLINE_POINTS,
}


class MissingRule(Exception):
    """The figures of this platform cannot be converted in this year: the message says which rule to set."""


class Converter:
    """A platform's figures of one year into 学时, by the rules of each cadre's unit (read once per unit)."""

    def __init__(self, platform: Platform, year: int) -> None:
        self.platform = platform
        self.year = year
        self.measure = MEASURE[PlatformUnit(platform.unit)]
        self._rules: dict[int | None, Any] = {}

    def _rule(self, unit_id: int | None):
        if unit_id not in self._rules:
            unit = Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None
            self._rules[unit_id] = conversion_rules(self.year, unit).get(self.measure)
        return self._rules[unit_id]

    def hours(self, unit_id: int | None, amount: Decimal) -> Decimal | None:
        """The 学时 of ``amount`` for a cadre of ``unit_id``; None: points without a rule (not 学时)."""
        rule = self._rule(unit_id)
        if rule is not None:
            # The rule's rate and rounding; not its cap per item, which bounds one sitting (a session of online
            # minutes), not a year's export: the outlier rules bound the platforms' figures instead.
            exact = Fraction(amount) * Fraction(rule.hours) / Fraction(rule.per)
            return apply_rounding(exact, rule.rounding).quantize(CENT)
        if self.platform.unit == PlatformUnit.HOURS:
            return amount.quantize(CENT)
        if self.platform.unit == PlatformUnit.POINTS:
            return None
        raise MissingRule(
            _(
                "%(year)s has no conversion rule for online minutes: set how many minutes make one hour "
                "(学时规则) before importing %(platform)s."
            )
            % {"year": self.year, "platform": self.platform.name}
        )


def points_apart_message(platform: Platform, year: int) -> str:
    return _(
        "%(platform)s counts points, and %(year)s has no rule saying how many points make one hour: the figures are "
        "kept, but no hours are counted."
    ) % {"platform": platform.name, "year": year}


def total_of(parts: dict[str, str]) -> Decimal:
    return sum((Decimal(v) for v in parts.values()), Decimal(0))


def ledger_title(platform: Platform, year: int) -> str:
    with stored_language():
        return _("Online learning: %(platform)s, %(year)s") % {"platform": platform.name, "year": year}


class Rules:
    """The outlier rules in use, read once."""

    def __init__(self) -> None:
        found = {rule.kind: rule for rule in OutlierRule.objects.filter(active=True)}
        per_day = found.get(OutlierKind.PER_DAY)
        per_year = found.get(OutlierKind.PER_YEAR)
        self.per_day = per_day.threshold if per_day is not None else None
        self.per_year = per_year.threshold if per_year is not None else None
        self.not_in_post = OutlierKind.NOT_IN_POST in found

    def flags(self, *, part_hours: Decimal | None, total_hours: Decimal | None, days: int, in_post: bool) -> list[str]:
        """Why a figure needs review (empty: it may be counted).  Compared exactly: 8 a day is fine, 8.01 not."""
        flags = []
        if self.per_day is not None and part_hours is not None and part_hours > self.per_day * days:
            flags.append(
                _("%(hours)s hours in %(days)s days is more than %(limit)s a day on average.")
                % {"hours": part_hours, "days": days, "limit": self.per_day}
            )
        if self.per_year is not None and total_hours is not None and total_hours > self.per_year:
            flags.append(
                _("%(hours)s hours in the year is more than %(limit)s.")
                % {"hours": total_hours, "limit": self.per_year}
            )
        if self.not_in_post and not in_post:
            flags.append(_("The cadre was not in post during the period."))
        return flags


def lower_message(before: Decimal, after: Decimal) -> str:
    return _("The figure %(after)s is lower than the %(before)s imported before.") % {"before": before, "after": after}


@transaction.atomic
def credit_apply(
    *,
    actor,
    cadre,
    platform: Platform,
    year: int,
    key: str,
    amount: Decimal,
    last_day: dt.date,
    converter: Converter,
    credit: OnlineCredit | None = None,
) -> OnlineCredit:
    """Set the figure of one period (``key``) of the cadre's credit and bring its ledger entry up to date."""
    if credit is None:
        credit = OnlineCredit.objects.select_for_update().filter(cadre=cadre, platform=platform, year=year).first()
    if credit is None:
        credit = OnlineCredit(cadre=cadre, platform=platform, year=year, parts={}, last_day=last_day)
    credit.parts = {**credit.parts, key: str(amount)}
    credit.amount = total_of(credit.parts)
    hours = converter.hours(cadre.unit_id, credit.amount)
    credit.hours = hours if hours is not None else Decimal(0)
    credit.last_day = max(credit.last_day, last_day) if credit.pk else last_day
    credit.full_clean(exclude=["cadre", "platform"], validate_constraints=False)
    credit.save()
    _entry_sync(actor=actor, cadre=cadre, credit=credit, platform=platform, year=year, hours=hours)
    return credit


def _entry_sync(*, actor, cadre, credit: OnlineCredit, platform: Platform, year: int, hours: Decimal | None) -> None:
    """The credit's ledger entry as its 学时 say: written or brought up to date, or withdrawn (points without a
    rule count none)."""
    if hours is None:
        ledger_withdraw(
            actor=actor,
            cadre=cadre,
            source=Source.ONLINE_RECORD,
            source_id=credit.pk,
            reason=points_apart_message(platform, year),
        )
    else:
        ledger_record(
            actor=actor,
            cadre=cadre,
            date=credit.last_day,
            hours=hours,
            bucket=Bucket.ONLINE,
            source=Source.ONLINE_RECORD,
            source_id=credit.pk,
            title=ledger_title(platform, year),
            status=EntryStatus.CONFIRMED,
            source_object=credit,
        )


@dataclass
class Recount:
    counted: int = 0  # credits whose 学时 changed with the rules (or were counted for the first time)
    unchanged: int = 0
    uncounted: int = 0  # points still without a rule
    superseded: int = 0  # self-reports withdrawn because the platform's figures now count as 学时


def credits_recount(*, actor, year: int, platform: Platform | None = None, scope=None) -> Recount:
    """The credits of ``year`` (of one platform, or all; of ``scope``, a queryset of credits, e.g. those an
    administrator sees) converted again by the rules as they are now: a rule set or changed after an import (points
    that now make 学时, a unit's own rate) changes the credits' 学时 and their ledger entries, audited; an entry
    already right is left alone.  Idempotent."""
    done = Recount()
    credits = (scope if scope is not None else OnlineCredit.objects.all()).filter(year=year)
    credits = credits.select_related("cadre", "platform").order_by("pk")
    if platform is not None:
        credits = credits.filter(platform=platform)
    converters: dict[int, Converter] = {}
    entries = set(
        LedgerEntry.objects.filter(source=Source.ONLINE_RECORD, source_id__in=credits.values("pk"))
        .exclude(status=EntryStatus.REJECTED)
        .values_list("source_id", flat=True)
    )
    for credit in credits.iterator(chunk_size=1000):
        converter = converters.setdefault(credit.platform_id, Converter(credit.platform, year))
        try:
            hours = converter.hours(credit.cadre.unit_id, credit.amount)
        except MissingRule:
            done.uncounted += 1
            continue
        if hours is None:
            done.uncounted += 1
            if credit.pk not in entries:
                continue
        elif hours == credit.hours and credit.pk in entries:
            done.unchanged += 1
            continue
        with transaction.atomic():
            credit = OnlineCredit.objects.select_for_update().select_related("cadre", "platform").get(pk=credit.pk)
            credit.hours = hours if hours is not None else Decimal(0)
            credit.save(update_fields=["hours", "updated_at"])
            _entry_sync(
                actor=actor, cadre=credit.cadre, credit=credit, platform=credit.platform, year=year, hours=hours
            )
            if hours is not None:
                done.counted += 1
                done.superseded += supersede_reports(
                    actor=actor, platform=credit.platform, year=year, cadre_ids=[credit.cadre_id]
                )
    return done


def _figure_snapshot(figure: OnlineFigure) -> dict[str, Any]:
    return {
        "cadre": figure.cadre.name if figure.cadre_id else figure.name,
        "platform": figure.platform.name,
        "year": figure.year,
        "figure": str(figure.amount),
        "status": str(figure.get_status_display()),
        "reason": figure.reason,
    }


def _locked(figure: OnlineFigure) -> OnlineFigure:
    return (
        OnlineFigure.objects.select_for_update(of=("self",))
        .select_related("cadre", "platform", "online_import")
        .get(pk=figure.pk)
    )


@transaction.atomic
def figure_confirm(*, actor, figure: OnlineFigure, reason: str = "") -> OnlineFigure:
    """A flagged figure reviewed and found right: applied to the cadre's credit as an import would have."""
    figure = _locked(figure)
    if figure.status != FigureStatus.FLAGGED:
        raise ValidationError(_("This figure is not waiting for review."))
    from ganxun.hours.services import refuse_own

    refuse_own(actor, figure.cadre_id)
    later = OnlineFigure.objects.filter(
        cadre_id=figure.cadre_id,
        platform_id=figure.platform_id,
        year=figure.year,
        period_key=figure.period_key,
        online_import_id__gt=figure.online_import_id,
    ).exclude(status=FigureStatus.UNMATCHED)
    if later.exists():
        raise ValidationError(
            _("A later import brought a newer figure for this person: review that one, and reject this one.")
        )
    before = _figure_snapshot(figure)
    converter = Converter(figure.platform, figure.year)
    try:
        credit_apply(
            actor=actor,
            cadre=figure.cadre,
            platform=figure.platform,
            year=figure.year,
            key=figure.period_key,
            amount=figure.amount,
            last_day=figure.online_import.period_end,
            converter=converter,
        )
    except MissingRule as exc:
        raise ValidationError(str(exc)) from exc
    if converter.hours(figure.cadre.unit_id, figure.amount) is not None:
        supersede_reports(actor=actor, platform=figure.platform, year=figure.year, cadre_ids=[figure.cadre_id])
    figure.status, figure.reason = FigureStatus.CONFIRMED, reason.strip()[:300]
    figure.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    figure.decided_at = timezone.now()
    figure.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=figure,
        before=before,
        after=_figure_snapshot(figure),
        summary=_("Flagged online figure confirmed"),
    )
    return figure


@transaction.atomic
def figure_reject(*, actor, figure: OnlineFigure, reason: str) -> OnlineFigure:
    """A flagged figure reviewed and found wrong: it is kept, not counted, with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for the rejection.")})
    figure = _locked(figure)
    if figure.status != FigureStatus.FLAGGED:
        raise ValidationError(_("This figure is not waiting for review."))
    from ganxun.hours.services import refuse_own

    refuse_own(actor, figure.cadre_id)
    before = _figure_snapshot(figure)
    figure.status, figure.reason = FigureStatus.REJECTED, reason[:300]
    figure.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    figure.decided_at = timezone.now()
    figure.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=figure,
        before=before,
        after=_figure_snapshot(figure),
        summary=_("Flagged online figure rejected"),
    )
    return figure


def entry_of(credit: OnlineCredit) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(
        cadre_id=credit.cadre_id, source=Source.ONLINE_RECORD, source_id=credit.pk
    ).first()
