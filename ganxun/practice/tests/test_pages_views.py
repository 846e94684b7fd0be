"""The practice pages: every list filters, pages and exports at a fixed number of queries; the detail pages, the
team on a date, the merge of two places, the cadre's practice page and the navigation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.practice.models import PlaceKind, TeamRole
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .factories import (
    CampaignFactory,
    CommunityReportFactory,
    EstateFactory,
    PlaceFactory,
    SecondmentFactory,
    StintFactory,
    StreetFactory,
    TeamFactory,
    TeamMembershipFactory,
    VisitFactory,
)

LISTS = [
    "practice:place_list",
    "practice:campaign_list",
    "practice:stint_list",
    "practice:community_report_list",
    "practice:team_list",
    "practice:secondment_list",
    "practice:visit_list",
]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin():
    return UserFactory(username="p_admin", role=Role.SYSTEM_ADMIN, cadre=None, is_staff=True, is_superuser=True)


def _records(n: int, section=None, tag: str = ""):
    """n of each kind of record, at places under a 街道, in one campaign and one team."""
    street = StreetFactory(name=f"长白新村{tag}街道")
    campaign = CampaignFactory(name=f"2022年社区抗疫{tag}")
    team = TeamFactory(name=f"房管应急支援队{tag}")
    for i in range(n):
        cadre = CadreFactory(section=section) if section else CadreFactory()
        committee = PlaceFactory(name=f"长白{tag}{i}村居委", parent=street)
        estate = EstateFactory(name=f"长白{tag}{i}村小区", parent=committee)
        StintFactory(cadre=cadre, campaign=campaign, place=estate)
        CommunityReportFactory(cadre=cadre, place=committee)
        TeamMembershipFactory(cadre=cadre, team=team)
        SecondmentFactory(cadre=cadre)
        VisitFactory(cadre=cadre, place=committee)
    return campaign, team


def _count_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200, url
    return response


BUDGET = 14  # session, user, the list's count and page, the filter bar's choices: the same for 2 rows or 12


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
def test_lists_cost_the_same_whatever_their_length(name, admin, django_assert_max_num_queries):
    client = client_for(admin)
    _records(2)
    _count_queries(client, reverse(name), django_assert_max_num_queries, BUDGET)
    _records(10, tag="二")
    response = _count_queries(client, reverse(name), django_assert_max_num_queries, BUDGET)
    assert response.context["page"].paginator.count >= 2
    export = reverse(name.replace("_list", "_export"))
    with django_assert_max_num_queries(BUDGET):
        workbook = client.get(export)
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == response.context["page"].paginator.count + 1


@pytest.mark.django_db
def test_filters_narrow_and_the_export_follows(admin):
    client = client_for(admin)
    campaign, _team = _records(3)
    StintFactory(
        place=PlaceFactory(name="浦东机场", kind=PlaceKind.AIRPORT),
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2021, 1, 5),
    )
    stints = reverse("practice:stint_list")
    assert client.get(stints).context["page"].paginator.count == 4
    assert client.get(stints, {"place_kind": "airport"}).context["page"].paginator.count == 1
    assert client.get(stints, {"place_kind": "community"}).context["page"].paginator.count == 3
    assert client.get(stints, {"place_kind": "key_sites"}).context["page"].paginator.count == 1
    assert client.get(stints, {"year": "2021"}).context["page"].paginator.count == 1
    assert client.get(stints, {"campaign": str(campaign.pk)}).context["page"].paginator.count == 3
    # Ignored, not an error: an id beyond the database, a year that is not offered.
    assert client.get(stints, {"place": "99999999999999999999", "year": "1066"}).context["page"].paginator.count == 4
    export = client.get(reverse("practice:stint_export"), {"place_kind": "airport"})
    rows = list(load_workbook(io.BytesIO(export.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and "浦东机场" in rows[1]


@pytest.mark.django_db
def test_a_committee_lists_the_records_of_its_estates(admin):
    client = client_for(admin)
    committee = PlaceFactory(name="长白一村居委")
    StintFactory(place=EstateFactory(name="长白一村小区", parent=committee))
    StintFactory(place=committee)
    StintFactory()
    response = client.get(reverse("practice:stint_list"), {"place": str(committee.pk)})
    assert response.context["page"].paginator.count == 2


@pytest.mark.django_db
def test_the_team_on_a_date(admin):
    client = client_for(admin)
    team = TeamFactory(name="房管应急支援队", formed_on=dt.date(2022, 1, 1))
    leader = TeamMembershipFactory(team=team, role=TeamRole.LEADER, joined_on=dt.date(2022, 1, 1))
    TeamMembershipFactory(team=team, joined_on=dt.date(2022, 1, 1), left_on=dt.date(2022, 7, 1))
    url = reverse("practice:team_detail", args=[team.pk])
    assert len(client.get(url, {"on": "2022-06-30"}).context["on_day"]) == 2
    on_day = client.get(url, {"on": "2022-07-01"}).context["on_day"]  # the leaving day is no longer a member's
    assert on_day == [leader]
    assert client.get(url, {"on": "not a date"}).status_code == 200


@pytest.mark.django_db
def test_detail_pages_open(admin):
    client = client_for(admin)
    campaign, team = _records(1)
    for record in (
        campaign,
        team,
        campaign.stints.get(),
        team.memberships.get(),
        *[f.objects.get() for f in (SecondmentFactory._meta.model, VisitFactory._meta.model)],
        CommunityReportFactory._meta.model.objects.get(),
        PlaceFactory._meta.model.objects.filter(kind="committee").get(),
    ):
        response = client.get(record.get_absolute_url())
        assert response.status_code == 200, record
        assert "证明材料" in response.content.decode(), record


@pytest.mark.django_db
def test_the_cadres_practice_page_lists_every_kind(admin):
    client = client_for(admin)
    _records(1)
    cadre = StintFactory._meta.model.objects.get().cadre
    page = client.get(reverse("practice:cadre_practice", args=[cadre.pk]))
    assert page.status_code == 200
    assert [len(part["rows"]) for part in page.context["parts"]] == [1, 1, 1, 1, 1]


@pytest.mark.django_db
def test_the_navigation_has_the_practice_classroom_for_everyone():
    section = SectionFactory()
    cadre = CadreFactory(section=section)
    user = UserFactory(username="p_cadre", role=Role.CADRE, cadre=cadre)
    page = client_for(user).get(reverse("practice:index"))
    assert page.status_code == 200
    assert any(item["label"] == "实践课堂" and item["active"] for item in page.context["nav_items"])


@pytest.mark.django_db
def test_a_page_holds_thirty_rows_and_the_thirty_first_opens_a_second(admin):
    from ganxun.practice.views.pages import PAGE_SIZE

    client = client_for(admin)
    campaign = CampaignFactory()
    for _i in range(PAGE_SIZE):
        StintFactory(campaign=campaign)
    assert client.get(reverse("practice:stint_list")).context["page"].paginator.num_pages == 1
    StintFactory(campaign=campaign)
    second = client.get(reverse("practice:stint_list"), {"page": "2"})
    assert second.context["page"].paginator.num_pages == 2 and len(second.context["rows"]) == 1


@pytest.mark.django_db
def test_the_years_offered_run_from_2000_to_next_year(admin):
    from django.utils import timezone

    from ganxun.practice.filters import FIRST_YEAR

    client = client_for(admin)
    next_year = timezone.localdate().year + 1
    StintFactory(start_date=dt.date(FIRST_YEAR, 1, 1), end_date=dt.date(FIRST_YEAR, 1, 2))
    StintFactory(start_date=dt.date(next_year, 1, 1), end_date=dt.date(next_year, 1, 2))
    url = reverse("practice:stint_list")
    count = lambda year: client.get(url, {"year": str(year)}).context["page"].paginator.count  # noqa: E731
    assert count(FIRST_YEAR) == 1 and count(next_year) == 1
    assert count(FIRST_YEAR - 1) == 2 and count(next_year + 1) == 2  # not offered: ignored, not an error


@pytest.mark.django_db
def test_the_team_on_a_date_reads_dates_from_1950_to_2100(admin):
    from django.utils import timezone

    client = client_for(admin)
    team = TeamFactory()
    url = reverse("practice:team_detail", args=[team.pk])
    assert client.get(url, {"on": "1950-01-01"}).context["day"] == dt.date(1950, 1, 1)
    assert client.get(url, {"on": "2100-12-31"}).context["day"] == dt.date(2100, 12, 31)
    assert client.get(url, {"on": "1949-12-31"}).context["day"] == timezone.localdate()
    assert client.get(url, {"on": "2101-01-01"}).context["day"] == timezone.localdate()


@pytest.mark.django_db
def test_detail_pages_cost_the_same_whatever_their_length(admin, django_assert_max_num_queries):
    client = client_for(admin)
    campaign, team = _records(2)
    cadre = campaign.stints.first().cadre
    urls = [campaign.get_absolute_url(), team.get_absolute_url(), reverse("practice:cadre_practice", args=[cadre.pk])]
    for url in urls:
        _count_queries(client, url, django_assert_max_num_queries, BUDGET)
    for _i in range(8):
        day = dt.date(2022, 5, 1 + _i)
        StintFactory(campaign=campaign, cadre=cadre, place=PlaceFactory(), start_date=day, end_date=day)
        TeamMembershipFactory(team=team)
    for url in urls:
        _count_queries(client, url, django_assert_max_num_queries, BUDGET)


@pytest.mark.django_db
def test_the_cadres_roster_page_links_their_practice(admin):
    cadre = CadreFactory()
    page = client_for(admin).get(reverse("roster:cadre_detail", args=[cadre.pk]))
    assert reverse("practice:cadre_practice", args=[cadre.pk]) in page.content.decode()
    assert "查看实践记录" in page.content.decode()


@pytest.mark.django_db
def test_a_section_head_removes_evidence_uploaded_by_mistake_and_its_file_goes(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ganxun.audit.models import AuditEvent
    from ganxun.practice import services
    from ganxun.practice.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    head = UserFactory(role=Role.SECTION_HEAD)
    stint = StintFactory(cadre=CadreFactory(section=head.cadre.section))
    evidence = services.evidence_add(
        actor=head, record=stint, file=SimpleUploadedFile("错的通知.pdf", b"%PDF-1.4 wrong"), note=""
    )
    stored = tmp_path / evidence.file.name
    assert stored.is_file()
    client = client_for(head)
    page = client.get(stint.get_absolute_url())
    removal = reverse("practice:evidence_delete", args=[evidence.pk])
    assert removal in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(removal)
    assert response.status_code == 302 and response["Location"].endswith("#evidence")
    assert not Evidence.objects.exists() and not stored.exists()
    assert (
        AuditEvent.objects.filter(object_type="stint", object_id=str(stint.pk), summary__contains="错的通知").count()
        == 2
    )
    # A cadre sees the record's evidence but no button to remove it.
    cadre_user = UserFactory(role=Role.CADRE, cadre=stint.cadre)
    note = services.evidence_add(actor=head, record=stint, note="报到单")
    shown = client_for(cadre_user).get(stint.get_absolute_url()).content.decode()
    assert "报到单" in shown and reverse("practice:evidence_delete", args=[note.pk]) not in shown
