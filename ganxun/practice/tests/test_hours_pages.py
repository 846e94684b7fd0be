"""The archive and 我的学习 show practice entries, each linked to its record through its credit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.hours.models import ConversionRule, Unit
from ganxun.practice import services
from ganxun.practice.models import PracticeCredit
from ganxun.practice.tests import factories as f
from ganxun.roster.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_stint():
    year = timezone.localdate().year
    ConversionRule.objects.create(year=year, unit=Unit.DEPLOYMENT_DAY, hours=Decimal(4))
    day = dt.date(year, 1, 1)  # never after today
    campaign = f.CampaignFactory(start_date=dt.date(year, 1, 1), end_date=None)
    owner = UserFactory(role=Role.CADRE)
    stint = services.stint_create(
        actor=None,
        cadre=owner.cadre,
        campaign=campaign,
        place=f.PlaceFactory(name="长白一村居委"),
        start_date=day,
        end_date=day,
    )
    return owner, stint, PracticeCredit.objects.get(stint=stint)


def test_the_archive_lists_the_practice_entry_with_its_link(client, counted_stint):
    _owner, stint, credit = counted_stint
    client.force_login(UserFactory(role=Role.TRAINING_ADMIN, cadre=None))
    page = client.get(reverse("hours:cadre_archive", args=[stint.cadre_id])).content.decode()
    assert "长白一村居委" in page
    assert f"/practice/credits/{credit.pk}/" in page


def test_my_learning_counts_the_practice_hours(client, counted_stint):
    owner, _stint, _credit = counted_stint
    client.force_login(owner)
    page = client.get(reverse("hours:my_learning")).content.decode()
    assert 'data-bucket="practice"' in page
    assert "实践锻炼" in page
