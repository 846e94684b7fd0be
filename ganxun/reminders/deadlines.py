"""Deadlines, worked out per cadre from facts already read: no queries here (``queries.py`` reads the facts).

- 初任培训 (induction) by the last day of the probation (``Cadre.probation_end``, inclusive), counted from a
  completed induction class on or after the hire date;
- 任职培训 (appointment) within a year of taking a post: the last day of the year that starts on the post's first
  day (taken 2025-03-01: due 2026-02-28; the anniversary itself is late), counted from a class completed at most a
  year before taking the post or at any time after it (条例: "before or within 1 year after taking a post");
- the year's 学时 requirement by 31 December, the 5-year cycle's by the 31 December of its last year (moved by the
  make-up years for a cadre promoted into the tier during the cycle), the online requirement by 31 December, each
  also "behind" when the hours done lag the share of the period passed (``hours.queries.elapsed_share``).

A deadline is met, overdue (the due date passed unmet), upcoming (unmet, due within ``days_ahead`` days, the due
date itself included) or pending (later).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.roster.models import LeadershipLevel, Rank, Status

# How far ahead a deadline is "upcoming", and how long after its due date a deadline unmet is still listed (older
# ones are history: a recruit of 2015 with no induction record in the system is not reminded every week).
DAYS_AHEAD = 30
LOOKBACK_DAYS = 366


class Kind(TextChoices):
    INDUCTION = "induction", _("Induction training")
    APPOINTMENT = "appointment", _("Appointment training")
    YEARLY = "yearly", _("Yearly hours")
    CYCLE = "cycle", _("Cycle hours")
    ONLINE = "online", _("Online learning")


class DeadlineStatus(TextChoices):
    OVERDUE = "overdue", _("Overdue")
    UPCOMING = "upcoming", _("Due soon")
    PENDING = "pending", _("Not yet due")
    MET = "met", pgettext_lazy("deadline", "Met")


# The order a list shows: trouble first.
STATUS_ORDER = {DeadlineStatus.OVERDUE: 0, DeadlineStatus.UPCOMING: 1, DeadlineStatus.PENDING: 2, DeadlineStatus.MET: 3}


@dataclasses.dataclass(frozen=True, slots=True)
class Deadline:
    """One thing a cadre must have done by a day."""

    cadre_id: int
    kind: str
    due: dt.date
    what: str
    status: str
    behind: bool = False  # unmet and lagging the share of the period passed (hours only)
    ref: str = ""  # what the deadline is about: a requirement's pk, a post's first day
    shortfall: Decimal | None = None

    @property
    def key(self) -> str:
        """Stable across days while the deadline is the same; a notice read stays read under it."""
        return f"{self.kind}:{self.ref}:{self.due.isoformat()}"

    @property
    def stage(self) -> str:
        """What a notice about it says: overdue, upcoming, behind; empty when nothing is to be said."""
        if self.status in (DeadlineStatus.OVERDUE, DeadlineStatus.UPCOMING):
            return self.status
        if self.status == DeadlineStatus.PENDING and self.behind:
            return "behind"
        return ""

    @property
    def notice_key(self) -> str:
        """A notice is one stage of a deadline: read while upcoming, it comes back once when it falls overdue."""
        return f"{self.key}:{self.stage}"

    def get_kind_display(self) -> str:
        return str(Kind(self.kind).label)

    def get_status_display(self) -> str:
        return str(DeadlineStatus(self.status).label)

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days


def status_on(*, due: dt.date, met: bool, today: dt.date, days_ahead: int = DAYS_AHEAD) -> str:
    """Met; overdue the day after the due date; upcoming from ``days_ahead`` days before it to the day itself."""
    if met:
        return DeadlineStatus.MET
    if today > due:
        return DeadlineStatus.OVERDUE
    if (due - today).days <= days_ahead:
        return DeadlineStatus.UPCOMING
    return DeadlineStatus.PENDING


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 1 March in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def year_after(start: dt.date) -> dt.date:
    """The last day of the year that starts on ``start``: 2025-03-01 → 2026-02-28, 2024-02-29 → 2025-02-28."""
    return add_years(start, 1) - dt.timedelta(days=1)


def listed(due: dt.date, today: dt.date, lookback_days: int = LOOKBACK_DAYS) -> bool:
    """Whether a deadline is recent enough to list: due no more than ``lookback_days`` before today."""
    return (today - due).days <= lookback_days


# Higher first; an empty level or rank is lowest.
_LEVELS = {level: len(LeadershipLevel) - i for i, level in enumerate(LeadershipLevel.values)}
_RANKS = {rank: len(Rank) - i for i, rank in enumerate(Rank.values)}


@dataclasses.dataclass(frozen=True, slots=True)
class Period:
    """A period of service as the deadlines read it (valid_to exclusive, None: in force)."""

    valid_from: dt.date
    valid_to: dt.date | None
    rank: str
    leadership_level: str
    status: str


def post_starts(periods: Sequence[Period]) -> list[dt.date]:
    """The days a post was taken: a period in service right after another in service with a higher leadership
    level (or a first one) or a higher rank.  The first period (hire, transfer in) is no post taken here."""
    starts = []
    previous = None
    for period in sorted(periods, key=lambda p: p.valid_from):
        if period.status != Status.ACTIVE:
            previous = None
            continue
        if previous is not None and (
            _LEVELS.get(period.leadership_level, 0) > _LEVELS.get(previous.leadership_level, 0)
            or _RANKS.get(period.rank, 0) > _RANKS.get(previous.rank, 0)
        ):
            starts.append(period.valid_from)
        previous = period
    return starts


def induction_deadline(
    *,
    cadre_id: int,
    hire_date: dt.date | None,
    probation_end: dt.date | None,
    induction_dates: Iterable[dt.date],
    today: dt.date,
    days_ahead: int = DAYS_AHEAD,
    lookback_days: int = LOOKBACK_DAYS,
) -> Deadline | None:
    """初任培训 by the probation's last day; None without a probation or when it ended long ago."""
    if probation_end is None:
        return None
    if not listed(probation_end, today, lookback_days):
        return None
    met = any(hire_date is None or day >= hire_date for day in induction_dates)
    return Deadline(
        cadre_id,
        Kind.INDUCTION,
        probation_end,
        str(_("Complete induction training within the probation year")),
        status_on(due=probation_end, met=met, today=today, days_ahead=days_ahead),
        ref=(hire_date or probation_end).isoformat(),
    )


