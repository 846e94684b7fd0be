"""The practice classroom's year-end figures (the seed's "82名党员到社区专程报到，累计122人投身社区抗疫一线 …"),
each computed from the records in a few queries, and per figure the records behind it (for the drill-down pages).

A figure is taken over a :class:`Scope`: everything, a unit and the units below it (``--unit CODE``), one 科室,
and on the pages what the user may see (each model's ``visible_to``).  A record counts where it is attributed
(the cadre's 单位 and 科室 on its first day, set by the services); the 学时 where the ledger counts them
(``HourTotal``: the unit and 科室 of the entry's date).

- "In the year" means the record has a day in it: a stint from 12-20 to 01-05 counts in both years.
- A stint at a 小区 reaches its 居委 too; a place merged into another counts as the place kept (the services move
  every record to the kept place; the figures also read through ``merged_into`` in case a record still points
  at the old one).
- Team membership on 31 December: joined on or before it and not yet left (``left_on`` is exclusive, as
  ``TeamMembership.is_member_on``): a member whose ``left_on`` is 12-31 is not counted, one leaving 01-01 of the
  next year is.
- Community reporting counts distinct cadres who reported in the year and are party members (中共党员/预备党员):
  the service refuses anyone else on the day; the roster does not date political status, so the figure checks
  the status as held now, and a report entered around the service cannot lift it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ganxun.hours.models import Bucket, HourTotal, LedgerEntry
from ganxun.roster.models import PARTY_MEMBER_STATUSES, Unit, admin_unit_ids

from .models import (
    COMMUNITY_KINDS,
    KEY_SITE_KINDS,
    Award,
    CommunityReport,
    CompetitionEntry,
    PlaceKind,
    Secondment,
    Stint,
    Team,
    TeamMembership,
)

# The keys of the figures, in the order the command prints them and the page shows them.
KEYS = (
    "community_reporting_party_members",
    "frontline_people",
    "key_site_people",
    "committees_supported",
    "estates_supported",
    "team_members",
    "secondment_people",
    "competition_entries",
    "awards",
    "hours",
)

# The drill-down page of each figure: its address part, its label and what it counts.
SLUGS = {
    "community_reporting_party_members": "community",
    "frontline_people": "frontline",
    "key_site_people": "key-sites",
    "committees_supported": "committees",
    "estates_supported": "estates",
    "team_members": "teams",
    "secondment_people": "secondments",
    "competition_entries": "entries",
    "awards": "awards",
    "hours": "hours",
}
FIGURE_OF_SLUG = {slug: key for key, slug in SLUGS.items()}
LABELS = {
    "community_reporting_party_members": _("Party members who reported to their community"),
    "frontline_people": _("People on the community front line"),
    "key_site_people": _("People at key sites (airport, quarantine, medical observation)"),
    "committees_supported": _("Residents' committees supported"),
    "estates_supported": _("Residential estates supported"),
    "team_members": _("Team members on 31 December"),
    "secondment_people": _("People on secondment"),
    "competition_entries": _("Competition entries"),
    "awards": _("Number of awards"),
    "hours": _("Practice hours confirmed"),
}


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whose records count: ``unit`` and the units below it, one ``section_id`` (科室), and with ``user`` only what
    that user may see.  Empty: everything."""

    unit: Unit | None = None
    section_id: int | None = None
    user: object | None = None

    def records(self, queryset: QuerySet) -> QuerySet:
        """Cadre records (stints, reports, memberships, secondments) in the scope."""
        if self.user is not None:
            queryset = queryset.visible_to(self.user)
        if self.unit is not None:
            queryset = queryset.in_unit(self.unit)
        if self.section_id is not None:
            queryset = queryset.filter(section_id=self.section_id)
        return queryset

    def attributed(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """Rows with their own ``unit``/``section`` (a competition entry, an hour total, a ledger entry), and for a
        user the units their role reaches."""
        if self.user is not None:
            user = self.user
            if user.is_admin:
                units = admin_unit_ids(user)
                if units is not None:
                    queryset = queryset.filter(**{f"{prefix}unit_id__in": units})
            elif user.is_section_head and user.section_id_scope is not None:
                queryset = queryset.filter(**{f"{prefix}section_id": user.section_id_scope})
            else:
                queryset = queryset.none()
        if self.unit is not None:
            queryset = queryset.filter(**{f"{prefix}unit__in": Unit.objects.subtree(self.unit).values("pk")})
        if self.section_id is not None:
            queryset = queryset.filter(**{f"{prefix}section_id": self.section_id})
        return queryset


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _kept(prefix: str) -> Coalesce:
    """The place at ``prefix`` as kept after a merge."""
    return Coalesce(F(f"{prefix}__merged_into"), F(prefix), output_field=IntegerField())


# The 居委 a stint reaches: its own place when that is a 居委, the 居委 a 小区 belongs to.
REACHED_COMMITTEE = Case(
    When(place__kind=PlaceKind.COMMITTEE, then=_kept("place")),
    When(place__kind=PlaceKind.ESTATE, place__parent__kind=PlaceKind.COMMITTEE, then=_kept("place__parent")),
    default=None,
    output_field=IntegerField(),
)
REACHED_ESTATE = Case(
    When(place__kind=PlaceKind.ESTATE, then=_kept("place")), default=None, output_field=IntegerField()
)


# --- The records behind each figure ----------------------------------------------------------------------------


def community_reports(year: int, scope: Scope = Scope()) -> QuerySet:
    first, last = year_bounds(year)
    return scope.records(CommunityReport.objects.all()).filter(
        date__gte=first, date__lte=last, cadre__political_status__in=PARTY_MEMBER_STATUSES
    )


def stints(year: int, scope: Scope = Scope()) -> QuerySet:
    """Stints with a day in the year."""
    return scope.records(Stint.objects.all()).in_year(year)


def frontline_stints(year: int, scope: Scope = Scope()) -> QuerySet:
    return stints(year, scope).filter(place__kind__in=COMMUNITY_KINDS)


def key_site_stints(year: int, scope: Scope = Scope()) -> QuerySet:
    return stints(year, scope).filter(place__kind__in=KEY_SITE_KINDS)


def committee_stints(year: int, scope: Scope = Scope()) -> QuerySet:
    """Stints reaching a 居委, each annotated with the 居委 it reaches (``reached``)."""
    return stints(year, scope).annotate(reached=REACHED_COMMITTEE).filter(reached__isnull=False)


def estate_stints(year: int, scope: Scope = Scope()) -> QuerySet:
    """Stints at a 小区, annotated with the 小区 (``reached``, the place kept after a merge)."""
    return stints(year, scope).annotate(reached=REACHED_ESTATE).filter(reached__isnull=False)


def memberships(year: int, scope: Scope = Scope()) -> QuerySet:
    """The team memberships in force on 31 December of the year, of teams not dissolved by then."""
    last = dt.date(year, 12, 31)
    return (
        scope.records(TeamMembership.objects.all())
        .on(last)
        .filter(Q(team__dissolved_on__isnull=True) | Q(team__dissolved_on__gt=last), team__formed_on__lte=last)
    )


def secondments(year: int, scope: Scope = Scope()) -> QuerySet:
    return scope.records(Secondment.objects.all()).in_year(year)


def competition_entries(year: int, scope: Scope = Scope()) -> QuerySet:
    return scope.attributed(CompetitionEntry.objects.filter(competition__year=year))


def awards(year: int, scope: Scope = Scope()) -> QuerySet:
    return scope.attributed(Award.objects.filter(competition__year=year), prefix="entry__")


def hour_entries(year: int, scope: Scope = Scope()) -> QuerySet:
    """The confirmed 实践锻炼 ledger entries of the year, where the ledger counts them."""
    return scope.attributed(LedgerEntry.objects.confirmed().in_year(year).filter(bucket=Bucket.PRACTICE))


RECORDS = {
    "community_reporting_party_members": community_reports,
    "frontline_people": frontline_stints,
    "key_site_people": key_site_stints,
    "committees_supported": committee_stints,
    "estates_supported": estate_stints,
    "team_members": memberships,
    "secondment_people": secondments,
    "competition_entries": competition_entries,
    "awards": awards,
    "hours": hour_entries,
}


def records(figure: str, year: int, scope: Scope = Scope()) -> QuerySet:
    """The records behind one figure (a key of KEYS)."""
    return RECORDS[figure](year, scope)


# --- The figures -------------------------------------------------------------------------------------------------


def teams_on(year: int, scope: Scope = Scope()) -> dict[str, int]:
    """Team name → members on 31 December: every team of the scope's units standing then (0 without members),
    and any team a member in scope belongs to.  Two teams of one name in a subtree count together."""
    last = dt.date(year, 12, 31)
    counts = dict(
        memberships(year, scope)
        .order_by()
        .values_list("team__name")
        .annotate(members=Count("cadre", distinct=True))
        .values_list("team__name", "members")
    )
    standing = Team.objects.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=last), formed_on__lte=last)
    if scope.user is not None:
        standing = standing.visible_to(scope.user)
    if scope.unit is not None:
        standing = standing.filter(unit__in=Unit.objects.subtree(scope.unit).values("pk"))
    if scope.section_id is None:  # a 科室's figures name only the teams its people are in
        for name in standing.values_list("name", flat=True):
            counts.setdefault(name, 0)
    return dict(sorted(counts.items()))


