"""Entering and editing practice records on the pages: through the services (audited), refusals on the form,
the merge of two places with its confirm page, leaving a team, evidence, and edit conflicts."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.practice.models import (
    Campaign,
    CommunityReport,
    Evidence,
    Place,
    PlaceKind,
    Stint,
    TeamMembership,
    Visit,
)
from ganxun.roster.models import PoliticalStatus
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .factories import (
    CampaignFactory,
    CommunityReportFactory,
    EstateFactory,
    PlaceFactory,
    StintFactory,
    TeamFactory,
    TeamMembershipFactory,
)


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-practice-")
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def admin():
    return UserFactory(username="f_admin", role=Role.TRAINING_ADMIN, cadre=None)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_an_admin_records_a_community_report_and_a_non_member_is_refused(admin):
    client = client_for(admin)
    committee = PlaceFactory(name="长白一村居委")
    member = CadreFactory(political_status=PoliticalStatus.CPC_MEMBER, name="党员甲")
    outsider = CadreFactory(political_status=PoliticalStatus.MASSES, name="群众乙")
    url = reverse("practice:community_report_create")
    assert client.get(url).status_code == 200
    data = {"place": committee.pk, "date": "2022-05-01", "service": "社区防疫值守", "party_branch": "第一党支部"}
    response = client.post(url, {**data, "cadre": outsider.pk})
    assert response.status_code == 200 and not CommunityReport.objects.exists()
    assert response.context["form"].errors
    response = client.post(url, {**data, "cadre": member.pk})
    report = CommunityReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert AuditEvent.objects.filter(object_type="communityreport").exists() or AuditEvent.objects.count() >= 1


@pytest.mark.django_db
def test_a_stint_is_added_from_its_campaign_and_edited(admin):
    client = client_for(admin)
    campaign = CampaignFactory(name="2022年社区抗疫")
    estate = EstateFactory(name="长白一村小区")
    cadre = CadreFactory(name="王下沉")
    url = reverse("practice:stint_create", args=[campaign.pk])
    response = client.post(
        url,
        {"cadre": cadre.pk, "place": estate.pk, "role": "志愿者", "start_date": "2022-04-01", "end_date": "2022-04-10"},
    )
    stint = Stint.objects.get()
    assert response.status_code == 302 and stint.campaign == campaign
    edit = reverse("practice:stint_update", args=[stint.pk])
    page = client.get(edit)
    token = page.context["edit_version"]["token"]
    data = {
        "place": estate.pk,
        "role": "组长",
        "task": "",
        "start_date": "2022-04-01",
        "end_date": "2022-04-12",
        "note": "",
        "record_version": token,
    }
    assert client.post(edit, data).status_code == 302
    stint.refresh_from_db()
    assert stint.role == "组长" and stint.end_date == dt.date(2022, 4, 12) and stint.cadre == cadre
    # The same page posted again over the newer version: an edit conflict, nothing written.
    assert client.post(edit, {**data, "role": "队员"}).status_code == 409
    stint.refresh_from_db()
    assert stint.role == "组长"


@pytest.mark.django_db
def test_the_end_before_the_start_is_an_error_on_the_form(admin):
    client = client_for(admin)
    campaign = CampaignFactory()
    response = client.post(
        reverse("practice:stint_create", args=[campaign.pk]),
        {"cadre": CadreFactory().pk, "place": PlaceFactory().pk, "start_date": "2022-04-10", "end_date": "2022-04-01"},
    )
    assert response.status_code == 200 and "end_date" in response.context["form"].errors
    assert not Stint.objects.exists()


@pytest.mark.django_db
def test_merging_two_places_shows_what_moves_then_moves_it(admin):
    client = client_for(admin)
    kept = PlaceFactory(name="长白一村居委")
    gone = PlaceFactory(name="长白一村居民委员会")
    StintFactory(place=gone)
    StintFactory(place=gone)
    url = reverse("practice:place_merge", args=[gone.pk])
    assert client.get(url).status_code == 200
    confirm = client.post(url, {"other": kept.pk, "keep": "other"})
    assert confirm.status_code == 200 and confirm.context["confirming"]
    assert dict(confirm.context["moves"])["下沉派驻"] == 2
    assert Stint.objects.filter(place=gone).count() == 2  # nothing moved yet
    done = client.post(url, {"other": kept.pk, "keep": "other", "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == kept.get_absolute_url()
    assert Stint.objects.filter(place=kept).count() == 2
    gone.refresh_from_db()
    assert gone.merged_into == kept


@pytest.mark.django_db
def test_only_a_place_of_the_same_kind_is_offered_for_a_merge(admin):
    client = client_for(admin)
    place = PlaceFactory(name="长白一村居委")
    airport = PlaceFactory(name="浦东机场", kind=PlaceKind.AIRPORT)
    response = client.post(reverse("practice:place_merge", args=[place.pk]), {"other": airport.pk, "keep": "this"})
    assert response.status_code == 400 and "other" in response.context["form"].errors
    assert Place.objects.filter(merged_into__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_member_leaves_the_team(admin):
    client = client_for(admin)
    team = TeamFactory(formed_on=dt.date(2022, 1, 1))
    member = TeamMembershipFactory(team=team, joined_on=dt.date(2022, 1, 1))
    url = reverse("practice:team_membership_leave", args=[member.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"left_on": "2022-01-01"}).status_code == 400  # not after joining
    assert client.post(url, {"left_on": "2022-07-01"}).status_code == 302
    member.refresh_from_db()
    assert member.left_on == dt.date(2022, 7, 1)


@pytest.mark.django_db
def test_a_team_member_is_added(admin):
    client = client_for(admin)
    team = TeamFactory(formed_on=dt.date(2022, 1, 1))
    cadre = CadreFactory()
    response = client.post(
        reverse("practice:team_membership_create", args=[team.pk]),
        {"cadre": cadre.pk, "role": "leader", "joined_on": "2022-02-01"},
    )
    assert response.status_code == 302
    assert TeamMembership.objects.get().team == team


@pytest.mark.django_db
def test_campaigns_teams_and_places_are_created(admin):
    client = client_for(admin)
    unit = SectionFactory().unit
    admin.unit = unit
    admin.save()
    response = client.post(
        reverse("practice:campaign_create"), {"name": "旧改攻坚一线", "unit": unit.pk, "start_date": "2023-01-01"}
    )
    assert response.status_code == 302 and Campaign.objects.get().name == "旧改攻坚一线"
    response = client.post(reverse("practice:place_create"), {"name": "长白 一村 居委", "kind": "committee"})
    assert response.status_code == 302
    assert (
        client.post(reverse("practice:place_create"), {"name": "长白一村居委", "kind": "committee"}).status_code == 200
    )
    assert Place.objects.count() == 1


@pytest.mark.django_db
def test_a_visit_needs_a_place_or_a_destination(admin):
    client = client_for(admin)
    url = reverse("practice:visit_create")
    data = {"cadre": CadreFactory().pk, "kind": "exchange", "start_date": "2022-09-01", "end_date": "2022-09-02"}
    assert client.post(url, data).status_code == 200 and not Visit.objects.exists()
    assert client.post(url, {**data, "destination": "静安区房管局"}).status_code == 302


@pytest.mark.django_db
def test_evidence_a_note_or_a_file(admin, media):
    client = client_for(admin)
    report = CommunityReportFactory()
    url = reverse("practice:community_report_evidence", args=[report.pk])
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"note": "报到卡已核对"}).status_code == 302
    upload = SimpleUploadedFile("报到卡.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client.post(url, {"file": upload}).status_code == 302
    evidence = list(Evidence.objects.of(report))
    assert len(evidence) == 2
    download = client.get(reverse("practice:evidence_file", args=[evidence[1].pk]))
    assert download.status_code == 200
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    assert client.post(url, {"file": bad}).status_code == 400


@pytest.mark.django_db
def test_deleting_a_record(admin):
    client = client_for(admin)
    stint = StintFactory()
    response = client.post(reverse("practice:stint_delete", args=[stint.pk]))
    assert response.status_code == 302 and response["Location"] == stint.campaign.get_absolute_url()
    assert not Stint.objects.exists()


@pytest.mark.django_db
def test_evidence_of_ten_megabytes_is_taken_and_a_byte_more_is_not(admin, media):
    from ganxun.practice.forms.pages import EVIDENCE_MAX_BYTES

    client = client_for(admin)
    report = CommunityReportFactory()
    url = reverse("practice:community_report_evidence", args=[report.pk])
    exact = SimpleUploadedFile("扫描件.pdf", b"%" * EVIDENCE_MAX_BYTES, content_type="application/pdf")
    assert client.post(url, {"file": exact}).status_code == 302
    over = SimpleUploadedFile("扫描件.pdf", b"%" * (EVIDENCE_MAX_BYTES + 1), content_type="application/pdf")
    assert client.post(url, {"file": over}).status_code == 400
    assert Evidence.objects.of(report).count() == 1


@pytest.mark.django_db
def test_a_campaign_in_use_is_not_deleted_and_an_empty_one_is(admin):
    client = client_for(admin)
    used = StintFactory().campaign
    empty = CampaignFactory(name="未用的行动")
    refused = client.post(reverse("practice:campaign_delete", args=[used.pk]))
    assert refused.status_code == 302 and refused["Location"] == used.get_absolute_url()
    assert Campaign.objects.filter(pk=used.pk).exists()
    assert client.post(reverse("practice:campaign_delete", args=[empty.pk])).status_code == 302
    assert not Campaign.objects.filter(pk=empty.pk).exists()
    place = PlaceFactory(name="无记录居委")
    assert client.post(reverse("practice:place_delete", args=[place.pk])).status_code == 302
    assert not Place.objects.filter(pk=place.pk).exists()
