"""An import writes its rows as it reads them, a batch at a time, inside one transaction (memory flat in the
file's size): the batches here are two rows, so that every file below is written in several.  What is kept is
what the check promised, and a bad row anywhere leaves nothing at all."""

import datetime as dt
from decimal import Decimal

import pytest

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.hours.models import ConversionRule, LedgerEntry, Unit
from ganxun.practice.imports import engine, practice_import
from ganxun.practice.models import Campaign, Place, PracticeCredit, Stint
from ganxun.roster.tests.factories import UserFactory

from .import_files import DEPLOYMENT_HEADER, cadre, stint_row, workbook

pytestmark = pytest.mark.django_db
D = dt.date
CAMPAIGN = "2022年社区抗疫"


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)


@pytest.fixture
def admin():
    ConversionRule.objects.create(year=2022, unit=Unit.DEPLOYMENT_DAY, per=Decimal(1), hours=Decimal(4))
    return UserFactory(role=Role.TRAINING_ADMIN, cadre=None)


@pytest.fixture
def people():
    return [cadre(1, "王伟"), cadre(2, "李娜", "住房保障科"), cadre(3, "张强")]


def run(path, admin, *, write=True):
    return practice_import(path, kind="deployment", file_name=path.name, campaign=CAMPAIGN, write=write, actor=admin)


def test_a_list_in_several_batches_is_written_whole_with_the_campaign_over_every_row(tmp_path, admin, people):
    wang, li, zhang = people
    rows = [
        stint_row(wang, start="2022.4.1", end="2022.4.10"),
        stint_row(li, start="2022.4.5", end="2022.4.12"),
        stint_row(zhang, place="长白二村居委", start="2022.3.1", end="2022.3.5"),  # a new place, in the 2nd batch
        stint_row(wang, start="2022.5.1", end="2022.6.30"),
        stint_row(li, place="长白二村居委", start="2022.7.1", end="2022.7.2"),  # the 3rd batch
    ]
    path = workbook(tmp_path / "list.xlsx", rows, DEPLOYMENT_HEADER)
    checked = run(path, admin, write=False)
    assert (checked.created, checked.error_count) == (5, 0)
    result = run(path, admin)
    assert result.written and result.created == 5
    campaign = Campaign.objects.get(name=CAMPAIGN)
    assert (campaign.start_date, campaign.end_date) == (D(2022, 3, 1), D(2022, 7, 2))
    assert "2022-03-01" in result.created_group and "2022-07-02" in result.created_group
    assert Stint.objects.count() == 5 and PracticeCredit.objects.count() == 5
    assert Place.objects.filter(name="长白二村居委").count() == 1
    # Each cadre's 学时 synced once, over all their rows: 10 + 8 + 5 + 61 + 2 days at 4 学时.
    assert sum(LedgerEntry.objects.values_list("hours", flat=True)) == Decimal(4 * (10 + 8 + 5 + 61 + 2))
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 1
    # The campaign was created over the first batch and widened, both audited.
    events = AuditEvent.objects.filter(object_type="campaign").order_by("pk")
    assert [e.action for e in events] == [Action.CREATE, Action.UPDATE]
    again = run(path, admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_a_bad_row_in_the_last_batch_leaves_nothing_of_the_batches_written_before(tmp_path, admin, people):
    wang, li, zhang = people
    rows = [
        stint_row(wang, start="2022.4.1", end="2022.4.10"),
        stint_row(li, start="2022.4.5", end="2022.4.12"),
        stint_row(zhang, start="2022.4.1", end="2022.4.3"),
        stint_row(wang, start="2022.5.1", end="2022.5.3"),
        stint_row(li, start="2022.7.9", end="2022.7.2"),  # ends before it starts
    ]
    path = workbook(tmp_path / "list.xlsx", rows, DEPLOYMENT_HEADER)
    result = run(path, admin)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(7, "结束日期")]
    assert not Stint.objects.exists() and not Campaign.objects.exists() and not Place.objects.exists()
    assert not LedgerEntry.objects.exists() and not AuditEvent.objects.exists()


def test_a_row_to_the_month_after_a_written_batch_is_what_the_check_said(tmp_path, admin, people):
    """A row dated to the month is compared with what was there before the import, not with the rows an
    earlier batch of the same file has just written: the check and the import agree."""
    wang, li, _zhang = people
    rows = [
        stint_row(wang, start="2022.4.15", end="2022.4.20"),
        stint_row(li, start="2022.4.1", end="2022.4.2"),
        stint_row(wang, start="2022.4", end="2022.4"),  # April: a record of its own, on the 1st
    ]
    path = workbook(tmp_path / "list.xlsx", rows, DEPLOYMENT_HEADER)
    checked = run(path, admin, write=False)
    result = run(path, admin)
    assert (checked.created, checked.error_count) == (result.created, result.error_count) == (3, 0)
    assert sorted(Stint.objects.filter(cadre=wang).values_list("start_date", flat=True)) == [
        D(2022, 4, 1),
        D(2022, 4, 15),
    ]


def test_the_same_record_twice_across_batches_is_a_row_error(tmp_path, admin, people):
    wang, li, zhang = people
    rows = [
        stint_row(wang, start="2022.4.1", end="2022.4.10"),
        stint_row(li, start="2022.4.5", end="2022.4.12"),
        stint_row(zhang, start="2022.4.1", end="2022.4.3"),
        stint_row(wang, start="2022.4.1", end="2022.4.10"),
    ]
    path = workbook(tmp_path / "list.xlsx", rows, DEPLOYMENT_HEADER)
    result = run(path, admin)
    assert not result.written and [(e.row, e.column) for e in result.errors] == [(6, "开始日期")]
    assert not Stint.objects.exists()
