"""Community reporting, team members and secondments from Excel: each kind's columns, checks and re-import."""

import datetime as dt

import pytest

from ganxun.core.excel import ExcelFileError
from ganxun.practice.imports import practice_import
from ganxun.practice.models import (
    CommunityReport,
    Place,
    PlaceKind,
    Secondment,
    SecondmentKind,
    Team,
    TeamMembership,
    TeamRole,
)
from ganxun.practice.tests.factories import PlaceFactory, TeamFactory, TeamMembershipFactory

from .import_files import COMMUNITY_HEADER, SECONDMENT_HEADER, TEAM_HEADER, cadre, workbook

pytestmark = pytest.mark.django_db

TEAM = "房管应急支援队"


def run(path, kind, *, write=True, **extra):
    return practice_import(path, kind=kind, file_name=path.name, write=write, **extra)


def errors(result) -> list[str]:
    return [str(e) for e in result.errors]


# --- community reporting ---------------------------------------------------------------------------------------------


def report(person, committee="长白一村居委", date="2022.3.15", **extra):
    row = {
        "姓名": person.name,
        "身份证号": person.id_number,
        "党支部": "机关第一党支部",
        "报到居委": committee,
        "街道": "长白新村街道",
        "报到日期": date,
        "服务内容": "楼组防疫宣传",
    }
    row.update(extra)
    return row


def test_party_members_report_and_others_are_row_errors(tmp_path):
    member, masses = cadre(1, "王伟"), cadre(2, "李娜", party=False)
    existing = PlaceFactory(name="长白一村 居委", parent=None)  # the register's spelling, with a space
    path = workbook(tmp_path / "c.xlsx", [report(member), report(masses)], COMMUNITY_HEADER, title="党员到社区报到名单")
    result = run(path, "community")
    assert len(result.errors) == 1 and str(result.errors[0]).startswith("第4行 姓名: 李娜")
    assert "群众" in str(result.errors[0]) and not CommunityReport.objects.exists()
    ok = run(workbook(tmp_path / "d.xlsx", [report(member)], COMMUNITY_HEADER), "community")
    assert ok.written and ok.created == 1
    saved = CommunityReport.objects.get()
    assert (saved.place, saved.date, saved.service, saved.party_branch) == (
        existing,
        dt.date(2022, 3, 15),
        "楼组防疫宣传",
        "机关第一党支部",
    )
    again = run(workbook(tmp_path / "e.xlsx", [report(member, 服务内容="垃圾分类")], COMMUNITY_HEADER), "community")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 0)
    assert CommunityReport.objects.get().service == "垃圾分类"


def test_community_report_cells(tmp_path):
    member = cadre(1, "王伟")
    rows = [report(member, 报到居委=""), report(member, 报到日期="三月"), report(member, 服务内容="服" * 201)]
    result = run(workbook(tmp_path / "c.xlsx", rows, COMMUNITY_HEADER), "community", write=False)
    assert [e.split(":")[0] for e in errors(result)] == ["第3行 报到居委", "第4行 报到日期", "第5行 服务内容"]
    assert errors(result)[0] == "第3行 报到居委: 此处不能为空。"


# --- team members --------------------------------------------------------------------------------------------------


def member(person, role="队员", joined="2022.3.15", left="", **extra):
    row = {"姓名": person.name, "身份证号": person.id_number, "队内职务": role, "加入日期": joined, "退出日期": left}
    row.update(extra)
    return row


def test_a_new_team_is_formed_on_the_first_joining_and_reimport_changes_nothing(tmp_path):
    people = [cadre(1, "王伟"), cadre(2, "李娜"), cadre(3, "张强")]
    rows = [
        member(people[0], "队长", "2022年3月10日"),
        member(people[1], "副队长"),
        member(people[2], "", "2022.3.20", "2022.9.1"),
    ]
    path = workbook(tmp_path / "t.xlsx", rows, TEAM_HEADER, title="房管应急支援队队员名单")
    preview = run(path, "team", write=False, team=TEAM)
    assert preview.created_group == "队伍“房管应急支援队”（2022-03-10 组建）"
    assert not Team.objects.exists()
    result = run(path, "team", team=TEAM)
    assert result.written and result.created == 3
    team = Team.objects.get(name=TEAM)
    assert team.formed_on == dt.date(2022, 3, 10)
    roles = dict(TeamMembership.objects.values_list("cadre__name", "role"))
    assert roles == {"王伟": TeamRole.LEADER, "李娜": TeamRole.DEPUTY, "张强": TeamRole.MEMBER}
    assert TeamMembership.objects.get(cadre=people[2]).left_on == dt.date(2022, 9, 1)
    again = run(path, "team", team=TEAM)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_team_member_cells(tmp_path):
    person = cadre(1, "王伟")
    rows = [member(person, "司令"), member(cadre(2, "李娜"), left="2022.3.15"), member(cadre(3, "张强"), joined="")]
    result = run(workbook(tmp_path / "t.xlsx", rows, TEAM_HEADER), "team", write=False, team=TEAM)
    assert errors(result) == [
        "第3行 队内职务: 无法识别“司令”，请填写队长、副队长、队员之一。",
        "第4行 退出日期: 退出日期必须晚于加入日期。",
        "第5行 加入日期: 请填写日期。",
    ]


