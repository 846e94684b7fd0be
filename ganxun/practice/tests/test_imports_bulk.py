"""The imports write in bulk (``services.bulk``) what the per-record services write row by row: the same records
(attributed to the cadre's unit and 科室 on their first day), the same credits and ledger entries (days never
counted twice, titles, the unit's conversion rule), the same totals and the same audit events."""

import datetime as dt
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.hours.models import ConversionRule, HourTotal, LedgerEntry, Source, Unit
from ganxun.practice import services
from ganxun.practice.imports import practice_import
from ganxun.practice.imports.engine import PracticeImport
from ganxun.practice.models import CommunityReport, PracticeCredit, Secondment, Stint
from ganxun.practice.services import bulk
from ganxun.roster.models import CadrePeriod, Section, home_unit_id
from ganxun.roster.tests.factories import SectionFactory, UnitFactory, UserFactory

from .import_files import (
    COMMUNITY_HEADER,
    DEPLOYMENT_HEADER,
    SECONDMENT_HEADER,
    cadre,
    stint_row,
    workbook,
)

pytestmark = pytest.mark.django_db
D = dt.date
CAMPAIGN = "2022年社区抗疫"


def rule(year, unit, hours, *, cap=None, org_unit=None):
    ConversionRule.objects.create(
        year=year, unit=unit, per=Decimal(1), hours=Decimal(hours), per_item_cap=cap, org_unit=org_unit
    )


@pytest.fixture
def admin():
    return UserFactory(role=Role.TRAINING_ADMIN, cadre=None)


@pytest.fixture
def street_office():
    """A unit below the bureau with rules of its own, that one cadre moves to on 1 May 2022."""
    return UnitFactory(name="长白新村街道办事处")


@pytest.fixture
def rules(street_office):
    for year in (2021, 2022):
        rule(year, Unit.DEPLOYMENT_DAY, 4, cap=Decimal(40))
        rule(year, Unit.COMMUNITY_REPORT, 2)
        rule(year, Unit.SECONDMENT_MONTH, 8)
    rule(2022, Unit.DEPLOYMENT_DAY, 3, org_unit=street_office)


@pytest.fixture
def people(street_office):
    found = [cadre(1, "王伟"), cadre(2, "李娜", "住房保障科"), cadre(3, "张强"), cadre(4, "刘洋")]
    moved = found[2]
    facts = moved.period_facts()
    CadrePeriod.objects.filter(cadre=moved).delete()  # the one the roster gave: replaced by two
    CadrePeriod.objects.create(cadre=moved, valid_from=D(2010, 1, 1), valid_to=D(2022, 5, 1), **facts)
    office_section = SectionFactory(name="综合科", unit=street_office)
    CadrePeriod.objects.create(
        cadre=moved, valid_from=D(2022, 5, 1), **{**facts, "unit_id": street_office.pk, "section_id": office_section.pk}
    )
    return found


def state() -> dict:
    """Everything the imports write, by natural keys (not by row keys)."""

    def record_key(record):
        return (type(record).__name__, record.cadre_id, str(record), record.unit_id, record.section_id)

    records = sorted(
        [(*record_key(r), r.task) for r in Stint.objects.select_related("cadre", "place")]
        + [
            (*record_key(r), r.service, r.party_branch)
            for r in CommunityReport.objects.select_related("cadre", "place")
        ]
        + [
            (*record_key(r), r.kind, r.region, r.post, r.host_unit, str(r.actual_start), str(r.actual_end))
            for r in Secondment.objects.select_related("cadre")
        ]
    )
    credits = sorted(
        (c.cadre_id, c.year, c.title, c.days, c.first_day, c.last_day, c.stint_id is not None)
        for c in PracticeCredit.objects.all()
    )
    entries = sorted(
        (
            e.cadre_id,
            e.date,
            str(e.hours),
            e.title,
            e.status,
            e.reason,
            e.bucket,
            e.unit_id,
            e.section_id,
            e.source_type_id,
            e.created_by_id,
            e.decided_by_id,
            e.decided_at is not None,
        )
        for e in LedgerEntry.objects.filter(source=Source.PRACTICE)
    )
    totals = sorted(HourTotal.objects.values_list("cadre_id", "year", "unit_id", "section_id", "practice", "entries"))
    events = Counter(
        (e.object_type, e.action, e.actor_id, e.actor_name, e.object_repr, json.dumps(e.changes, sort_keys=True))
        for e in AuditEvent.objects.all()
    )
    return {"records": records, "credits": credits, "entries": entries, "totals": totals, "events": events}


