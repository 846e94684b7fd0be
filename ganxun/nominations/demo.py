"""The demo district's 调训 of a year, written through the services (deterministic; a second call adds nothing).

A 中青班 that has ended (nominated, approved, confirmed by the 区委组织部 on its notice, two 结业 with their 学时 on the
ledger and one 未结业) and a 青干班 still taking nominations (awaiting review, approved, rejected, confirmed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ganxun.roster.models import Cadre, PoliticalStatus, Rank, Status, Unit

from .models import Programme, Result
from .services import nomination_confirm, nomination_create, nomination_result, nomination_review, programme_create


def _candidates(unit: Unit, actors, count: int) -> list[Cadre]:
    """The youngest cadres in post of the unit who are not one of the acting accounts."""
    excluded = [a.cadre_id for a in actors if getattr(a, "cadre_id", None)]
    return list(
        Cadre.objects.filter(unit=unit, status=Status.ACTIVE)
        .exclude(pk__in=excluded)
        .order_by("-birth_date", "pk")[:count]
    )


def demo_nominations(
    *, org_admin, bureau_admin, org_unit: Unit, bureau: Unit, other_units: list[Unit], today: dt.date
) -> list[Programme]:
    """Two classes of ``today``'s year announced by ``org_unit`` (the 区委组织部) with places for ``bureau`` and
    ``other_units``; ``org_admin`` (held in ``org_unit``) announces and confirms on its behalf, ``bureau_admin``
    nominates and reviews the bureau's."""
    year = today.year
    done_title, open_title = f"{year}年区中青年干部培训班", f"{year}年区青年干部培训班"
    existing = list(Programme.objects.filter(organiser=org_unit, title__in=(done_title, open_title)))
    if existing:
        return existing
    actors = (org_admin, bureau_admin)
    start = max(dt.date(year, 1, 5), today - dt.timedelta(days=45))
    finished = programme_create(
        actor=org_admin,
        quotas=[(bureau, 3), *((u, 1) for u in other_units)],
        title=done_title,
        kind="mid_young",
        organiser=org_unit,
        notice_number=f"区委组〔{year}〕12号",
        start_date=start,
        end_date=start + dt.timedelta(days=9),
        hours=Decimal("80"),
        max_age=45,
        min_rank=Rank.PRINCIPAL_CLERK_4,
        min_years_in_rank=2,
        party_member_required=True,
        note="脱产培训，集中住宿。",
    )
    upcoming_start = today + dt.timedelta(days=30)
    upcoming = programme_create(
        actor=org_admin,
        quotas=[(bureau, 4), *((u, 2) for u in other_units)],
        title=open_title,
        kind="young",
        organiser=org_unit,
        notice_number=f"区委组〔{year}〕35号",
        start_date=upcoming_start,
        end_date=upcoming_start + dt.timedelta(days=4),
        hours=Decimal("40"),
        deadline=today + dt.timedelta(days=10),
        max_age=35,
        party_member_required=True,
    )
    notice_day = start - dt.timedelta(days=10)

    people = _candidates(bureau, actors, 7)
    party = [c for c in people if c.political_status in (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)]
    others = [c for c in people if c not in party]
    ordered = party + others
    # the finished 中青班: three of the bureau confirmed, two completed and one not
    for n, cadre in enumerate(ordered[:3]):
        nomination = nomination_create(
            actor=bureau_admin, programme=finished, cadre=cadre, reason="政治素质好，业务能力强，群众公认。"
        )
        nomination = nomination_review(actor=bureau_admin, nomination=nomination, approve=True)
        nomination = nomination_confirm(
            actor=org_admin,
            nomination=nomination,
            confirm=True,
            document=f"区委组〔{year}〕15号",
            date=notice_day,
        )
        if n < 2:
            nomination_result(
                actor=org_admin, nomination=nomination, result=Result.COMPLETED, score=("优秀", "合格")[n]
            )
        else:
            nomination_result(
                actor=org_admin, nomination=nomination, result=Result.NOT_COMPLETED, note="因公请假超过总学时七分之一"
            )
    # the 青干班 still open: one awaiting review, one approved, one rejected, one confirmed
    states = ("pending", "approved", "rejected", "confirmed")
    for state, cadre in zip(states, ordered[3:7], strict=False):
        nomination = nomination_create(
            actor=bureau_admin, programme=upcoming, cadre=cadre, reason="青年骨干，推荐参训。"
        )
        if state == "pending":
            continue
        nomination = nomination_review(
            actor=bureau_admin,
            nomination=nomination,
            approve=state != "rejected",
            reason="本年度已参加其他脱产培训" if state == "rejected" else "",
        )
        if state == "confirmed":
            nomination_confirm(
                actor=org_admin, nomination=nomination, confirm=True, document=f"区委组〔{year}〕38号", date=today
            )
    for unit in other_units:
        for cadre in _candidates(unit, actors, 1):
            nomination_create(actor=org_admin, programme=upcoming, cadre=cadre, reason="单位推荐。")
    return [finished, upcoming]
