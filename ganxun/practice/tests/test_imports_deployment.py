"""Deployment lists from Excel: headers as bureaus write them, dates in the roster's spellings, places by
normalised name, cadres by ID number or unique name, all rows or none, and a re-import that changes nothing."""

import datetime as dt

import pytest
from openpyxl import Workbook

from ganxun.audit.models import Action, AuditEvent
from ganxun.core.excel import ExcelFileError
from ganxun.practice.imports import practice_import
from ganxun.practice.models import Campaign, Place, PlaceKind, Stint
from ganxun.practice.tests.factories import CampaignFactory, PlaceFactory, StintFactory, StreetFactory

from .import_files import DEPLOYMENT_HEADER, cadre, stint_row, workbook

pytestmark = pytest.mark.django_db

CAMPAIGN = "2022年社区抗疫"


def run(path, *, write=True, campaign=CAMPAIGN, actor=None):
    return practice_import(path, kind="deployment", file_name=path.name, campaign=campaign, write=write, actor=actor)


def errors(result) -> list[str]:
    return [str(e) for e in result.errors]


@pytest.fixture
def people():
    return [cadre(1, "王伟"), cadre(2, "李娜", "住房保障科"), cadre(3, "张强")]


def test_imports_a_list_as_a_bureau_keeps_it(tmp_path, people):
    header = (
        "序号",
        "姓名",
        "公民身份号码",
        "部门",
        "下沉地点",
        "点位类型",
        "街道",
        "起始日期",
        "截止日期",
        "工作内容",
    )
    rows = [
        (
            1,
            "王伟",
            people[0].id_number,
            "旧区改造科",
            "长白一村 居委",
            "居委",
            "长白新村街道",
            "2022.4",
            "2022.5",
            "核酸",
        ),
        (
            2,
            "李娜",
            people[1].id_number,
            "住房保障科",
            "浦东机场",
            "机场",
            "",
            dt.datetime(2022, 4, 3),
            "2022年4月20日",
            "",
        ),
        (None, None, None, None, None, None, None, None, None, None),
        (
            3,
            "张强",
            people[2].id_number,
            "旧区改造科",
            "长白一村居委",
            "",
            "长白新村街道",
            "2022/4/10",
            "20220430",
            "流调",
        ),
        ("合 计", "3人", None, None, None, None, None, None, None, None),
    ]
    path = workbook(tmp_path / "下沉.xlsx", rows, header)
    result = run(path)
    assert errors(result) == []
    assert (result.created, result.updated, result.unchanged, result.skipped_rows) == (3, 0, 0, [7])
    assert result.header_row == 2 and result.ignored_columns == ["序号"]
    campaign = Campaign.objects.get(name=CAMPAIGN)
    # The period is the rows' first start and last end (2022.5 as an end date is the month's last day).
    assert (campaign.start_date, campaign.end_date) == (dt.date(2022, 4, 1), dt.date(2022, 5, 31))
    committee = Place.objects.get(kind=PlaceKind.COMMITTEE)
    assert committee.parent.name == "长白新村街道" and committee.parent.kind == PlaceKind.STREET
    assert Place.objects.get(name="浦东机场").kind == PlaceKind.AIRPORT
    stints = {s.cadre.name: s for s in Stint.objects.select_related("cadre")}
    assert (stints["王伟"].start_date, stints["王伟"].end_date) == (dt.date(2022, 4, 1), dt.date(2022, 5, 31))
    assert stints["张强"].place == committee  # "长白一村 居委" and "长白一村居委" are one place
    assert (stints["李娜"].start_date, stints["李娜"].task) == (dt.date(2022, 4, 3), "")
    assert stints["李娜"].section.name == "住房保障科"
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 1


def test_reimport_is_unchanged_and_a_changed_row_updates(tmp_path, people):
    rows = [stint_row(p) for p in people]
    path = workbook(tmp_path / "a.xlsx", rows, DEPLOYMENT_HEADER)
    assert run(path).created == 3
    events = AuditEvent.objects.count()
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Stint.objects.count() == 3 and Place.objects.count() == 2
    assert AuditEvent.objects.count() == events + 1  # the import's own event only
    rows[1]["结束日期"] = "2022.5.15"
    rows[2]["任务"] = "物资配送"
    changed = run(workbook(tmp_path / "b.xlsx", rows, DEPLOYMENT_HEADER))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 1)
    assert Stint.objects.get(cadre=people[1]).end_date == dt.date(2022, 5, 15)
    assert Stint.objects.get(cadre=people[2]).task == "物资配送"
    change = changed.changes[0]
    assert (change.row, change.fields) == (4, [("结束日期", "2022-04-30", "2022-05-15")])


