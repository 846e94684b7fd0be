"""The merit competition pages' permission policy, merged by practice's policy module into the matrix
(``ganxun/core/tests/test_permissions.py``'s Rule shape, outcomes for an empty POST).

Targets ``add_targets(world)`` adds to the matrix's ``World`` (its training administrator holds the home unit,
where both competitions are organised; the system administrator reaches everything; no matrix account judges):

- ``competition``: a competition not yet published, with a criterion and two entries: ``own_cadre``'s
  (``entry_own``) and ``elsewhere``'s (``entry_elsewhere``, another 科室).
- ``published``: a published competition whose criterion (``published_criterion``), entry (``published_entry``)
  and award (``award``) an empty POST cannot remove (the scores are frozen; a revoke needs its reason).

``ganxun/practice/tests/test_competitions_permissions.py`` runs these rules.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from ganxun.core.tests.test_permissions import (
    FORBIDDEN,
    INVALID,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Rule,
    roles,
)

ANYONE = roles(OK)
ADMINS = roles(FORBIDDEN, training_admin=OK, system_admin=OK)
ADMINS_INVALID = roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID)
ADMINS_REDIRECT = roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT)
NONE = roles(NOT_ALLOWED)


def add_targets(world) -> None:
    from ganxun.practice.models import EntryKind
    from ganxun.practice.tests.factories import (
        AwardFactory,
        CompetitionEntryFactory,
        CompetitionFactory,
        CriterionFactory,
        ScoreFactory,
    )

    world.competition = CompetitionFactory(name="五比五赛", unit=world.home_unit)
    world.criterion = CriterionFactory(competition=world.competition, weight=Decimal(100))
    world.entry_own = CompetitionEntryFactory(competition=world.competition, cadre=world.own_cadre)
    world.entry_elsewhere = CompetitionEntryFactory(competition=world.competition, cadre=world.elsewhere)
    world.published = CompetitionFactory(name="已公布的竞赛", unit=world.home_unit, published_at=timezone.now())
    world.published_criterion = CriterionFactory(competition=world.published, weight=Decimal(100))
    world.published_entry = CompetitionEntryFactory(
        competition=world.published, kind=EntryKind.INDIVIDUAL, cadre=world.own_cadre
    )
    ScoreFactory(entry=world.published_entry, criterion=world.published_criterion, value=Decimal(90))
    world.award = AwardFactory(entry=world.published_entry, competition=world.published)


POLICY: dict[str, list[Rule]] = {
    # Everyone signed in lists the competitions they may see and exports that list.
    "practice:competition_list": [Rule(get=ANYONE, post=NONE)],
    "practice:competition_export": [Rule(get=ANYONE, post=NONE)],
    "practice:competition_create": [Rule(get=ADMINS, post=ADMINS_INVALID)],
    # The bureau's competition is read by its cadres (their own entries only, see the views' tests).
    "practice:competition_detail": [Rule(target="competition", get=ANYONE, post=NONE)],
    "practice:competition_update": [Rule(target="competition", get=ADMINS, post=ADMINS_INVALID)],
    "practice:criterion_create": [Rule(target="competition", get=ADMINS, post=ADMINS_INVALID)],
    "practice:criterion_update": [Rule(target="criterion", get=ADMINS, post=ADMINS_INVALID)],
    # Refused (frozen): back to the competition with the reason.
    "practice:criterion_delete": [Rule(target="published_criterion", get=NONE, post=ADMINS_REDIRECT)],
    "practice:competition_entry_create": [Rule(target="competition", get=ADMINS, post=ADMINS_INVALID)],
    "practice:competition_entry_detail": [
        Rule(target="entry_own", get=ANYONE, post=NONE),
        Rule(target="entry_elsewhere", get=roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND), post=NONE),
    ],
    "practice:competition_entry_update": [Rule(target="entry_own", get=ADMINS, post=ADMINS_INVALID)],
    "practice:competition_entry_delete": [Rule(target="published_entry", get=NONE, post=ADMINS_REDIRECT)],
    # No matrix account judges: the administrators open the agreed scores; an empty sheet saves nothing.
    "practice:competition_sheet": [Rule(target="competition", get=ADMINS, post=ADMINS_REDIRECT)],
    # Before publication the others read "not published yet".
    "practice:competition_ranking": [Rule(target="competition", get=ANYONE, post=NONE)],
    "practice:competition_ranking_export": [
        Rule(target="competition", get=ADMINS, post=NONE),
        Rule(target="published", get=ANYONE, post=NONE),
    ],
    # Incomplete scores: refused, back to the ranking with why.
    "practice:competition_publish": [Rule(target="competition", get=NONE, post=ADMINS_REDIRECT)],
    "practice:competition_correct": [
        Rule(target="competition", get=ADMINS_REDIRECT, post=ADMINS_REDIRECT),  # not published: to the sheet
        Rule(target="published", get=ADMINS, post=ADMINS_INVALID),
    ],
    "practice:competition_awards": [Rule(target="published", get=ANYONE, post=ADMINS_INVALID)],
    # Without a reason nothing is taken back: back to the awards with why.
    "practice:award_revoke": [Rule(target="award", get=NONE, post=ADMINS_REDIRECT)],
}
