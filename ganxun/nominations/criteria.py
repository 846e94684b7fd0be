"""A class's criteria checked against the roster: each criterion met or not, with the cadre's own value shown.

Nothing here refuses a nomination: the higher unit's criteria have exceptions it grants itself, so the people who
nominate and review see what the roster says and decide.  Age and years in rank are taken on the class's first
day; years in rank from the cadre's dated history (the latest unbroken run of periods at the current rank, or the
roster's 任现职级时间 when that run reaches back to the first period, whose start is only the hire date).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from ganxun.roster.models import PARTY_MEMBER_STATUSES, Cadre, CadrePeriod, Rank

RANK_ORDER = {value: n for n, value in enumerate(Rank.values)}  # highest first


@dataclasses.dataclass(frozen=True)
class Check:
    key: str
    label: str
    required: str
    actual: str
    met: bool


def full_years(start: dt.date, on: dt.date) -> int:
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def rank_since(cadre: Cadre, periods: list[CadrePeriod], on: dt.date) -> dt.date | None:
    """The first day of the cadre's current rank as of ``on`` (None without a rank)."""
    held = [p for p in periods if p.valid_from <= on]
    if not held:
        return cadre.rank_date if cadre.rank else None
    rank = held[-1].rank
    if not rank:
        return None
    start = held[-1].valid_from
    index = len(held) - 1
    while index > 0 and held[index - 1].rank == rank:
        index -= 1
        start = held[index].valid_from
    if index == 0 and cadre.rank_date and cadre.rank == rank:
        return cadre.rank_date  # the first period starts at hire: the roster's date of the rank says more
    return start


def periods_of(cadres: Iterable[Cadre]) -> dict[int, list[CadrePeriod]]:
    """Every period of these cadres, in order, in one query."""
    grouped: dict[int, list[CadrePeriod]] = defaultdict(list)
    ids = [c.pk for c in cadres]
    for period in CadrePeriod.objects.filter(cadre_id__in=ids).order_by("cadre_id", "valid_from"):
        grouped[period.cadre_id].append(period)
    return grouped


def check(programme, cadre: Cadre, periods: list[CadrePeriod]) -> list[Check]:
    """Each criterion the class sets, against this cadre's record on the class's first day."""
    on = programme.start_date
    checks: list[Check] = []
    if programme.max_age is not None:
        age = full_years(cadre.birth_date, on)
        checks.append(
            Check(
                "age",
                _("Age"),
                _("at most %(n)s") % {"n": programme.max_age},
                _("%(n)s (born %(date)s)") % {"n": age, "date": cadre.birth_date.isoformat()},
                age <= programme.max_age,
            )
        )
    held = [p for p in periods if p.valid_from <= on]
    rank = held[-1].rank if held else cadre.rank
    if programme.min_rank:
        rank_label = str(Rank(rank).label) if rank else _("no rank")
        met = bool(rank) and RANK_ORDER[rank] <= RANK_ORDER[programme.min_rank]
        checks.append(
            Check("rank", _("Rank"), _("%(rank)s or above") % {"rank": Rank(programme.min_rank).label}, rank_label, met)
        )
    if programme.min_years_in_rank is not None:
        since = rank_since(cadre, periods, on)
        if since is None:
            checks.append(
                Check(
                    "years_in_rank",
                    _("Years in rank"),
                    _("at least %(n)s") % {"n": programme.min_years_in_rank},
                    _("not known"),
                    False,
                )
            )
        else:
            years = full_years(since, on)
            checks.append(
                Check(
                    "years_in_rank",
                    _("Years in rank"),
                    _("at least %(n)s") % {"n": programme.min_years_in_rank},
                    _("%(n)s (since %(date)s)") % {"n": years, "date": since.isoformat()},
                    years >= programme.min_years_in_rank,
                )
            )
    if programme.party_member_required:
        checks.append(
            Check(
                "party",
                _("Political status"),
                _("CPC member or probationary member"),
                str(cadre.get_political_status_display()) or _("not recorded"),
                cadre.political_status in PARTY_MEMBER_STATUSES,
            )
        )
    return checks


def checks_for(programme, cadres: Iterable[Cadre]) -> dict[int, list[Check]]:
    """The checks of many cadres for one class, with their periods read in one query."""
    cadres = list(cadres)
    if not programme.has_criteria:
        return {c.pk: [] for c in cadres}
    periods = periods_of(cadres) if programme.min_years_in_rank is not None or programme.min_rank else {}
    return {c.pk: check(programme, c, periods.get(c.pk, [])) for c in cadres}


def summary(checks: list[Check]) -> dict:
    """For the audit trail: criterion → "actual (met/unmet)"."""
    return {c.label: f"{c.actual}（{_('met') if c.met else _('not met')}）" for c in checks}