def test_a_date_to_the_month_finds_the_record_of_that_month(tmp_path, people):
    place = PlaceFactory(name="长白一村居委", parent=StreetFactory(name="长白新村街道"))
    campaign = CampaignFactory(name=CAMPAIGN)
    StintFactory(
        cadre=people[0],
        campaign=campaign,
        place=place,
        start_date=dt.date(2022, 4, 5),
        end_date=dt.date(2022, 4, 27),
        task="核酸检测秩序维护",
    )
    path = workbook(tmp_path / "m.xlsx", [stint_row(people[0], start="2022.4", end="2022.4")], DEPLOYMENT_HEADER)
    result = run(path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert Stint.objects.get().start_date == dt.date(2022, 4, 5)


def test_names_match_within_the_unit_when_there_is_no_id_column(tmp_path, people):
    cadre(4, "王伟", "住房保障科")  # a namesake in another section
    header = ("姓名", "科室", "支援地点", "开始日期", "结束日期")
    rows = [
        ("张强", "旧区改造科", "长白一村居委", "2022.4.1", "2022.4.30"),
        ("王伟", "住房保障科", "长白一村居委", "2022.4.1", "2022.4.30"),  # the section tells the namesakes apart
        ("王伟", "", "长白一村居委", "2022.4.2", "2022.4.30"),
        ("赵六", "旧区改造科", "长白一村居委", "2022.4.1", "2022.4.30"),
    ]
    result = run(workbook(tmp_path / "n.xlsx", rows, header), write=False)
    assert errors(result) == [
        "第5行 姓名: 名为王伟的干部有2人（住房保障科、旧区改造科），请加上身份证号一列以区分。",
        "第6行 姓名: 您管理的名册中没有名为赵六的干部。",
    ]
    assert result.created == 2


def test_ids_are_checked_against_the_roster(tmp_path, people):
    rows = [
        stint_row(people[0], 姓名="王五"),
        stint_row(people[1], 身份证号="110101199001011237"),
        stint_row(people[2], 身份证号="3101101985"),
    ]
    result = run(workbook(tmp_path / "i.xlsx", rows, DEPLOYMENT_HEADER), write=False)
    assert errors(result) == [
        "第3行 姓名: 姓名与身份证号不符（名册中为 王伟）。",
        "第4行 身份证号: 您管理的名册中没有该身份证号的干部。",
        "第5行 身份证号: 身份证号应为18位，此处为10位。",
    ]


def test_an_id_number_stored_as_a_number_is_an_error(tmp_path, people):
    row = stint_row(people[0])
    row["身份证号"] = 310110198001010011
    result = run(workbook(tmp_path / "x.xlsx", [row], DEPLOYMENT_HEADER), write=False)
    assert errors(result)[0].startswith("第3行 身份证号: 身份证号应为文本格式")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("开始日期", "", "第4行 开始日期: 请填写日期。"),
        ("开始日期", "2022.13.1", "第4行 开始日期: “2022.13.1”不是有效日期"),
        ("开始日期", "不详", "第4行 开始日期: “不详”不是有效日期"),
        ("开始日期", "1949.12.31", "第4行 开始日期: 开始日期须在 1950-01-01 至 "),
        ("结束日期", "", "第4行 结束日期: 请填写日期。"),
        ("结束日期", "2022.3.31", "第4行 结束日期: 结束日期不能早于开始日期。"),
        ("地点类型", "学校", "第4行 地点类型: 无法识别“学校”，请填写"),
        ("支援地点", "", "第4行 支援地点: 请填写支援地点（或居委和小区）。"),
        ("支援地点", "长" * 101, "第4行 支援地点: 共101个字符，超过上限100个。"),
        ("任务", "务" * 201, "第4行 任务: 共201个字符，超过上限200个。"),
        ("姓名", "", "第4行 姓名: "),
    ],
)
def test_every_bad_cell_is_a_row_error_and_nothing_is_written(tmp_path, people, column, value, message):
    bad = stint_row(people[1], **{column: value})
    if column == "姓名":
        bad["身份证号"] = ""
    rows = [stint_row(people[0]), bad, stint_row(people[2])]
    # Row 1 is the title, row 2 the header: the bad row is row 4.
    result = run(workbook(tmp_path / "bad.xlsx", rows, DEPLOYMENT_HEADER))
    found = errors(result)
    assert len(found) == 1 and found[0].startswith(message), found
    assert not result.written
    assert not Stint.objects.exists() and not Campaign.objects.exists() and not Place.objects.exists()