def test_an_existing_team_is_used_and_a_leaving_date_updates(tmp_path):
    team = TeamFactory(name=TEAM, formed_on=dt.date(2022, 3, 1))
    person = cadre(1, "王伟")
    TeamMembershipFactory(team=team, cadre=person, joined_on=dt.date(2022, 3, 15))
    result = run(workbook(tmp_path / "t.xlsx", [member(person, left="2022.10")], TEAM_HEADER), "team", team=TEAM)
    assert (result.created, result.updated) == (0, 1)
    assert result.changes[0].fields == [("退出日期", "", "2022-10-01")]
    assert TeamMembership.objects.get().left_on == dt.date(2022, 10, 1)
    assert Team.objects.count() == 1


def test_a_team_is_required(tmp_path):
    path = workbook(tmp_path / "t.xlsx", [member(cadre(1, "王伟"))], TEAM_HEADER)
    with pytest.raises(ExcelFileError, match="请指明队员所属的队伍"):
        run(path, "team")


# --- secondments ---------------------------------------------------------------------------------------------------


def secondment(person, region="云南省红河州", start="2023.7", end="2025.7", **extra):
    row = {
        "姓名": person.name,
        "身份证号": person.id_number,
        "派往地区": region,
        "挂职单位": "红河州住房和城乡建设局",
        "挂职职务": "副局长",
        "开始日期": start,
        "结束日期": end,
    }
    row.update(extra)
    return row


def test_secondments_take_their_kind_from_the_destination(tmp_path):
    people = [cadre(1, "王伟"), cadre(2, "李娜"), cadre(3, "张强")]
    rows = [
        secondment(people[0]),
        secondment(people[1], "西藏日喀则市", "2022.7.1", "2024.6.30"),
        secondment(people[2], "嘉定区安亭镇", "2023.1", "2023.12"),
    ]
    path = workbook(tmp_path / "s.xlsx", rows, SECONDMENT_HEADER, title="援派挂职干部名单")
    result = run(path, "secondment")
    assert errors(result) == [] and result.created == 3
    kinds = dict(Secondment.objects.values_list("cadre__name", "kind"))
    assert kinds == {"王伟": SecondmentKind.YUNNAN, "李娜": SecondmentKind.TIBET, "张强": SecondmentKind.ATTACHMENT}
    yunnan = Secondment.objects.get(cadre=people[0])
    assert (yunnan.planned_start, yunnan.planned_end) == (dt.date(2023, 7, 1), dt.date(2025, 7, 31))
    assert run(path, "secondment").unchanged == 3


def test_secondment_cells_and_the_actual_end(tmp_path):
    person = cadre(1, "王伟")
    header = (*SECONDMENT_HEADER, "挂职类型", "实际结束日期")
    rows = [
        secondment(person, 挂职类型="援疆", 实际结束日期="2025.1.15"),
        secondment(cadre(2, "李娜"), 派往地区=""),
        secondment(cadre(3, "张强"), 挂职类型="援外"),
        secondment(cadre(4, "赵六"), 结束日期="2023.6"),
    ]
    result = run(workbook(tmp_path / "s.xlsx", rows, header), "secondment", write=False)
    assert errors(result) == [
        "第4行 派往地区: 此处不能为空。",
        "第5行 挂职类型: 无法识别“援外”，请填写援藏、援滇、援疆、挂职之一。",
        "第6行 结束日期: 结束日期不能早于开始日期。",
    ]
    run(workbook(tmp_path / "s1.xlsx", rows[:1], header), "secondment")
    saved = Secondment.objects.get()
    assert (saved.kind, saved.actual_start, saved.actual_end) == (
        SecondmentKind.XINJIANG,
        dt.date(2023, 7, 1),
        dt.date(2025, 1, 15),
    )


