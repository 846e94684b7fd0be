"""The practice records and their database constraints (messages in Chinese)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from ganxun.practice.models import Score, Stint, TeamMembership
from ganxun.practice.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [
        f.PlaceFactory,
        f.EstateFactory,
        f.CampaignFactory,
        f.StintFactory,
        f.CommunityReportFactory,
        f.TeamFactory,
        f.TeamMembershipFactory,
        f.SecondmentFactory,
        f.VisitFactory,
        f.CompetitionFactory,
        f.CriterionFactory,
        f.CompetitionEntryFactory,
        f.TeamEntryFactory,
        f.ScoreFactory,
        f.AwardFactory,
        f.EvidenceFactory,
        f.PracticeCreditFactory,
    ],
)
def test_every_factory_makes_a_valid_row(factory):
    row = factory()
    row.full_clean()
    assert str(row)


def test_a_stint_cannot_end_before_it_starts():
    stint = f.StintFactory(start_date=dt.date(2022, 4, 2), end_date=dt.date(2022, 4, 2))
    stint.end_date = dt.date(2022, 4, 1)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        stint.full_clean()
    assert "结束日期不能早于开始日期" in str(raised.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        stint.save()


def test_a_one_day_stint_is_allowed():
    f.StintFactory(start_date=dt.date(2022, 4, 1), end_date=dt.date(2022, 4, 1)).full_clean()


def test_membership_leaving_on_the_joining_day_is_refused_and_the_next_day_allowed():
    member = f.TeamMembershipFactory(joined_on=dt.date(2022, 3, 15), left_on=dt.date(2022, 3, 16))
    assert member.is_member_on(dt.date(2022, 3, 15))
    assert not member.is_member_on(dt.date(2022, 3, 16))
    assert list(TeamMembership.objects.on(dt.date(2022, 3, 15))) == [member]
    assert not TeamMembership.objects.on(dt.date(2022, 3, 16)).exists()
    assert not TeamMembership.objects.on(dt.date(2022, 3, 14)).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMembership.objects.filter(pk=member.pk).update(left_on=dt.date(2022, 3, 15))


def test_a_score_at_the_maximum_is_valid_and_above_it_is_not():
    score = f.ScoreFactory(value=Decimal("100"))
    score.full_clean()
    score.value = Decimal("100.01")
    with translation.override("zh-hans"), pytest.raises(ValidationError):
        score.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(pk=score.pk).update(value=Decimal("-1"))


def test_one_agreed_score_per_entry_and_criterion():
    score = f.ScoreFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(entry=score.entry, criterion=score.criterion, value=Decimal("1"))


def test_overlapping_reads_the_boundary_days():
    stint = f.StintFactory(start_date=dt.date(2022, 4, 1), end_date=dt.date(2022, 4, 10))
    assert Stint.objects.overlapping(dt.date(2022, 4, 10), dt.date(2022, 4, 20)).get() == stint
    assert not Stint.objects.overlapping(dt.date(2022, 4, 11), dt.date(2022, 4, 20)).exists()
    assert Stint.objects.overlapping(dt.date(2022, 3, 1), dt.date(2022, 4, 1)).get() == stint
    assert not Stint.objects.overlapping(dt.date(2022, 3, 1), dt.date(2022, 3, 31)).exists()