def test_residents_committee_and_estate_columns(tmp_path, people):
    header = ("姓名", "身份证号", "居委", "小区", "所属街道", "开始日期", "结束日期")
    rows = [
        (people[0].name, people[0].id_number, "长白一村居委", "长白一村小区", "长白新村街道", "2022.4.1", "2022.4.9"),
        (people[1].name, people[1].id_number, "长白一村居委", "", "长白新村街道", "2022.4.1", "2022.4.9"),
        (people[2].name, people[2].id_number, "", "", "", "2022.4.1", "2022.4.9"),
    ]
    result = run(workbook(tmp_path / "c.xlsx", rows, header))
    assert errors(result) == ["第5行 居委: 请填写支援地点（或居委和小区）。"]
    ok = run(workbook(tmp_path / "c2.xlsx", rows[:2], header))
    assert ok.written
    estate = Place.objects.get(kind=PlaceKind.ESTATE)
    assert estate.parent.name == "长白一村居委" and estate.parent.parent.name == "长白新村街道"
    assert Stint.objects.get(cadre=people[1]).place == estate.parent


def test_the_same_record_twice_in_a_file(tmp_path, people):
    rows = [stint_row(people[0]), stint_row(people[0], 任务="另一任务")]
    result = run(workbook(tmp_path / "d.xlsx", rows, DEPLOYMENT_HEADER), write=False)
    assert errors(result) == ["第4行 开始日期: 第3行已有同一条记录。"]


def test_dry_run_writes_nothing(tmp_path, people):
    result = run(workbook(tmp_path / "p.xlsx", [stint_row(p) for p in people], DEPLOYMENT_HEADER), write=False)
    assert (result.created, result.written) == (3, False)
    assert result.created_group == "专项行动“2022年社区抗疫”（2022-04-01 至 2022-04-30）"
    assert result.new_places == ["长白新村街道", "长白新村街道 长白一村居委"]
    assert not Stint.objects.exists() and not Campaign.objects.exists() and not Place.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_existing_campaign_is_used(tmp_path, people):
    campaign = CampaignFactory(name=CAMPAIGN, start_date=dt.date(2022, 3, 1), end_date=dt.date(2022, 6, 30))
    result = run(workbook(tmp_path / "e.xlsx", [stint_row(people[0])], DEPLOYMENT_HEADER))
    assert result.written and result.created_group == ""
    assert Stint.objects.get().campaign == campaign and Campaign.objects.count() == 1


def test_a_campaign_is_required_and_the_file_must_have_its_columns(tmp_path, people):
    path = workbook(tmp_path / "f.xlsx", [stint_row(people[0])], DEPLOYMENT_HEADER)
    with pytest.raises(ExcelFileError, match="请指明"):
        run(path, campaign="")
    no_place = workbook(tmp_path / "g.xlsx", [("王伟", "2022.4.1", "2022.4.2")], ("姓名", "开始日期", "结束日期"))
    with pytest.raises(ExcelFileError, match="支援地点"):
        run(no_place)
    no_dates = workbook(tmp_path / "h.xlsx", [("王伟", "长白一村居委")], ("姓名", "支援地点"))
    with pytest.raises(ExcelFileError, match="开始日期、结束日期"):
        run(no_dates)


