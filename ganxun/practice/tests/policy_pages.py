"""The practice pages' permission policy (lists, detail pages, forms, merge, evidence, a cadre's practice), and the
ledger's link to a record (``credit_detail``).  Merged by ``policy_practice``.

The matrix's world (``core/tests/test_permissions.World``): the cadre (``own_cadre``) and ``peer`` in the section
head's 科室, ``elsewhere`` in the other 科室, everyone in one unit.  ``add_targets`` adds a campaign and a team of
that unit, a place, and of each kind of record one of ``own_cadre`` (``*_own``: in the head's 科室) and one of
``elsewhere`` (``*_elsewhere``), with evidence files.  A 科室负责人 enters and sees their 科室's records only
(another's is a 404), a cadre reads their own (writes: 403, before anything is looked up); places, campaigns and
teams are kept by the administrators.  An empty POST to a form is the form again with its errors: 200 for a
generic create/edit view, 400 for the pages that say so.  Deleting: the first who may delete does (a redirect),
those after find nothing (404); roles go in ROLES order, each URL with a world of its own.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from ganxun.core.tests.test_permissions import (
    FORBIDDEN,
    INVALID,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Rule,
    admins_only,
    roles,
)

EVERYONE = roles(OK)
GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)
ADMINS = roles(FORBIDDEN, training_admin=OK, system_admin=OK)
ENTERERS = roles(OK, cadre=FORBIDDEN)  # administrators and the 科室负责人
# A record of another 科室: administrators only; the head does not find it, the cadre is refused before the look-up.
ELSEWHERE_ENTERERS = roles(OK, cadre=FORBIDDEN, section_head=NOT_FOUND)
ELSEWHERE_READERS = roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND)


def enterers(outcome: str) -> dict[str, str]:
    return roles(outcome, cadre=FORBIDDEN)


def admins(outcome: str) -> dict[str, str]:
    return roles(FORBIDDEN, training_admin=outcome, system_admin=outcome)


def _list(name: str) -> dict[str, list[Rule]]:
    return {
        f"practice:{name}_list": [Rule(get=EVERYONE, post=GET_ONLY)],
        f"practice:{name}_export": [Rule(get=EVERYONE, post=GET_ONLY)],
    }


def _record(key: str, *, create: bool) -> dict[str, list[Rule]]:
    """The pages of a cadre record: detail, edit, evidence, delete (and the entry form)."""
    own, elsewhere = f"{key}_own", f"{key}_elsewhere"
    policy = {
        f"practice:{key}_detail": [
            Rule(target=own, get=EVERYONE, post=GET_ONLY),
            Rule(target=elsewhere, get=ELSEWHERE_READERS, post=GET_ONLY),
        ],
        f"practice:{key}_update": [
            Rule(target=own, get=ENTERERS, post=ENTERERS),
            Rule(target=elsewhere, get=ELSEWHERE_ENTERERS, post=ELSEWHERE_ENTERERS),
        ],
        f"practice:{key}_evidence": [
            Rule(target=own, get=POST_ONLY, post=enterers(INVALID)),
            Rule(target=elsewhere, get=POST_ONLY, post=roles(INVALID, cadre=FORBIDDEN, section_head=NOT_FOUND)),
        ],
        # The head deletes their 科室's record; the administrators after find it gone.
        f"practice:{key}_delete": [
            Rule(target=own, get=POST_ONLY, post=roles(NOT_FOUND, cadre=FORBIDDEN, section_head=REDIRECT)),
            Rule(
                target=elsewhere,
                get=POST_ONLY,
                post=roles(NOT_FOUND, cadre=FORBIDDEN, training_admin=REDIRECT),
            ),
        ],
    }
    if create:
        policy[f"practice:{key}_create"] = [Rule(get=ENTERERS, post=ENTERERS)]
    return policy


POLICY: dict[str, list[Rule]] = {
    "practice:index": [Rule(get=EVERYONE, post=GET_ONLY)],
    **_list("place"),
    **_list("campaign"),
    **_list("stint"),
    **_list("community_report"),
    **_list("team"),
    **_list("secondment"),
    **_list("visit"),
    # Places: one register everyone reads; the administrators keep it.
    "practice:place_create": [admins_only()],
    "practice:place_detail": [Rule(target="place", get=EVERYONE, post=GET_ONLY)],
    "practice:place_update": [admins_only("place")],
    "practice:place_merge": [Rule(target="place", get=ADMINS, post=admins(INVALID))],
    "practice:place_evidence": [Rule(target="place", get=POST_ONLY, post=admins(INVALID))],
    # Places, campaigns and teams in use: the deletion is refused with why, back to the page.
    "practice:place_delete": [Rule(target="place", get=POST_ONLY, post=admins(REDIRECT))],
    "practice:campaign_delete": [Rule(target="campaign", get=POST_ONLY, post=admins(REDIRECT))],
    "practice:team_delete": [Rule(target="team", get=POST_ONLY, post=admins(REDIRECT))],
    # Campaigns and teams: the head sees those of their unit (to enter their 科室's records), the cadre those they
    # take part in (the world's cadre has a stint and a membership).
    "practice:campaign_create": [admins_only()],
    "practice:campaign_detail": [Rule(target="campaign", get=EVERYONE, post=GET_ONLY)],
    "practice:campaign_update": [admins_only("campaign")],
    "practice:campaign_evidence": [Rule(target="campaign", get=POST_ONLY, post=admins(INVALID))],
    "practice:stint_create": [Rule(target="campaign", get=ENTERERS, post=ENTERERS)],
    "practice:team_create": [admins_only()],
    "practice:team_detail": [Rule(target="team", get=EVERYONE, post=GET_ONLY)],
    "practice:team_update": [admins_only("team")],
    "practice:team_evidence": [Rule(target="team", get=POST_ONLY, post=admins(INVALID))],
    "practice:team_membership_create": [Rule(target="team", get=ENTERERS, post=ENTERERS)],
    "practice:team_membership_leave": [
        Rule(target="team_membership_own", get=ENTERERS, post=enterers(INVALID)),
        Rule(
            target="team_membership_elsewhere",
            get=ELSEWHERE_ENTERERS,
            post=roles(INVALID, cadre=FORBIDDEN, section_head=NOT_FOUND),
        ),
    ],
    **_record("stint", create=False),
    **_record("community_report", create=True),
    **_record("team_membership", create=False),
    **_record("secondment", create=True),
    **_record("visit", create=True),
    "practice:evidence_file": [
        Rule(target="evidence_own", get=EVERYONE, post=GET_ONLY),
        Rule(target="evidence_elsewhere", get=ELSEWHERE_READERS, post=GET_ONLY),
    ],
    # Whoever may add evidence to the record removes it; the roles after find it gone.
    "practice:evidence_delete": [
        Rule(target="evidence_own", get=POST_ONLY, post=roles(NOT_FOUND, cadre=FORBIDDEN, section_head=REDIRECT)),
        Rule(
            target="evidence_elsewhere",
            get=POST_ONLY,
            post=roles(NOT_FOUND, cadre=FORBIDDEN, training_admin=REDIRECT),
        ),
    ],
    "practice:cadre_practice": [
        Rule(target="own_cadre", get=EVERYONE, post=GET_ONLY),
        Rule(target="peer", get=roles(OK, cadre=NOT_FOUND), post=GET_ONLY),
        Rule(target="elsewhere", get=ELSEWHERE_READERS, post=GET_ONLY),
    ],
    # The ledger's link to the record its hours came from: for whoever sees the cadre's hours, then on.
    "practice:credit_detail": [
        Rule(target="credit_own", get=roles(REDIRECT), post=roles(REDIRECT)),
        Rule(
            target="credit_elsewhere",
            get=roles(REDIRECT, cadre=NOT_FOUND, section_head=NOT_FOUND),
            post=roles(REDIRECT, cadre=NOT_FOUND, section_head=NOT_FOUND),
        ),
    ],
}


def add_targets(world) -> None:
    """The objects the rules above point at.  Needs MEDIA_ROOT to be writable (the evidence files)."""
    from ganxun.hours.models import LedgerEntry
    from ganxun.practice.models import Evidence, PlaceKind, PracticeCredit
    from ganxun.practice.tests.factories import (
        CampaignFactory,
        CommunityReportFactory,
        PlaceFactory,
        SecondmentFactory,
        StintFactory,
        TeamFactory,
        TeamMembershipFactory,
        VisitFactory,
    )
    from ganxun.roster.models import PoliticalStatus

    unit = world.head_section.unit
    world.place = PlaceFactory(name="长白一村居委", kind=PlaceKind.COMMITTEE)
    world.campaign = CampaignFactory(name="2022年社区抗疫", unit=unit)
    world.team = TeamFactory(name="房管应急支援队", unit=unit, formed_on=dt.date(2022, 1, 1))
    for who, cadre in (("own", world.own_cadre), ("elsewhere", world.elsewhere)):
        cadre.political_status = PoliticalStatus.CPC_MEMBER
        cadre.save()
        setattr(world, f"stint_{who}", StintFactory(cadre=cadre, campaign=world.campaign, place=world.place))
        setattr(world, f"community_report_{who}", CommunityReportFactory(cadre=cadre, place=world.place))
        setattr(
            world,
            f"team_membership_{who}",
            TeamMembershipFactory(cadre=cadre, team=world.team, joined_on=dt.date(2022, 1, 1)),
        )
        setattr(world, f"secondment_{who}", SecondmentFactory(cadre=cadre))
        setattr(world, f"visit_{who}", VisitFactory(cadre=cadre, place=world.place))
        stint = getattr(world, f"stint_{who}")
        evidence = Evidence(record=stint, note="派驻通知")
        evidence.file.save("通知.pdf", ContentFile(b"%PDF-1.4 policy"), save=False)
        evidence.save()
        setattr(world, f"evidence_{who}", evidence)
        credit = PracticeCredit.objects.create(cadre=cadre, year=2022, stint=stint, title=str(stint), days=10)
        LedgerEntry.objects.create(
            cadre=cadre,
            date=stint.start_date,
            hours=8,
            bucket="practice",
            source="practice",
            source_id=credit.pk,
            title=credit.title,
            status="confirmed",
        )
        setattr(world, f"credit_{who}", credit)
