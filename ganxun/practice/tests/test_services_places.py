"""The register of places: normalised names, get-or-create, merges that every record follows."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.practice import services
from ganxun.practice.models import CommunityReport, Place, PlaceKind, Stint, Visit
from ganxun.practice.tests import factories as f
from ganxun.roster.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(role=Role.TRAINING_ADMIN, cadre=None)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("长白一村 居委", "长白一村居委"),
        ("长白一村　居委", "长白一村居委"),  # an ideographic space
        ("长白１村居委", "长白1村居委"),  # a full-width digit
        ("  长白一村居委 ", "长白一村居委"),
        ("Ａ区小区", "a区小区"),  # full-width and upper-case Latin
    ],
)
def test_spellings_normalise_alike(a, b):
    assert services.normalise(a) == services.normalise(b)


def test_different_names_stay_different():
    assert services.normalise("长白一村居委") != services.normalise("长白二村居委")


def test_get_or_create_finds_the_same_place_by_another_spelling(admin):
    place, created = services.place_get_or_create(actor=admin, name="长白一村 居委", kind=PlaceKind.COMMITTEE)
    assert created
    assert place.name == "长白一村 居委"
    again, created = services.place_get_or_create(actor=admin, name="长白一村居委", kind=PlaceKind.COMMITTEE)
    assert (again, created) == (place, False)
    assert Place.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="place").count() == 1


def test_the_kind_tells_places_apart(admin):
    committee, _ = services.place_get_or_create(actor=admin, name="长白", kind=PlaceKind.COMMITTEE)
    street, _ = services.place_get_or_create(actor=admin, name="长白", kind=PlaceKind.STREET)
    assert committee != street


def test_a_place_found_without_its_parent_learns_it(admin):
    street, _ = services.place_get_or_create(actor=admin, name="长白新村街道", kind=PlaceKind.STREET)
    committee, _ = services.place_get_or_create(actor=admin, name="长白一村居委", kind=PlaceKind.COMMITTEE)
    found, created = services.place_get_or_create(
        actor=admin, name="长白一村居委", kind=PlaceKind.COMMITTEE, parent=street
    )
    assert (found, created) == (committee, False)
    committee.refresh_from_db()
    assert committee.parent == street


def test_same_name_under_two_streets_is_two_places_and_ambiguous_without_a_street(admin):
    a, _ = services.place_get_or_create(actor=admin, name="甲街道", kind=PlaceKind.STREET)
    b, _ = services.place_get_or_create(actor=admin, name="乙街道", kind=PlaceKind.STREET)
    one, _ = services.place_get_or_create(actor=admin, name="新村居委", kind=PlaceKind.COMMITTEE, parent=a)
    two, _ = services.place_get_or_create(actor=admin, name="新村居委", kind=PlaceKind.COMMITTEE, parent=b)
    assert one != two
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.place_find("新村居委", PlaceKind.COMMITTEE)
    assert "甲街道 新村居委" in str(raised.value) and "乙街道 新村居委" in str(raised.value)


def test_a_parent_of_the_wrong_kind_is_refused(admin):
    estate = f.EstateFactory()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.place_create(actor=admin, name="某居委", kind=PlaceKind.COMMITTEE, parent=estate)
    assert "小区" in str(raised.value)


def test_only_an_administrator_writes_places():
    cadre_user = UserFactory(role=Role.CADRE)
    with pytest.raises(PermissionDenied):
        services.place_create(actor=cadre_user, name="某居委", kind=PlaceKind.COMMITTEE)


def test_merge_moves_every_record_and_children_and_keeps_the_old_spelling(admin):
    keep = f.PlaceFactory(name="长白一村居委")
    gone = f.PlaceFactory(name="长白1村居委会")
    estate = f.EstateFactory(parent=gone, name="长白一村小区")
    stint = f.StintFactory(place=gone)
    report = f.CommunityReportFactory(place=gone)
    visit = f.VisitFactory(place=gone, destination="")
    services.place_merge(actor=admin, keep=keep, gone=gone)
    for record in (stint, report, visit):
        record.refresh_from_db()
        assert record.place == keep
    estate.refresh_from_db()
    assert estate.parent == keep
    gone.refresh_from_db()
    assert gone.merged_into == keep
    assert services.place_find("长白1村居委会", PlaceKind.COMMITTEE) == keep
    again, created = services.place_get_or_create(actor=admin, name="长白1村 居委会", kind=PlaceKind.COMMITTEE)
    assert (again, created) == (keep, False)
    assert list(Place.objects.live().filter(kind=PlaceKind.COMMITTEE)) == [keep]
    event = AuditEvent.objects.filter(object_type="place", object_id=str(gone.pk)).latest("pk")
    assert "长白一村居委" in event.summary


def test_merge_merges_twin_children_in_turn(admin):
    keep, gone = f.PlaceFactory(name="甲居委"), f.PlaceFactory(name="甲居委会")
    kept_estate = f.EstateFactory(parent=keep, name="一号小区")
    twin = f.EstateFactory(parent=gone, name="一号 小区")
    stint = f.StintFactory(place=twin)
    services.place_merge(actor=admin, keep=keep, gone=gone)
    twin.refresh_from_db()
    stint.refresh_from_db()
    assert twin.merged_into == kept_estate
    assert stint.place == kept_estate


def test_merge_of_places_merged_into_gone_follows_to_keep(admin):
    keep, gone, older = f.PlaceFactory(), f.PlaceFactory(), f.PlaceFactory()
    services.place_merge(actor=admin, keep=gone, gone=older)
    services.place_merge(actor=admin, keep=keep, gone=gone)
    older.refresh_from_db()
    assert older.merged_into == keep


def test_merge_refuses_duplicate_records_itself_and_other_kinds(admin):
    keep, gone = f.PlaceFactory(), f.PlaceFactory()
    stint = f.StintFactory(place=keep)
    f.StintFactory(place=gone, cadre=stint.cadre, campaign=stint.campaign, start_date=stint.start_date)
    with translation.override("zh-hans"), pytest.raises(ValidationError):
        services.place_merge(actor=admin, keep=keep, gone=gone)
    assert Stint.objects.filter(place=gone).count() == 1
    with pytest.raises(ValidationError):
        services.place_merge(actor=admin, keep=keep, gone=keep)
    with pytest.raises(ValidationError):
        services.place_merge(actor=admin, keep=keep, gone=f.StreetFactory())


def test_a_report_of_the_same_day_at_both_places_refuses_the_merge(admin):
    keep, gone = f.PlaceFactory(), f.PlaceFactory()
    report = f.CommunityReportFactory(place=keep)
    f.CommunityReportFactory(place=gone, cadre=report.cadre, date=report.date)
    with pytest.raises(ValidationError):
        services.place_merge(actor=admin, keep=keep, gone=gone)
    f.CommunityReportFactory(place=gone, cadre=report.cadre, date=report.date + dt.timedelta(days=1))
    assert CommunityReport.objects.filter(place=gone).count() == 2


def test_a_place_in_use_cannot_be_deleted_an_unused_one_can(admin):
    used = f.VisitFactory(place=f.PlaceFactory(), destination="").place
    with pytest.raises(ValidationError):
        services.place_delete(actor=admin, place=used)
    unused = f.PlaceFactory()
    services.place_delete(actor=admin, place=unused)
    assert not Place.objects.filter(pk=unused.pk).exists()
    assert Visit.objects.count() == 1