def test_excel_date_cells_and_serial_numbers(tmp_path, people):
    book = Workbook()
    sheet = book.active
    sheet.append(list(DEPLOYMENT_HEADER))
    sheet.append(
        [people[0].name, people[0].id_number, "", "长白一村居委", "居委", "", dt.datetime(2022, 4, 1), 44681, ""]
    )
    path = tmp_path / "s.xlsx"
    book.save(path)
    result = run(path)
    assert errors(result) == []
    assert Stint.objects.get().end_date == dt.date(2022, 4, 30)  # serial 44681


def test_an_administrator_matches_names_only_within_their_units(tmp_path, people):
    from ganxun.accounts.models import Role
    from ganxun.roster.models import Section, Unit
    from ganxun.roster.tests.factories import UnitFactory, UserFactory

    home = Unit.objects.get(pk=people[0].unit_id)
    other = UnitFactory(name="静安区房管局", parent=home.parent)
    elsewhere = cadre(9, "钱七", "外单位科")
    Section.objects.filter(pk=elsewhere.section_id).update(unit=other)
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(unit=other)
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None, unit=home)
    header = ("姓名", "支援地点", "开始日期", "结束日期")
    rows = [("王伟", "浦东机场", "2022.4.1", "2022.4.2"), ("钱七", "浦东机场", "2022.4.1", "2022.4.2")]
    result = run(workbook(tmp_path / "u.xlsx", rows, header), write=False, actor=admin)
    assert errors(result) == ["第4行 姓名: 您管理的名册中没有名为钱七的干部。"]
    by_id = [stint_row(elsewhere)]
    result = run(workbook(tmp_path / "v.xlsx", by_id, DEPLOYMENT_HEADER), write=False, actor=admin)
    assert errors(result) == ["第3行 身份证号: 您管理的名册中没有该身份证号的干部。"]


def test_an_administrator_cannot_import_their_own_deployment(tmp_path, people):
    from ganxun.accounts.models import Role
    from ganxun.roster.tests.factories import UserFactory

    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=people[0])
    result = run(workbook(tmp_path / "o.xlsx", [stint_row(people[0])], DEPLOYMENT_HEADER), actor=admin)
    assert len(result.errors) == 1 and str(result.errors[0]).startswith("第3行 姓名: ")
    assert not Stint.objects.exists()


def test_an_existing_campaign_widens_to_hold_the_rows(tmp_path, people):
    campaign = CampaignFactory(name=CAMPAIGN, start_date=dt.date(2022, 4, 10), end_date=dt.date(2022, 4, 20))
    path = workbook(tmp_path / "w.xlsx", [stint_row(people[0])], DEPLOYMENT_HEADER)
    preview = run(path, write=False)
    assert preview.widened_group == "专项行动“2022年社区抗疫”的起止日期将扩展为 2022-04-01 至 2022-04-30。"
    assert run(path).written
    campaign.refresh_from_db()
    assert (campaign.start_date, campaign.end_date) == (dt.date(2022, 4, 1), dt.date(2022, 4, 30))


def test_a_place_name_the_register_holds_twice_needs_its_street(tmp_path, people):
    for street in ("长白新村街道", "殷行街道"):
        PlaceFactory(name="新村居委", parent=StreetFactory(name=street))
    rows = [stint_row(people[0], "新村居委", 所属街道=""), stint_row(people[1], "新村居委", 所属街道="殷行街道")]
    result = run(workbook(tmp_path / "a.xlsx", rows, DEPLOYMENT_HEADER), write=False)
    found = errors(result)
    assert len(found) == 1 and found[0].startswith("第3行 支援地点: ") and "殷行街道" in found[0]
    assert result.created == 1


def test_the_check_queries_do_not_grow_with_the_rows(tmp_path, django_assert_max_num_queries):
    everyone = [cadre(100 + n, f"干部{n}") for n in range(40)]
    CampaignFactory(name=CAMPAIGN, start_date=dt.date(2022, 3, 1), end_date=dt.date(2022, 6, 30))
    small = workbook(tmp_path / "s.xlsx", [stint_row(p) for p in everyone[:4]], DEPLOYMENT_HEADER)
    large = workbook(tmp_path / "l.xlsx", [stint_row(p) for p in everyone], DEPLOYMENT_HEADER)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert run(small, write=False).created == 4
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run(large, write=False).created == 40
