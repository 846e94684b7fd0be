"""Practice in the 学时 ledger: the year's conversion rules, one entry per record and year, never a day twice."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone, translation

from ganxun.accounts.models import Role
from ganxun.hours.models import Bucket, BucketCap, ConversionRule, EntryStatus, LedgerEntry, Source, Unit
from ganxun.hours.queries import cadre_compliance
from ganxun.practice import services
from ganxun.practice.models import PracticeCredit, Stint, VisitKind
from ganxun.practice.tests import factories as f
from ganxun.roster.models import Unit as OrgUnit
from ganxun.roster.models import home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
H = Decimal


def rule(year, unit, hours, cap=None, org_unit=None, per=1):
    return ConversionRule.objects.create(
        year=year,
        unit=unit,
        per=H(per),
        hours=H(hours),
        per_item_cap=None if cap is None else H(cap),
        org_unit=org_unit,
    )


@pytest.fixture
def admin():
    return UserFactory(role=Role.TRAINING_ADMIN, cadre=None)


@pytest.fixture
def rules():
    for year in (2021, 2022, 2023):
        rule(year, Unit.DEPLOYMENT_DAY, 4, cap=40)
        rule(year, Unit.COMMUNITY_REPORT, 2)
        rule(year, Unit.SECONDMENT_MONTH, 8)
        rule(year, Unit.VISIT_DAY, 6)


@pytest.fixture
def campaign():
    return f.CampaignFactory(start_date=D(2021, 1, 1), end_date=None)


@pytest.fixture
def cadre():
    return f.PartyMemberFactory()


def stint(admin, cadre, campaign, start, end, place=None):
    return services.stint_create(
        actor=admin, cadre=cadre, campaign=campaign, place=place or f.PlaceFactory(), start_date=start, end_date=end
    )


def report(admin, cadre, day, place=None):
    return services.community_report_create(actor=admin, cadre=cadre, place=place or f.PlaceFactory(), date=day)


def entries(cadre, status=EntryStatus.CONFIRMED):
    return list(LedgerEntry.objects.filter(cadre=cadre, source=Source.PRACTICE, status=status).order_by("date", "pk"))


def counted(record):
    """{year: (days, hours)} of the record's confirmed entries."""
    out = {}
    for credit in PracticeCredit.objects.filter(**{services.hours.CREDIT_FIELD[type(record)]: record}):
        entry = LedgerEntry.objects.filter(source=Source.PRACTICE, source_id=credit.pk).first()
        if entry is not None and entry.status == EntryStatus.CONFIRMED:
            out[credit.year] = (credit.days, entry.hours)
    return out


def test_a_stint_counts_its_days_at_the_days_rule_linked_to_its_record(admin, rules, cadre, campaign):
    s = stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 9))
    [entry] = entries(cadre)
    assert (entry.hours, entry.bucket, entry.date) == (H(36), Bucket.PRACTICE, D(2022, 4, 9))
    credit = entry.source_object
    assert isinstance(credit, PracticeCredit)
    assert credit.record == s
    assert (credit.days, credit.first_day, credit.last_day) == (9, D(2022, 4, 1), D(2022, 4, 9))
    assert entry.title.startswith("下沉派驻：") and "（9天）" in entry.title
    assert entry.source_url() == f"/practice/credits/{credit.pk}/"


@pytest.mark.parametrize(("days", "hours"), [(9, 36), (10, 40), (11, 40)])
def test_the_per_item_cap_bounds_an_entry_at_the_cap(admin, rules, cadre, campaign, days, hours):
    stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, days))
    assert [e.hours for e in entries(cadre)] == [H(hours)]


@pytest.mark.parametrize(
    ("second_start", "second_days"),
    [
        (D(2022, 4, 10), 5),  # shares the first stint's last day: that day counts once
        (D(2022, 4, 11), 5),  # the day after: nothing shared
        (D(2022, 4, 9), 5),  # shares two days
    ],
)
def test_overlapping_stints_count_each_day_once(admin, rules, cadre, campaign, second_start, second_days):
    first = stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 10))
    second = stint(admin, cadre, campaign, second_start, D(2022, 4, 15))
    assert counted(first) == {2022: (10, H(40))}
    assert counted(second) == {2022: (second_days, H(4 * second_days))}


def test_a_stint_inside_another_counts_nothing_and_its_entry_says_why(admin, rules, cadre, campaign):
    stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 10))
    inner = stint(admin, cadre, campaign, D(2022, 4, 3), D(2022, 4, 4))
    assert counted(inner) == {}
    assert not PracticeCredit.objects.filter(stint=inner).exists()


