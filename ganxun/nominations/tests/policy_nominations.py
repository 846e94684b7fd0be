"""The permission policy of 调训 / 推荐 (run by ``test_permissions_nominations``).

The classes are the administrators' and the 科室负责人's (who nominates their 科室's cadres); a cadre gets a 403
there and reads their own nominations (``my_nominations``, and each one's page and certificate; another's is a
404).  Reviewing, confirming on the higher unit's behalf, recording results, the counts and the export are the
administrators'.  An empty POST to a form is the form again with its errors (400).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

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

GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)
ADMINS = roles(FORBIDDEN, training_admin=OK, system_admin=OK)
NOMINATORS = roles(OK, cadre=FORBIDDEN)


def _admin_post(target: str) -> Rule:
    return Rule(get=POST_ONLY, post=roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID), target=target)


POLICY: dict[str, list[Rule]] = {
    "nominations:programme_list": [Rule(get=NOMINATORS, post=GET_ONLY)],
    "nominations:programme_create": [
        Rule(get=ADMINS, post=roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID))
    ],
    "nominations:programme_detail": [Rule(get=NOMINATORS, post=GET_ONLY, target="nom_programme")],
    "nominations:quota_update": [_admin_post("nom_programme")],
    # Choosing the plan item the class carries out for the administrator's own unit (an empty choice: none);
    # the system administrator has no unit, so no plan.
    "nominations:programme_plan_link": [
        Rule(get=POST_ONLY, post=roles(FORBIDDEN, training_admin=REDIRECT), target="nom_programme")
    ],
    # The class corrected by the administrators of the unit that announced it (the home unit here).
    "nominations:programme_update": [
        Rule(get=ADMINS, post=roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID), target="nom_programme")
    ],
    "nominations:programme_export": [Rule(get=ADMINS, post=GET_ONLY, target="nom_programme")],
    "nominations:nomination_create": [
        Rule(get=NOMINATORS, post=roles(INVALID, cadre=FORBIDDEN), target="nom_programme")
    ],
    "nominations:nomination_detail": [
        Rule(get=roles(OK), post=GET_ONLY, target="nom_own"),
        Rule(get=roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND), post=GET_ONLY, target="nom_elsewhere"),
    ],
    "nominations:nomination_review": [_admin_post("nom_own")],
    "nominations:nomination_confirm": [_admin_post("nom_approved")],
    "nominations:nomination_result": [_admin_post("nom_confirmed")],
    # Withdrawing a confirmed nomination: administrators only, and an empty POST lacks the reason (400); the cadre
    # and the section head read it and are refused (403).
    "nominations:nomination_withdraw": [_admin_post("nom_confirmed")],
    "nominations:nomination_certificate": [
        Rule(get=roles(OK), post=GET_ONLY, target="nom_confirmed"),
        Rule(get=roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND), post=GET_ONLY, target="nom_elsewhere"),
    ],
    "nominations:my_nominations": [Rule(get=roles(OK), post=GET_ONLY)],
    "nominations:counts": [Rule(get=ADMINS, post=GET_ONLY)],
}


def add_targets(world) -> None:
    """A class of the home unit with places for it; nominations of the cadre (awaiting review), of the peer
    (approved), of the cadre again in another class (confirmed, with a certificate) and of the other 科室's cadre."""
    from ganxun.roster.models import Unit, home_unit_id

    from ..models import Nomination, NominationStatus, Programme, Quota

    home = Unit.objects.get(pk=home_unit_id())
    start = dt.date(2026, 9, 1)

    def programme(title: str) -> tuple[Programme, Quota]:
        p = Programme.objects.create(
            title=title, kind="mid_young", organiser=home, start_date=start, end_date=start, hours=Decimal("8")
        )
        return p, Quota.objects.create(programme=p, unit=home, places=10)

    world.nom_programme, quota = programme("2026年中青班")
    other, other_quota = programme("2026年青干班")

    def nominate(p, q, cadre, status, **extra) -> Nomination:
        return Nomination.objects.create(
            programme=p, quota=q, cadre=cadre, unit=cadre.unit, section=cadre.section, status=status, **extra
        )

    world.nom_own = nominate(world.nom_programme, quota, world.own_cadre, NominationStatus.NOMINATED)
    world.nom_approved = nominate(world.nom_programme, quota, world.peer, NominationStatus.APPROVED)
    world.nom_elsewhere = nominate(world.nom_programme, quota, world.elsewhere, NominationStatus.CONFIRMED)
    world.nom_confirmed = nominate(
        other, other_quota, world.own_cadre, NominationStatus.CONFIRMED, confirm_document="区委组〔2026〕1号"
    )
    world.nom_confirmed.certificate.save("证书.pdf", ContentFile(b"%PDF-1.4 stand-in"), save=True)
    world.nom_elsewhere.certificate.save("证书.pdf", ContentFile(b"%PDF-1.4 stand-in"), save=True)