def both_ways(monkeypatch, run):
    """``run()`` through the services row by row and in bulk, each rolled back after its state is taken."""
    outcomes = []
    for in_bulk in (False, True):
        monkeypatch.setattr(PracticeImport, "write_in_bulk", in_bulk)
        with transaction.atomic():
            result = run()
            assert result.written, [str(e) for e in result.errors]
            outcomes.append(((result.created, result.updated, result.unchanged), state()))
            transaction.set_rollback(True)
    return outcomes


def test_a_deployment_list_in_bulk_is_what_the_services_write_row_by_row(
    tmp_path, monkeypatch, admin, rules, people, street_office
):
    wang, li, zhang, liu = people
    # Already there: a deployment of 王伟 that a new row overlaps (its days are not counted twice), one of 刘洋
    # that the file changes, and a report of 李娜 on a day the file's deployment covers.
    campaign = services.campaign_create(actor=admin, name=CAMPAIGN, start_date=D(2021, 12, 1), end_date=None)
    street = services.place_get_or_create(actor=admin, name="长白新村街道", kind="street")[0]
    place = services.place_get_or_create(actor=admin, name="长白一村居委", kind="committee", parent=street)[0]
    services.stint_create(
        actor=admin, cadre=wang, campaign=campaign, place=place, start_date=D(2022, 4, 1), end_date=D(2022, 4, 10)
    )
    services.stint_create(
        actor=admin, cadre=liu, campaign=campaign, place=place, start_date=D(2022, 6, 1), end_date=D(2022, 6, 5)
    )
    rows = [
        stint_row(wang, start="2022.4.5", end="2022.4.20"),  # overlaps the one already there
        stint_row(li, place="浦东机场", 地点类型="机场", 所属街道="", start="2021.12.20", end="2022.1.10"),
        stint_row(li, place="长白二村居委", start="2022.3.1", end="2022.3.3", 任务=" 物资配送 "),
        stint_row(zhang, start="2022.4.25", end="2022.5.6"),  # in the bureau on the first day
        stint_row(zhang, place="长白二村居委", start="2022.5.10", end="2022.5.31"),  # in the street office
        stint_row(liu, start="2022.6.1", end="2022.6.9"),  # changes the end of the one already there
    ]
    path = workbook(tmp_path / "list.xlsx", rows, DEPLOYMENT_HEADER)
    services.community_report_create(actor=admin, cadre=li, place=place, date=D(2022, 3, 2), service="值守")

    def run():
        return practice_import(path, kind="deployment", file_name=path.name, campaign=CAMPAIGN, write=True, actor=admin)

    (counts_one, one), (counts_bulk, in_bulk) = both_ways(monkeypatch, run)
    assert counts_one == counts_bulk == (5, 1, 0)
    for what in ("records", "credits", "entries", "totals", "events"):
        assert in_bulk[what] == one[what], what
    # What the comparison stands on: the street office's rule, a year boundary, a day not counted twice.
    titles = {(e[0], e[1]): (e[2], e[3]) for e in in_bulk["entries"]}
    assert titles[(zhang.pk, D(2022, 5, 31))][0] == "66.00"  # 22 days at the street office's 3
    assert titles[(zhang.pk, D(2022, 5, 6))][0] == "40.00"  # 12 days at 4, capped at 40
    assert {e[1] for e in in_bulk["entries"] if e[0] == li.pk} >= {D(2021, 12, 31), D(2022, 1, 10)}
    assert [c[3] for c in in_bulk["credits"] if c[0] == wang.pk] == [10, 10]  # 4.1–10, then 4.11–20