def test_the_earlier_stint_claims_the_days_whichever_was_entered_first(admin, rules, cadre, campaign):
    later = stint(admin, cadre, campaign, D(2022, 4, 5), D(2022, 4, 10))
    assert counted(later) == {2022: (6, H(24))}
    earlier = stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 6))
    assert counted(earlier) == {2022: (6, H(24))}
    assert counted(later) == {2022: (4, H(16))}
    assert sum(e.hours for e in entries(cadre)) == H(40)  # 10 distinct days


@pytest.mark.parametrize(("day", "counts"), [(D(2022, 4, 10), False), (D(2022, 4, 11), True), (D(2022, 4, 1), False)])
def test_a_community_report_on_a_stint_day_gets_nothing(admin, rules, cadre, campaign, day, counts):
    stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 10))
    r = report(admin, cadre, day)
    assert counted(r) == ({2022: (1, H(2))} if counts else {})


def test_a_stint_entered_over_a_counted_report_withdraws_it_with_the_reason(admin, rules, cadre, campaign):
    r = report(admin, cadre, D(2022, 4, 5))
    assert counted(r) == {2022: (1, H(2))}
    stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 10))
    assert counted(r) == {}
    [withdrawn] = entries(cadre, EntryStatus.REJECTED)
    assert withdrawn.reason == "这些日期已由其他实践记录计入学时。"


def test_two_reports_on_one_day_count_once(admin, rules, cadre):
    first = report(admin, cadre, D(2022, 5, 1))
    second = report(admin, cadre, D(2022, 5, 1))
    assert counted(first) == {2022: (1, H(2))}
    assert counted(second) == {}


def test_deleting_a_stint_withdraws_its_hours_and_frees_its_days(admin, rules, cadre, campaign):
    first = stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 10))
    second = stint(admin, cadre, campaign, D(2022, 4, 5), D(2022, 4, 12))
    r = report(admin, cadre, D(2022, 4, 2))
    assert counted(second) == {2022: (2, H(8))}
    credit = PracticeCredit.objects.get(stint=first)
    services.stint_delete(actor=admin, stint=first, reason="录入错误")
    assert counted(second) == {2022: (8, H(32))}
    assert counted(r) == {2022: (1, H(2))}
    withdrawn = LedgerEntry.objects.get(source=Source.PRACTICE, source_id=credit.pk)
    assert (withdrawn.status, withdrawn.reason) == (EntryStatus.REJECTED, "录入错误")
    credit.refresh_from_db()
    assert credit.record is None and credit.title.startswith("下沉派驻")


def test_a_credit_with_entries_cannot_be_deleted(admin, rules, cadre, campaign):
    stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 1))
    with pytest.raises(ProtectedError):
        PracticeCredit.objects.get().delete()


def test_a_stint_across_new_year_counts_each_years_days_in_that_year(admin, rules, cadre, campaign):
    s = stint(admin, cadre, campaign, D(2021, 12, 25), D(2022, 1, 5))
    assert counted(s) == {2021: (7, H(28)), 2022: (5, H(20))}
    assert [e.date for e in entries(cadre)] == [D(2021, 12, 31), D(2022, 1, 5)]


def test_moving_a_stint_to_another_year_withdraws_the_old_years_entry(admin, rules, cadre, campaign):
    s = stint(admin, cadre, campaign, D(2021, 12, 25), D(2022, 1, 5))
    services.stint_update(actor=admin, stint=s, start_date=D(2022, 1, 1))
    assert counted(s) == {2022: (5, H(20))}
    [old] = entries(cadre, EntryStatus.REJECTED)
    assert old.date == D(2021, 12, 31)
    assert old.reason == "该实践记录已不在2021年内。"
    services.stint_update(actor=admin, stint=s, start_date=D(2021, 12, 31))
    assert counted(s) == {2021: (1, H(4)), 2022: (5, H(20))}  # the old entry counts again
    assert not entries(cadre, EntryStatus.REJECTED)


def test_without_the_years_rule_nothing_counts_until_a_recount(admin, cadre, campaign):
    s = stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 2))
    assert not LedgerEntry.objects.exists()
    rule(2022, Unit.DEPLOYMENT_DAY, 4)
    assert services.practice_hours_recount(actor=admin, year=2022) == 1
    assert counted(s) == {2022: (2, H(8))}
    assert services.practice_hours_recount(actor=admin, year=2022) == 0  # idempotent