def test_places_are_shared_between_rows_and_follow_merges(tmp_path):
    kept = PlaceFactory(name="长白一村居委", kind=PlaceKind.COMMITTEE)
    PlaceFactory(name="长白一村居民委员会", kind=PlaceKind.COMMITTEE, merged_into=kept)
    member_ = cadre(1, "王伟")
    rows = [report(member_, "长白一村居民委员会", 街道="")]
    result = run(workbook(tmp_path / "m.xlsx", rows, COMMUNITY_HEADER), "community")
    assert result.written and result.new_places == []
    assert CommunityReport.objects.get().place == kept
    assert Place.objects.count() == 2


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("报到日期", "", "请填写日期。"),
        ("报到日期", "2022.2.30", "“2022.2.30”不是有效日期"),
        ("党支部", "支" * 51, "共51个字符，超过上限50个。"),
        ("报到居委", "居" * 101, "共101个字符，超过上限100个。"),
        ("身份证号", "31011019800101", "身份证号应为18位，此处为14位。"),
    ],
)
def test_every_bad_community_cell(tmp_path, column, value, message):
    rows = [report(cadre(1, "王伟")), report(cadre(2, "李娜"), **{column: value})]
    result = run(workbook(tmp_path / "c.xlsx", rows, COMMUNITY_HEADER), "community")
    assert len(result.errors) == 1 and str(result.errors[0]).startswith(f"第4行 {column}: {message}")
    assert not result.written and not CommunityReport.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("加入日期", "入队", "“入队”不是有效日期"),
        ("退出日期", "2022.3.1", "退出日期必须晚于加入日期。"),
        ("退出日期", "去年", "“去年”不是有效日期"),
        ("队内职务", "政委", "无法识别“政委”"),
    ],
)
def test_every_bad_team_cell(tmp_path, column, value, message):
    rows = [member(cadre(1, "王伟")), member(cadre(2, "李娜"), **{column: value})]
    result = run(workbook(tmp_path / "t.xlsx", rows, TEAM_HEADER), "team", team=TEAM)
    assert len(result.errors) == 1 and str(result.errors[0]).startswith(f"第4行 {column}: {message}")
    assert not result.written and not Team.objects.exists() and not TeamMembership.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("挂职单位", "单" * 101, "共101个字符，超过上限100个。"),
        ("挂职职务", "职" * 101, "共101个字符，超过上限100个。"),
        ("开始日期", "", "请填写日期。"),
        ("结束日期", "待定", "“待定”不是有效日期"),
        ("实际结束日期", "2023.6.1", "结束日期不能早于开始日期。"),
    ],
)
def test_every_bad_secondment_cell(tmp_path, column, value, message):
    header = (*SECONDMENT_HEADER, "实际结束日期")
    rows = [secondment(cadre(1, "王伟")), secondment(cadre(2, "李娜"), **{column: value})]
    result = run(workbook(tmp_path / "s.xlsx", rows, header), "secondment")
    assert len(result.errors) == 1 and str(result.errors[0]).startswith(f"第4行 {column}: {message}")
    assert not result.written and not Secondment.objects.exists()


def test_a_member_who_joined_before_the_team_was_recorded_dates_it_back(tmp_path):
    team = TeamFactory(name=TEAM, formed_on=dt.date(2022, 3, 15))
    path = workbook(tmp_path / "t.xlsx", [member(cadre(1, "王伟"), joined="2022.3.1")], TEAM_HEADER)
    preview = run(path, "team", write=False, team=TEAM)
    assert preview.widened_group == "队伍“房管应急支援队”的组建日期将提前到最早的加入日期 2022-03-01。"
    assert run(path, "team", team=TEAM).written
    team.refresh_from_db()
    assert team.formed_on == dt.date(2022, 3, 1)


def test_a_section_that_holds_no_cadre_of_the_name(tmp_path):
    cadre(1, "王伟")
    cadre(2, "王伟", "住房保障科")
    header = ("姓名", "科室", "队内职务", "加入日期")
    rows = [("王伟", "法规科", "队员", "2022.3.15"), ("王伟", "住房保障科", "队员", "2022.3.15")]
    result = run(workbook(tmp_path / "t.xlsx", rows, header), "team", write=False, team=TEAM)
    assert (errors(result), result.created) == (["第3行 科室: 科室“法规科”中没有名为王伟的干部。"], 1)
    header = ("姓名", "科室", "支援地点", "开始日期", "结束日期")
    rows = [
        ("王伟", "法规科", "浦东机场", "2022.4.1", "2022.4.2"),
        ("王伟", "住房保障科", "浦东机场", "2022.4.1", "2022.4.2"),
    ]
    result = practice_import(
        workbook(tmp_path / "d.xlsx", rows, header), kind="deployment", file_name="d.xlsx", campaign="抗疫"
    )
    assert errors(result) == ["第3行 科室: 科室“法规科”中没有名为王伟的干部。"]