def hours(year: int, scope: Scope = Scope()) -> Decimal:
    """Confirmed 实践锻炼 学时 of the year, from the maintained totals."""
    cents = scope.attributed(HourTotal.objects.filter(year=year)).aggregate(cents=Sum("practice"))["cents"] or 0
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def figures(year: int, scope: Scope = Scope()) -> dict:
    """Every figure of the year, keys as KEYS (hours a Decimal, team_members a dict)."""
    deployed = stints(year, scope).aggregate(
        frontline=Count("cadre", distinct=True, filter=Q(place__kind__in=COMMUNITY_KINDS)),
        key_sites=Count("cadre", distinct=True, filter=Q(place__kind__in=KEY_SITE_KINDS)),
        committees=Count(REACHED_COMMITTEE, distinct=True),
        estates=Count(REACHED_ESTATE, distinct=True),
    )
    return {
        "community_reporting_party_members": community_reports(year, scope).values("cadre").distinct().count(),
        "frontline_people": deployed["frontline"],
        "key_site_people": deployed["key_sites"],
        "committees_supported": deployed["committees"],
        "estates_supported": deployed["estates"],
        "team_members": teams_on(year, scope),
        "secondment_people": secondments(year, scope).values("cadre").distinct().count(),
        "competition_entries": competition_entries(year, scope).count(),
        "awards": awards(year, scope).count(),
        "hours": hours(year, scope),
    }


PEOPLE = frozenset({"community_reporting_party_members", "frontline_people", "key_site_people", "secondment_people"})


def figure(key: str, year: int, scope: Scope = Scope()):
    """One figure alone (a drill-down page's heading), the same as ``figures(year, scope)[key]``."""
    if key == "team_members":
        return teams_on(year, scope)
    if key == "hours":
        return hours(year, scope)
    found = records(key, year, scope).order_by()
    if key in PEOPLE:
        return found.values("cadre").distinct().count()
    if key in ("committees_supported", "estates_supported"):
        return found.values("reached").distinct().count()
    return found.count()