def test_a_rule_removed_withdraws_with_the_reason(admin, rules, cadre, campaign):
    stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 2))
    ConversionRule.objects.filter(year=2022, unit=Unit.DEPLOYMENT_DAY).delete()
    services.practice_hours_sync(actor=admin, cadre=cadre, years=[2022])
    [entry] = entries(cadre, EntryStatus.REJECTED)
    assert "折算规则" in entry.reason


def test_the_rules_of_the_records_unit_apply(admin, rules, campaign):
    home = OrgUnit.objects.get(pk=home_unit_id())
    branch = UnitFactory(parent=home, name="分局", code="BR")
    rule(2022, Unit.DEPLOYMENT_DAY, 2, org_unit=branch)
    there = CadreFactory(section=SectionFactory(unit=branch))
    here = CadreFactory()
    a = stint(admin, there, campaign, D(2022, 4, 1), D(2022, 4, 2))
    b = stint(admin, here, campaign, D(2022, 4, 1), D(2022, 4, 2))
    assert counted(a) == {2022: (2, H(4))}
    assert counted(b) == {2022: (2, H(8))}


@pytest.mark.parametrize(("days", "hours"), [(30, 8), (45, 12), (29, H("7.73"))])
def test_a_secondment_counts_months_of_thirty_days(admin, rules, cadre, days, hours):
    s = services.secondment_create(
        actor=admin,
        cadre=cadre,
        kind="tibet",
        region="西藏",
        planned_start=D(2022, 1, 1),
        planned_end=D(2022, 12, 31),
        actual_start=D(2022, 3, 1),
        actual_end=D(2022, 3, 1) + dt.timedelta(days=days - 1),
    )
    assert counted(s) == {2022: (days, H(hours))}


def test_a_secondment_counts_its_planned_dates_until_the_actual_are_entered(admin, rules, cadre):
    s = services.secondment_create(
        actor=admin, cadre=cadre, kind="yunnan", region="云南", planned_start=D(2022, 6, 1), planned_end=D(2022, 6, 30)
    )
    assert counted(s) == {2022: (30, H(8))}
    services.secondment_update(actor=admin, secondment=s, actual_start=D(2022, 6, 16))
    assert counted(s) == {2022: (15, H(4))}


def test_a_visit_counts_its_days(admin, rules, cadre):
    v = services.visit_create(
        actor=admin,
        cadre=cadre,
        kind=VisitKind.FRONTLINE,
        destination="旧改基地",
        start_date=D(2022, 9, 1),
        end_date=D(2022, 9, 2),
    )
    assert counted(v) == {2022: (2, H(12))}
    assert "攻坚一线" in entries(cadre)[0].title


def test_only_days_up_to_today_count(admin, rules, cadre, campaign):
    with mock.patch("ganxun.practice.services.hours.timezone.localdate", return_value=D(2022, 4, 5)):
        s = stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 10))
        assert counted(s) == {2022: (5, H(20))}
    with mock.patch("ganxun.practice.services.hours.timezone.localdate", return_value=D(2022, 4, 30)):
        services.practice_hours_recount(actor=admin, year=2022)
    assert counted(s) == {2022: (10, H(40))}


@pytest.mark.parametrize(("last_day", "total", "counted_total"), [(1, 48, 48), (2, 52, 50)])
def test_the_yearly_cap_bounds_practice_in_compliance(admin, rules, cadre, campaign, last_day, total, counted_total):
    BucketCap.objects.create(year=2022, bucket=Bucket.PRACTICE, cap=H(50))
    stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 10))  # 40
    stint(admin, cadre, campaign, D(2022, 5, 1), D(2022, 5, 2))  # 8
    report(admin, cadre, D(2022, 6, 1))  # 2: 50, the cap
    judged = cadre_compliance(cadre, LedgerEntry.objects.filter(cadre=cadre), 2022, as_of=D(2022, 12, 31))
    assert judged.buckets[Bucket.PRACTICE] == H(50)
    if last_day == 2:
        report(admin, cadre, D(2022, 6, 2))  # 52: above the cap
    else:
        ConversionRule.objects.filter(year=2022, unit=Unit.COMMUNITY_REPORT).update(hours=H(0))
        services.practice_hours_recount(actor=admin, year=2022)  # 48: below
    entries_now = LedgerEntry.objects.filter(cadre=cadre)
    assert sum(e.hours for e in entries_now.filter(status=EntryStatus.CONFIRMED)) == H(total)
    judged = cadre_compliance(cadre, entries_now, 2022, as_of=D(2022, 12, 31))
    assert judged.buckets[Bucket.PRACTICE] == H(counted_total)


