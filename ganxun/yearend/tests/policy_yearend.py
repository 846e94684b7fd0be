"""The year-end report's permission policy: every ``yearend:`` URL, role by role, GET and an empty POST (the
figures' record pages are declared in policy_yearend_figures).

Administrators write the drafts of the units they reach; 领导干部 read them (the matrix's world has none: a
section head's 科级 post is no 领导干部); 科室负责人 and cadres are refused (403).  An empty POST to the choice of
unit and year or to a paragraph is the form with its errors (400); regenerating sends the administrator back to the
draft.  ``add_targets`` adds the home unit's draft of this year with the default text (figures not computed)."""

from __future__ import annotations

from ganxun.core.tests.test_permissions import FORBIDDEN, INVALID, NOT_ALLOWED, OK, REDIRECT, Rule, roles

from .policy_yearend_figures import POLICY as FIGURE_POLICY
from .policy_yearend_figures import add_targets as figure_targets


def admins(outcome: str) -> dict[str, str]:
    return roles(FORBIDDEN, training_admin=outcome, system_admin=outcome)


GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)

POLICY: dict[str, list[Rule]] = {
    **FIGURE_POLICY,
    "yearend:draft_list": [Rule(get=admins(OK), post=GET_ONLY)],
    "yearend:draft_create": [Rule(get=POST_ONLY, post=admins(INVALID))],
    "yearend:draft_detail": [Rule(get=admins(OK), post=GET_ONLY, target="yearend_draft")],
    "yearend:draft_regenerate": [Rule(get=POST_ONLY, post=admins(REDIRECT), target="yearend_draft")],
    "yearend:draft_word": [Rule(get=admins(OK), post=GET_ONLY, target="yearend_draft")],
    "yearend:paragraph_update": [Rule(get=admins(OK), post=admins(INVALID), target="yearend_paragraph")],
}


def add_targets(world) -> None:
    """The rows this area's rules point at (``Rule.target`` names an attribute set here on the world)."""
    import datetime as dt

    from ..models import Draft, Paragraph
    from ..prose import default_paragraphs

    figure_targets(world)
    year = dt.date.today().year
    world.yearend_draft = Draft.objects.create(unit=world.home_unit, year=year)
    Paragraph.objects.bulk_create(
        Paragraph(draft=world.yearend_draft, position=n, kind=kind, text=text)
        for n, (kind, text) in enumerate(default_paragraphs(world.home_unit.name, year), start=1)
    )
    world.yearend_paragraph = world.yearend_draft.paragraphs.first()