def test_community_and_secondment_lists_in_bulk_are_what_the_services_write(
    tmp_path, monkeypatch, admin, rules, people
):
    wang, li, zhang, liu = people
    place = services.place_get_or_create(actor=admin, name="长白一村居委", kind="committee")[0]
    campaign = services.campaign_create(actor=admin, name=CAMPAIGN, start_date=D(2022, 1, 1), end_date=None)
    services.stint_create(
        actor=admin, cadre=wang, campaign=campaign, place=place, start_date=D(2022, 3, 1), end_date=D(2022, 3, 5)
    )
    services.community_report_create(actor=admin, cadre=li, place=place, date=D(2022, 2, 1), service="值守")
    reports = [
        {
            "姓名": wang.name,
            "身份证号": wang.id_number,
            "党支部": "",
            "报到居委": "长白一村居委",
            "街道": "",
            "报到日期": "2022.3.3",
            "服务内容": "值守",
        },  # a day the deployment already counts
        {
            "姓名": wang.name,
            "身份证号": wang.id_number,
            "党支部": "机关第一党支部",
            "报到居委": "长白一村居委",
            "街道": "",
            "报到日期": "2022.3.8",
            "服务内容": "宣传",
        },
        {
            "姓名": li.name,
            "身份证号": li.id_number,
            "党支部": "",
            "报到居委": "长白一村居委",
            "街道": "",
            "报到日期": "2022.2.1",
            "服务内容": "核酸",
        },  # changes the service of the one already there
        {
            "姓名": zhang.name,
            "身份证号": zhang.id_number,
            "党支部": "",
            "报到居委": "长白二村居委",
            "街道": "",
            "报到日期": "2022.6.1",
            "服务内容": "",
        },
    ]
    reports_path = workbook(tmp_path / "reports.xlsx", reports, COMMUNITY_HEADER, title=None)
    secondments = [
        {
            "姓名": liu.name,
            "身份证号": liu.id_number,
            "派往地区": "新疆喀什",
            "挂职单位": "喀什地区住建局",
            "挂职职务": "副局长",
            "开始日期": "2021.7.1",
            "结束日期": "2022.6.30",
        },
        {
            "姓名": zhang.name,
            "身份证号": zhang.id_number,
            "派往地区": "云南",
            "挂职单位": "",
            "挂职职务": "",
            "开始日期": "2022.2",
            "结束日期": "2022.4",
        },
    ]
    secondments_path = workbook(tmp_path / "secondments.xlsx", secondments, SECONDMENT_HEADER, title=None)

    def run_reports():
        return practice_import(reports_path, kind="community", file_name="r.xlsx", write=True, actor=admin)

    def run_secondments():
        return practice_import(secondments_path, kind="secondment", file_name="s.xlsx", write=True, actor=admin)

    for run, counts in ((run_reports, (3, 1, 0)), (run_secondments, (2, 0, 0))):
        (counts_one, one), (counts_bulk, in_bulk) = both_ways(monkeypatch, run)
        assert counts_one == counts_bulk == counts
        for what in ("records", "credits", "entries", "totals", "events"):
            assert in_bulk[what] == one[what], what


def test_a_deployment_list_is_written_in_as_many_statements_for_200_rows_as_for_40(tmp_path, admin, rules):
    people = [cadre(100 + n, f"干部{n}") for n in range(40)]

    def queries(name, months):
        rows = [
            stint_row(person, start=f"2022.{month}.1", end=f"2022.{month}.5") for person in people for month in months
        ]
        path = workbook(tmp_path / f"{name}.xlsx", rows, DEPLOYMENT_HEADER)
        with CaptureQueriesContext(connection) as captured:
            result = practice_import(
                path, kind="deployment", file_name=path.name, campaign=name, write=True, actor=admin
            )
        assert result.written and result.created == len(rows)
        return len(captured)

    # Each a new campaign (its places there since the first): the rows' records, audit events and 学时 a
    # statement per kind of row, whether the cadres have 学时 in the year already or not (not a few dozen
    # queries a row as through the services one by one).
    first = queries("防疫一", (2,))
    small = queries("防疫二", (3,))
    assert queries("防疫三", (4, 5, 6, 7, 8)) == small <= first
    assert LedgerEntry.objects.filter(source=Source.PRACTICE).count() == 280
    assert AuditEvent.objects.filter(object_type="stint", action=Action.CREATE).count() == 280
    assert small < 100


def test_attributions_read_the_periods_as_the_ledger_does(people, street_office):
    wang, _li, zhang, _liu = people
    found = bulk.attributions(
        [(zhang.pk, D(2009, 1, 1)), (zhang.pk, D(2022, 4, 30)), (zhang.pk, D(2022, 5, 1)), (wang.pk, D(2022, 5, 1))]
    )
    assert found[(zhang.pk, D(2009, 1, 1))] == (home_unit_id(), zhang.section_id)  # before the first: the first
    assert found[(zhang.pk, D(2022, 4, 30))] == (home_unit_id(), zhang.section_id)
    assert found[(zhang.pk, D(2022, 5, 1))] == (street_office.pk, Section.objects.get(name="综合科").pk)
    assert found[(wang.pk, D(2022, 5, 1))] == (wang.unit_id, wang.section_id)  # no period: the cadre's own