@pytest.mark.parametrize(("ahead", "ok"), [(366, True), (367, False)])
def test_a_stints_dates_reach_a_year_ahead_at_most(admin, cadre, campaign, ahead, ok):
    end = timezone.localdate() + dt.timedelta(days=ahead)
    if ok:
        stint(admin, cadre, campaign, end, end)
    else:
        with translation.override("zh-hans"), pytest.raises(ValidationError):
            stint(admin, cadre, campaign, end, end)


def test_the_credit_page_sends_on_to_the_record_for_who_may_see_it(client, admin, rules, cadre, campaign):
    s = stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 1))
    credit = PracticeCredit.objects.get()
    with mock.patch.object(Stint, "get_absolute_url", return_value="/practice/stints/x/"):
        client.force_login(admin)
        response = client.get(credit.get_absolute_url())
        assert response.status_code == 302 and response["Location"] == "/practice/stints/x/"
        client.force_login(UserFactory(role=Role.CADRE))
        assert client.get(credit.get_absolute_url()).status_code == 404
        client.force_login(UserFactory(role=Role.CADRE, cadre=cadre))
        assert client.get(credit.get_absolute_url()).status_code == 302
    services.stint_delete(actor=admin, stint=s)
    client.force_login(admin)
    assert client.get(credit.get_absolute_url()).status_code == 404


def test_titles_are_stored_in_chinese_whatever_the_language(admin, rules, cadre, campaign):
    with translation.override("en"):
        stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 1))
    assert entries(cadre)[0].title.startswith("下沉派驻")


def test_the_command_recounts_a_year(admin, cadre, campaign):
    from io import StringIO

    from django.core.management import CommandError, call_command

    s = stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 2))
    rule(2022, Unit.DEPLOYMENT_DAY, 4)
    out = StringIO()
    call_command("practice_hours", "--year", "2022", stdout=out)
    assert counted(s) == {2022: (2, H(8))}
    assert "1" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("practice_hours", "--year", "1999", stdout=out)


def test_a_move_to_another_unit_counts_by_its_rules(admin, rules, campaign):
    from ganxun.roster.services import cadre_update

    home = OrgUnit.objects.get(pk=home_unit_id())
    branch = UnitFactory(parent=home, name="分局", code="BR")
    rule(2022, Unit.DEPLOYMENT_DAY, 2, org_unit=branch)
    moving = CadreFactory(hire_date=D(2010, 1, 1))
    s = stint(admin, moving, campaign, D(2022, 4, 1), D(2022, 4, 2))
    assert counted(s) == {2022: (2, H(8))}
    cadre_update(actor=admin, cadre=moving, section=SectionFactory(unit=branch), effective=D(2022, 3, 1))
    s.refresh_from_db()
    assert s.unit == branch
    assert counted(s) == {2022: (2, H(4))}


def test_a_sync_with_nothing_changed_writes_nothing_whatever_the_rounding(admin, cadre, campaign):
    from ganxun.audit.models import AuditEvent
    from ganxun.hours.models import Rounding

    ConversionRule.objects.create(
        year=2022, unit=Unit.DEPLOYMENT_DAY, per=H(3), hours=H(4), rounding=Rounding.HALF_DOWN
    )
    s = stint(admin, cadre, campaign, D(2022, 4, 1), D(2022, 4, 10))  # 10 days × 4/3 = 13.33 → 13
    assert counted(s) == {2022: (10, H(13))}
    events = AuditEvent.objects.count()
    assert services.practice_hours_sync(actor=admin, cadre=cadre, years=[2022]) == []
    assert AuditEvent.objects.count() == events


def test_a_sync_reads_a_constant_number_of_queries(admin, rules, cadre, campaign, django_assert_max_num_queries):
    for month in range(1, 7):
        stint(admin, cadre, campaign, D(2022, month, 1), D(2022, month, 5))
        report(admin, cadre, D(2022, month, 20))
    # the cadre's records (4), credits and entries (2), the rules of their one unit (2), savepoints
    with django_assert_max_num_queries(12):
        assert services.practice_hours_sync(actor=admin, cadre=cadre, years=[2022]) == []
