"""A cadre's practice in their training archive: the 学时 lines linked to their records, and a section per year
listing every practice record, those that count no 学时 too (a team membership, an award)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.hours.models import ConversionRule, LedgerEntry, Source
from ganxun.hours.models import Unit as Measure
from ganxun.practice import services
from ganxun.practice.models import PlaceKind
from ganxun.practice.tests import factories as f
from ganxun.roster.tests.factories import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db

Y = 2025


@pytest.fixture
def cadre():
    return CadreFactory(hire_date=dt.date(2010, 1, 1))


@pytest.fixture
def stint(cadre):
    ConversionRule.objects.create(year=Y, unit=Measure.DEPLOYMENT_DAY, hours=Decimal("2"))
    campaign = f.CampaignFactory(name="社区抗疫", start_date=dt.date(Y, 3, 1), end_date=dt.date(Y, 6, 30))
    place = f.PlaceFactory(name="长白一村居委", kind=PlaceKind.COMMITTEE)
    return services.stint_create(
        actor=None,
        cadre=cadre,
        campaign=campaign,
        place=place,
        task="核酸检测秩序维护",
        start_date=dt.date(Y, 4, 1),
        end_date=dt.date(Y, 4, 5),
    )


def test_the_archive_lists_the_cadres_practice_per_year_with_the_hours_linked_to_their_record(client, cadre, stint):
    f.TeamMembershipFactory(cadre=cadre, team=f.TeamFactory(name="房管应急支援队"), joined_on=dt.date(Y, 3, 20))
    f.AwardFactory(entry=f.CompetitionEntryFactory(cadre=cadre, competition__year=Y, competition__name="五比五赛"))
    f.StintFactory(start_date=dt.date(Y, 4, 1), end_date=dt.date(Y, 4, 2))  # someone else's
    client.force_login(UserFactory(role=Role.CADRE, cadre=cadre))
    response = client.get(reverse("hours:cadre_archive", args=[cadre.pk]), {"year": Y})
    assert response.status_code == 200
    (year,) = response.context["archive"]
    (section,) = year.sections
    assert len(section["lines"]) == 4  # the deployment, the membership, the entry and its award
    text = response.content.decode()
    assert "社区抗疫 · 长白一村居委" in text and "房管应急支援队" in text and "五比五赛" in text
    # The 学时 of the deployment: one line of the archive, linked to the record they were counted from.
    entry = LedgerEntry.objects.get(cadre=cadre, source=Source.PRACTICE)
    assert entry.hours == Decimal("10")
    assert entry.source_url() in text
    assert reverse("practice:credit_detail", args=[entry.source_id]) == entry.source_url()


def test_a_year_without_practice_has_no_practice_section(client, cadre, stint):
    client.force_login(UserFactory(role=Role.CADRE, cadre=cadre))
    response = client.get(reverse("hours:cadre_archive", args=[cadre.pk]), {"year": Y + 1})
    assert [item.sections for item in response.context["archive"]] in ([[]], [])


def test_the_archive_queries_do_not_grow_with_the_records(client, cadre, django_assert_max_num_queries):
    client.force_login(UserFactory(role=Role.SYSTEM_ADMIN, cadre=None, unit=None))
    url = reverse("hours:cadre_archive", args=[cadre.pk])

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"year": Y}).status_code == 200
        return len(queries)

    f.StintFactory(cadre=cadre, start_date=dt.date(Y, 4, 1), end_date=dt.date(Y, 4, 2))
    few = count()
    for day in range(3, 12):
        f.StintFactory(cadre=cadre, start_date=dt.date(Y, 4, day), end_date=dt.date(Y, 4, day))
        f.CommunityReportFactory(cadre=cadre, date=dt.date(Y, 5, day))
    assert count() == few