@pytest.mark.parametrize("in_bulk", [False, True])
def test_a_row_the_ledger_refuses_is_a_row_error_and_nothing_is_kept(tmp_path, monkeypatch, admin, rules, in_bulk):
    monkeypatch.setattr(PracticeImport, "write_in_bulk", in_bulk)
    young = cadre(30, "赵敏")
    # Recorded as born after the deployment's last day (a slip in the roster): the ledger refuses the entry.
    type(young).objects.filter(pk=young.pk).update(birth_date=D(2021, 12, 25))
    path = workbook(
        tmp_path / "list.xlsx",
        [stint_row(young, start="2021.12.20", end="2021.12.22")],
        DEPLOYMENT_HEADER,
    )
    result = practice_import(path, kind="deployment", file_name=path.name, campaign=CAMPAIGN, write=True, actor=admin)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名")]
    assert "2021-12-25" in result.errors[0].reason
    assert not Stint.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.parametrize("in_bulk", [False, True])
def test_a_deployment_the_database_already_holds_is_a_row_error_both_ways(
    tmp_path, monkeypatch, admin, rules, people, in_bulk
):
    """The check takes the place written with its street for a new one, while the register finds the place
    recorded without a street: the write meets the deployment already there."""
    monkeypatch.setattr(PracticeImport, "write_in_bulk", in_bulk)
    wang = people[0]
    campaign = services.campaign_create(actor=admin, name=CAMPAIGN, start_date=D(2022, 1, 1), end_date=None)
    place = services.place_get_or_create(actor=admin, name="长白一村居委", kind="committee")[0]
    services.stint_create(
        actor=admin, cadre=wang, campaign=campaign, place=place, start_date=D(2022, 4, 1), end_date=D(2022, 4, 10)
    )
    path = workbook(tmp_path / "list.xlsx", [stint_row(wang, start="2022.4.1", end="2022.4.10")], DEPLOYMENT_HEADER)
    result = practice_import(path, kind="deployment", file_name=path.name, campaign=CAMPAIGN, write=True, actor=admin)
    assert not result.written
    assert [str(e) for e in result.errors] == ["第3行 姓名: 该下沉派驻记录已存在。"]
    assert Stint.objects.count() == 1


def test_bulk_check_refuses_what_clean_fields_refuses(people):
    record = Stint(cadre=people[0], start_date=D(2022, 4, 1), end_date=D(2022, 4, 2), task="核酸")
    bulk.check(None, record)  # plain values: passes
    for field, value in (("task", "长" * 201), ("start_date", "2022-13-45")):
        bad = Stint(cadre=people[0], start_date=D(2022, 4, 1), end_date=D(2022, 4, 2))
        setattr(bad, field, value)
        with pytest.raises(ValidationError) as refused:
            bulk.check(None, bad)
        assert field in refused.value.message_dict


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        (AuditEvent, "action", Action.CREATE),
        (AuditEvent, "object_repr", "张三 2022-04-01"),
        (AuditEvent, "changes", {"hours": [None, "4.00"], "title": [None, "下沉（社区抗疫）"]}),
        (AuditEvent, "changes", {}),
        (Stint, "created_at", dt.datetime(2022, 4, 1, 8, 30, tzinfo=dt.UTC)),
        (Stint, "start_date", D(2022, 4, 1)),
        (Stint, "cadre", 7),
        (LedgerEntry, "hours", Decimal("4.00")),
        (LedgerEntry, "hours", Decimal("0")),
        (LedgerEntry, "source_id", 123),
    ],
)
def test_a_bulk_rows_value_is_what_the_field_would_hand_the_database(model, name, value):
    """``Rows`` short-cuts ``get_db_prep_save`` for plain values: it must hand the backend the same thing."""
    field = model._meta.get_field(name)
    converted = bulk._converter(field, connection)(value)
    expected = field.get_db_prep_save(value, connection)
    # A JSON value is an adapter object on PostgreSQL: compare what it holds.
    assert getattr(converted, "obj", converted) == getattr(expected, "obj", expected)
    assert type(converted) is not type(value) or not isinstance(value, Action)  # a choice is stored as its text
