"""The services of 调训: quota, review, confirmation on the higher unit's behalf, result → 学时, the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ganxun.audit.models import AuditEvent
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.history import cadre_change
from ganxun.roster.models import PoliticalStatus, Rank

from .. import criteria
from ..models import Nomination, NominationStatus, Result
from ..queries import nomination_counts, nomination_counts_by_year
from ..services import (
    nomination_confirm,
    nomination_create,
    nomination_result,
    nomination_review,
    programme_create,
    quota_set,
)
from .world import START, Bureau

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def confirmed(world: Bureau, cadre) -> Nomination:
    nomination = nomination_create(actor=world.head, programme=world.programme, cadre=cadre, reason="工作突出")
    nomination = nomination_review(actor=world.admin, nomination=nomination, approve=True)
    return nomination_confirm(
        actor=world.admin, nomination=nomination, confirm=True, document="区委组〔2026〕20号", date=dt.date(2026, 8, 20)
    )


def test_a_section_head_nominates_within_the_quota_and_the_next_is_refused_naming_class_and_quota():
    world = Bureau(places=2)
    for cadre in world.cadres[:2]:
        nomination_create(actor=world.head, programme=world.programme, cadre=cadre)
    with pytest.raises(ValidationError) as refused:
        nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[2])
    message = refused.value.messages[0]
    assert "2026年区中青年干部培训班" in message and "区房管局" in message and "2" in message
    assert Nomination.objects.count() == 2


def test_a_rejected_nomination_gives_its_place_back():
    world = Bureau(places=1)
    first = nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[0])
    with pytest.raises(ValidationError):
        nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[1])
    with pytest.raises(ValidationError) as no_reason:
        nomination_review(actor=world.admin, nomination=first, approve=False, reason="  ")
    assert "reason" in no_reason.value.message_dict
    nomination_review(actor=world.admin, nomination=first, approve=False, reason="年龄不符")
    nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[1])
    # the rejected cadre may be nominated again later (the place is free again only if one is)
    assert Nomination.objects.filter(status=NominationStatus.NOMINATED).count() == 1


def test_a_section_head_nominates_only_their_own_section():
    world = Bureau()
    with pytest.raises(ValidationError):
        nomination_create(actor=world.head, programme=world.programme, cadre=world.elsewhere)
    with pytest.raises(PermissionDenied):
        nomination_create(actor=world.cadre_user, programme=world.programme, cadre=world.cadres[0])


def test_a_unit_without_places_cannot_nominate_and_a_cadre_twice_is_refused():
    world = Bureau()
    nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[0])
    with pytest.raises(ValidationError) as twice:
        nomination_create(actor=world.admin, programme=world.programme, cadre=world.cadres[0])
    assert "已" in twice.value.messages[0] or "already" in twice.value.messages[0]
    other = programme_create(
        actor=world.org_admin,
        quotas=[(world.other_bureau, 3)],
        title="民政专题班",
        organiser=world.org,
        start_date=START,
        end_date=START,
        hours=Decimal("8"),
    )
    with pytest.raises((ValidationError, PermissionDenied)):
        nomination_create(actor=world.admin, programme=other, cadre=world.cadres[1])


def test_approval_respects_the_quota_after_it_was_lowered():
    world = Bureau(places=2)
    first, second = (nomination_create(actor=world.head, programme=world.programme, cadre=c) for c in world.cadres[:2])
    with pytest.raises(ValidationError):
        quota_set(actor=world.admin, programme=world.programme, unit=world.bureau, places=1)
    nomination_review(actor=world.admin, nomination=first, approve=True)
    with pytest.raises(ValidationError):
        nomination_review(actor=world.admin, nomination=first, approve=True)  # reviewed already
    assert Nomination.objects.get(pk=second.pk).status == NominationStatus.NOMINATED


def test_a_reviewer_does_not_review_their_own_nomination():
    world = Bureau()
    from ganxun.accounts.models import Role
    from ganxun.roster.tests.factories import UserFactory

    admin_cadre = UserFactory(
        username="n_admin_cadre", role=Role.TRAINING_ADMIN, cadre=world.cadres[3], unit=world.bureau
    )
    nomination = nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[3])
    with pytest.raises(ValidationError):
        nomination_review(actor=admin_cadre, nomination=nomination, approve=True)


def test_confirmation_on_the_higher_units_behalf_needs_the_notice():
    world = Bureau()
    nomination = nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[0])
    with pytest.raises(ValidationError):
        nomination_confirm(actor=world.admin, nomination=nomination, confirm=True, document="x", date=START)
    nomination_review(actor=world.admin, nomination=nomination, approve=True)
    with pytest.raises(ValidationError) as no_document:
        nomination_confirm(actor=world.admin, nomination=nomination, confirm=True, document=" ", date=START)
    assert "document" in no_document.value.message_dict
    done = nomination_confirm(
        actor=world.admin, nomination=nomination, confirm=True, document="区委组〔2026〕20号", date=START
    )
    assert done.status == NominationStatus.CONFIRMED
    event = AuditEvent.objects.filter(object_type="nomination", action="status").first()
    assert "区委组织部" in str(event.changes)


def test_completion_counts_the_hours_once_and_not_completed_withdraws_them(media):
    world = Bureau()
    nomination = confirmed(world, world.cadres[0])
    certificate = SimpleUploadedFile("结业证书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    nomination_result(
        actor=world.admin, nomination=nomination, result=Result.COMPLETED, score="优秀", certificate=certificate
    )
    nomination_result(actor=world.admin, nomination=nomination, result=Result.COMPLETED, score="优秀")
    entries = LedgerEntry.objects.filter(cadre=world.cadres[0], source=Source.OUTSIDE_CLASS)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.hours == Decimal("80") and entry.status == EntryStatus.CONFIRMED
    assert entry.date == START + dt.timedelta(days=9)
    other = confirmed(world, world.cadres[1])
    nomination_result(actor=world.admin, nomination=other, result=Result.COMPLETED)
    world.programme.refresh_from_db()
    assert (
        LedgerEntry.objects.filter(source=Source.OUTSIDE_CLASS, source_id=world.programme.outside_class_id).count() == 2
    )
    nomination_result(actor=world.admin, nomination=nomination, result=Result.NOT_COMPLETED, note="请假超过七分之一")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REJECTED
    assert AuditEvent.objects.filter(object_type="nomination", action="update").count() == 4


def test_a_result_needs_a_confirmed_nomination():
    world = Bureau()
    nomination = nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[0])
    with pytest.raises(ValidationError):
        nomination_result(actor=world.admin, nomination=nomination, result=Result.COMPLETED)


def test_hours_beyond_the_days_of_the_class_are_refused_at_announcement():
    world = Bureau()
    with pytest.raises(ValidationError) as refused:
        programme_create(
            actor=world.org_admin,
            quotas=[(world.bureau, 1)],
            title="一天的班",
            organiser=world.org,
            start_date=START,
            end_date=START,
            hours=Decimal("8.5"),
        )
    assert "hours" in refused.value.message_dict


def test_a_bureau_admin_cannot_give_places_to_another_bureau():
    world = Bureau()
    with pytest.raises(PermissionDenied):
        programme_create(
            actor=world.admin,
            quotas=[(world.other_bureau, 1)],
            title="越权",
            organiser=world.org,
            start_date=START,
            end_date=START,
            hours=Decimal("8"),
        )


# --- criteria, at their thresholds -------------------------------------------------------------------


def checks(world, cadre):
    world.programme.refresh_from_db()
    return {c.key: c for c in criteria.checks_for(world.programme, [cadre])[cadre.pk]}


def test_age_is_met_on_the_birthday_limit_and_not_a_day_older():
    world = Bureau(max_age=35)
    cadre = world.cadres[0]  # born 1991-09-01: 35 on the class's first day, 2026-09-01
    assert checks(world, cadre)["age"].met
    cadre.birth_date = dt.date(1991, 8, 31)  # 35 … and turned 35 the day before: still 35
    assert checks(world, cadre)["age"].met
    cadre.birth_date = dt.date(1990, 9, 1)  # 36 that day
    result = checks(world, cadre)["age"]
    assert not result.met and "36" in result.actual


def test_rank_and_years_in_rank_from_the_dated_history():
    world = Bureau(min_rank=Rank.PRINCIPAL_CLERK_4, min_years_in_rank=4, party_member_required=True)
    cadre = world.cadres[0]  # 四级主任科员 since 2022-09-01: exactly 4 years on 2026-09-01
    found = checks(world, cadre)
    assert found["rank"].met and found["years_in_rank"].met and found["party"].met
    cadre_change(actor=world.admin, cadre=cadre, effective=dt.date(2022, 9, 2), rank=Rank.PRINCIPAL_CLERK_4)
    cadre.refresh_from_db()
    cadre.rank_date = None
    # a period at the same rank merges: still the run from the first period; without a rank date it starts at hire
    cadre_change(actor=world.admin, cadre=cadre, effective=dt.date(2023, 1, 1), rank=Rank.PRINCIPAL_CLERK_3)
    cadre_change(actor=world.admin, cadre=cadre, effective=dt.date(2023, 6, 1), rank=Rank.PRINCIPAL_CLERK_4)
    cadre.refresh_from_db()
    cadre.political_status = PoliticalStatus.MASSES
    found = checks(world, cadre)
    assert not found["years_in_rank"].met and "2023-06-01" in found["years_in_rank"].actual
    assert not found["party"].met
    cadre.rank = Rank.CLERK_1
    cadre_change(actor=world.admin, cadre=cadre, effective=dt.date(2024, 1, 1), rank=Rank.CLERK_1)
    cadre.refresh_from_db()
    assert not checks(world, cadre)["rank"].met


# --- counts ----------------------------------------------------------------------------------------


def test_counts_per_class_unit_and_year(media):
    world = Bureau(places=3)
    done = confirmed(world, world.cadres[0])
    nomination_result(actor=world.admin, nomination=done, result=Result.COMPLETED)
    rejected = nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[1])
    nomination_review(actor=world.admin, nomination=rejected, approve=False, reason="工作需要")
    nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[2])
    nomination_create(actor=world.org_admin, programme=world.programme, cadre=world.outsider)
    counts = nomination_counts(year=2026)
    row = counts.by_class[0]
    assert (row["places"], row["nominated"], row["rejected"], row["pending"], row["confirmed"], row["completed"]) == (
        4,
        4,
        1,
        2,
        1,
        1,
    )
    assert [(u["unit__name"], u["nominated"]) for u in counts.by_unit] == [("区房管局", 3), ("区民政局", 1)]
    from ganxun.roster.models import admin_unit_ids

    mine = nomination_counts(year=2026, units=admin_unit_ids(world.admin))
    assert mine.total["nominated"] == 3 and mine.total["places"] == 3
    assert nomination_counts(year=2025).by_class == []
    years = nomination_counts_by_year(years=[2025, 2026])
    assert years[2025]["nominated"] == 0 and years[2026]["completed"] == 1


def test_every_step_is_audited_and_every_row_is_valid(media):
    world = Bureau()
    nomination = confirmed(world, world.cadres[0])
    nomination_result(actor=world.admin, nomination=nomination, result=Result.COMPLETED, score="合格")
    events = AuditEvent.objects.filter(object_type="nomination", object_id=str(nomination.pk)).order_by("pk")
    assert [e.action for e in events] == ["create", "status", "status", "update"]
    assert [e.actor for e in events] == [world.head, world.admin, world.admin, world.admin]
    assert AuditEvent.objects.filter(object_type="programme", action="create").count() == 1
    from ..models import Programme, Quota

    for model in (Programme, Quota, Nomination):
        for row in model.objects.all():
            row.full_clean()
