"""The practice part of a cadre's training archive (``hours.hooks.archive_parts``): per year, every practice record
of the cadre with a day in it — deployments, community reports, team memberships, secondments, visits, competition
entries and awards — each linked to its own page.  The 学时 counted from them are the archive's own lines (the
ledger links them to their records); this part also lists what counts no 学时 (a team membership, an award)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .models import Award, CommunityReport, CompetitionEntry, Secondment, Stint, TeamMembership, Visit

TEMPLATE = "practice/archive/section.html"


@dataclasses.dataclass
class Line:
    """One practice record in the archive."""

    kind: str
    title: str
    first: dt.date | None
    last: dt.date | None
    url: str | None


def _url(record) -> str | None:
    try:
        return record.get_absolute_url()
    except NoReverseMatch:  # the page of this kind of record is not installed
        return None


def _lines(cadre, first: dt.date, last: dt.date, user) -> list[Line]:
    lines = []
    for stint in (
        Stint.objects.visible_to(user).filter(cadre=cadre).overlapping(first, last).select_related("campaign", "place")
    ):
        where = f"{stint.campaign.name} · {stint.place.name}"
        lines.append(Line(_("Deployment"), where, stint.start_date, stint.end_date, _url(stint)))
    for report in (
        CommunityReport.objects.visible_to(user).filter(cadre=cadre).overlapping(first, last).select_related("place")
    ):
        title = f"{report.place.name}{' · ' + report.service if report.service else ''}"
        lines.append(Line(_("Community report"), title, report.date, report.date, _url(report)))
    for member in (
        TeamMembership.objects.visible_to(user).filter(cadre=cadre).overlapping(first, last).select_related("team")
    ):
        end = member.left_on - dt.timedelta(days=1) if member.left_on else None
        title = f"{member.team.name} · {member.get_role_display()}"
        lines.append(Line(_("Team membership"), title, member.joined_on, end, _url(member)))
    for secondment in Secondment.objects.visible_to(user).filter(cadre=cadre).overlapping(first, last):
        title = " · ".join(part for part in (secondment.region, secondment.host_unit, secondment.post) if part)
        lines.append(
            Line(secondment.get_kind_display(), title, secondment.start_date, secondment.end_date, _url(secondment))
        )
    for visit in Visit.objects.visible_to(user).filter(cadre=cadre).overlapping(first, last).select_related("place"):
        title = f"{visit.where}{' · ' + visit.task if visit.task else ''}"
        lines.append(Line(visit.get_kind_display(), title, visit.start_date, visit.end_date, _url(visit)))
    years = range(first.year, last.year + 1)
    entered = Q(cadre=cadre) | Q(members=cadre)
    for entry in (
        CompetitionEntry.objects.visible_to(user)
        .filter(entered, competition__year__in=years)
        .select_related("competition")
        .distinct()
    ):
        day = entry.competition.end_date or entry.competition.start_date or dt.date(entry.competition.year, 12, 31)
        lines.append(Line(_("Competition entry"), f"{entry.competition.name} · {entry}", day, day, _url(entry)))
    for award in (
        Award.objects.visible_to(user)
        .filter(Q(entry__cadre=cadre) | Q(entry__members=cadre), competition__year__in=years)
        .select_related("competition", "entry")
        .distinct()
    ):
        day = award.competition.end_date or dt.date(award.competition.year, 12, 31)
        title = f"{award.competition.name} · {award.get_level_display()}"
        lines.append(Line(_("Award"), title, day, day, _url(award.entry)))
    return lines


def archive_part(cadre, years: list[int], user) -> dict[int, dict]:
    """{year: section} for the archive's years: the cadre's practice records with a day in each year."""
    if not years:
        return {}
    lines = _lines(cadre, dt.date(min(years), 1, 1), dt.date(max(years), 12, 31), user)
    try:
        everything = reverse("practice:cadre_practice", args=[cadre.pk])
    except NoReverseMatch:
        everything = None
    sections = {}
    for year in years:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        shown = [
            line
            for line in lines
            if (line.first is None or line.first <= last) and (line.last is None or line.last >= first)
        ]
        if shown:
            shown.sort(key=lambda line: (line.first or first, line.kind, line.title))
            sections[year] = {"template": TEMPLATE, "year": year, "lines": shown, "all_url": everything}
    return sections