def appointment_deadline(
    *,
    cadre_id: int,
    periods: Sequence[Period],
    appointment_dates: Iterable[dt.date],
    today: dt.date,
    days_ahead: int = DAYS_AHEAD,
    lookback_days: int = LOOKBACK_DAYS,
) -> Deadline | None:
    """任职培训 within a year of the latest post taken; None without one, or when it was due long ago."""
    starts = [day for day in post_starts(periods) if day <= today]
    if not starts:
        return None
    start = starts[-1]
    due = year_after(start)
    if not listed(due, today, lookback_days):
        return None
    earliest = add_years(start, -1)
    met = any(day >= earliest for day in appointment_dates)
    return Deadline(
        cadre_id,
        Kind.APPOINTMENT,
        due,
        str(_("Complete appointment training within a year of taking the post on %(date)s"))
        % {"date": start.isoformat()},
        status_on(due=due, met=met, today=today, days_ahead=days_ahead),
        ref=start.isoformat(),
    )


def hours_deadline(
    *,
    cadre_id: int,
    kind: str,
    requirement_pk: int,
    name: str,
    start_year: int,
    end_year: int,
    required: Decimal,
    done: Decimal,
    expected: Decimal,
    makeup_years: int,
    today: dt.date,
    days_ahead: int = DAYS_AHEAD,
) -> Deadline:
    """A 学时 requirement by the 31 December of its last year (plus a promoted cadre's make-up years); behind when
    the hours done are below what the share of the period passed asks (``expected``)."""
    due = dt.date(end_year + makeup_years, 12, 31)
    met = done >= required
    shortfall = max(required - done, Decimal(0))
    if start_year == end_year:
        what = _("%(name)s %(year)s: %(required)s hours required, %(done)s done, %(short)s to go") % {
            "name": name,
            "year": start_year,
            "required": _number(required),
            "done": _number(done),
            "short": _number(shortfall),
        }
    else:
        what = _("%(name)s %(first)s–%(last)s: %(required)s hours required, %(done)s done, %(short)s to go") % {
            "name": name,
            "first": start_year,
            "last": end_year + makeup_years,
            "required": _number(required),
            "done": _number(done),
            "short": _number(shortfall),
        }
    behind = not met and done < expected
    if behind:
        what += str(_("; by now %(expected)s were due")) % {"expected": _number(expected)}
    return Deadline(
        cadre_id,
        kind,
        due,
        str(what),
        status_on(due=due, met=met, today=today, days_ahead=days_ahead),
        behind=behind,
        ref=str(requirement_pk),
        shortfall=shortfall,
    )


def _number(value: Decimal) -> str:
    """12, 12.5, 12.25: no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def sort_key(deadline: Deadline) -> tuple:
    return (STATUS_ORDER[DeadlineStatus(deadline.status)], deadline.due, not deadline.behind, deadline.kind)
