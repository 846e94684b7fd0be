"""The roster import service: every bad input named by row and column, nothing written until all is well."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook, load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.core.excel import ExcelFileError
from ganxun.roster.exports import cadre_workbook
from ganxun.roster.imports import COLUMNS, engine, roster_import, vocabulary, writes
from ganxun.roster.imports.writes import Snapshots
from ganxun.roster.models import (
    Cadre,
    DemocraticParty,
    Gender,
    LeadershipLevel,
    PoliticalStatus,
    Rank,
    Section,
    Status,
    Tier,
)
from ganxun.roster.services import cadre_snapshot, cadre_update

from .factories import CadreFactory, SectionFactory, TagFactory, UserFactory, make_id_number
from .workbooks import HEADER, person, write, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return SectionFactory(name="办公室")


@pytest.fixture
def admin():
    return UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)


def run(tmp_path, rows, header=HEADER, **options):
    path = write(tmp_path / "roster.xlsx", xlsx_bytes(rows, header, title_rows=options.pop("title_rows", ())))
    return roster_import(path, file_name="roster.xlsx", **options)


def messages(result):
    return [str(e) for e in result.errors]


def test_preview_counts_and_writes_nothing(tmp_path, office):
    result = run(tmp_path, [person(1), person(2)])
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 2, 0, 0)
    assert [s.row for s in result.sample] == [2, 3]
    assert not result.written
    assert Cadre.objects.count() == 0


def test_confirm_creates_cadres_with_derived_fields(tmp_path, office, admin):
    header = (*HEADER, "录用日期", "职级", "领导职务", "人员状态")
    row = person(1, name="张晓明", 录用日期="2025.09", 职级=str(Rank.CLERK_1.label), 领导职务="副科", 人员状态="在职")
    result = run(tmp_path, [row], header, write=True, actor=admin)
    assert result.written and result.created == 1
    cadre = Cadre.objects.get()
    assert cadre.name_initials == "zxm"
    assert cadre.hire_date == dt.date(2025, 9, 1)
    assert cadre.probation_end == dt.date(2026, 8, 31)  # a year's probation, as the services default it
    assert (cadre.rank, cadre.leadership_level) == (Rank.CLERK_1, LeadershipLevel.DEPUTY_SECTION_CHIEF)
    assert cadre.political_status == PoliticalStatus.CPC_MEMBER
    assert cadre.section == office


def test_title_rows_above_the_header(tmp_path, office):
    result = run(tmp_path, [person(1)], title_rows=["XX区房管局干部花名册", "截至2026年11月"])
    assert result.ok and result.header_row == 3
    assert result.sample[0].row == 4


def test_header_synonyms_and_full_width_spelling(tmp_path, office):
    header = (
        "名 字",
        "公民身份号码：",
        "出生年月",
        "部门*",
        "手机号码",
        "所在党支部",
        "领导职务（层次）",
        "现职级",
        "备注",
    )
    born = dt.date(1988, 6, 1)
    rows = [
        [
            "王　伟",
            make_id_number(born, Gender.MALE, 3),
            "1988.06",
            "办公室",
            "13900000000",
            "第一支部",
            "正科",
            "",
            "x",
        ]
    ]
    result = run(tmp_path, rows, header, write=True)
    assert result.ok, messages(result)
    assert result.ignored_columns == ["备注"]
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.birth_date, cadre.party_branch) == ("王伟", born, "第一支部")
    assert cadre.leadership_level == LeadershipLevel.SECTION_CHIEF


def test_missing_required_columns_are_named_in_one_message(tmp_path):
    with pytest.raises(ExcelFileError) as caught:
        run(tmp_path, [["张三", "男"]], ("姓名", "性别"))
    assert "身份证号" in caught.value.message and "科室" in caught.value.message
    assert "姓名" not in caught.value.message.split("：")[1].split("。")[0]


def test_no_rows_below_the_header(tmp_path):
    with pytest.raises(ExcelFileError, match="没有数据行"):
        run(tmp_path, [])


def test_id_number_stored_as_a_number_is_rejected(tmp_path, office):
    row = person(1)
    row["身份证号"] = 310110198001010013
    result = run(tmp_path, [row])
    assert messages(result) == ["第2行 身份证号: 身份证号应为文本格式，请将该列设置为文本后重新输入"]


def test_bad_check_digit(tmp_path, office):
    row = person(1)
    row["身份证号"] = row["身份证号"][:17] + ("0" if row["身份证号"][17] != "0" else "1")
    result = run(tmp_path, [person(2), row])
    assert messages(result) == ["第3行 身份证号: 身份证号校验位不正确，请逐位核对。"]


def test_birth_date_and_gender_must_agree_with_the_id_number(tmp_path, office):
    row = person(1, born=dt.date(1980, 2, 2))
    row["出生日期"] = "1980-02-03"
    row["性别"] = "女"
    result = run(tmp_path, [row])
    assert sorted(messages(result)) == [
        "第2行 出生日期: 出生日期与身份证号不符（身份证号中为 1980-02-02）。",
        "第2行 性别: 性别与身份证号不符。",
    ]


def test_blank_birth_date_and_gender_come_from_the_id_number(tmp_path, office):
    row = person(1, born=dt.date(1990, 5, 6), gender=Gender.FEMALE)
    row["出生日期"] = None
    row["性别"] = None
    run(tmp_path, [row], write=True)
    cadre = Cadre.objects.get()
    assert (cadre.birth_date, cadre.gender) == (dt.date(1990, 5, 6), Gender.FEMALE)


@pytest.mark.parametrize(
    "written",
    ["1985-03-12", "1985/3/12", "1985.3.12", "1985年3月12日", "19850312", dt.datetime(1985, 3, 12), 31118],
)
def test_date_formats_in_cells(tmp_path, office, written):
    run(tmp_path, [person(1, 参加工作时间=written)], (*HEADER, "参加工作时间"), write=True)
    assert Cadre.objects.get().work_start_date == dt.date(1985, 3, 12)


@pytest.mark.parametrize("written", ["1985.03", "1985年3月", "198503", "1985-03"])
def test_month_only_dates_mean_the_first(tmp_path, office, written):
    run(tmp_path, [person(1, 参加工作时间=written)], (*HEADER, "参加工作时间"), write=True)
    assert Cadre.objects.get().work_start_date == dt.date(1985, 3, 1)


def test_a_bad_date_names_the_formats(tmp_path, office):
    result = run(tmp_path, [person(1, 参加工作时间="去年")], (*HEADER, "参加工作时间"))
    assert messages(result) == [
        "第2行 参加工作时间: “去年”不是有效日期，请按 1985-03-12、1985.03 或 1985年3月 的格式填写"
    ]


def test_unknown_choice_lists_the_allowed_labels(tmp_path, office):
    result = run(tmp_path, [person(1, 政治面貌="党外")])
    (message,) = messages(result)
    assert message.startswith("第2行 政治面貌: “党外”不在可选范围内，可填：")
    assert "中共党员" in message and "群众" in message


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("党员", PoliticalStatus.CPC_MEMBER),
        ("预备党员", PoliticalStatus.CPC_PROBATIONARY),
        ("团员", PoliticalStatus.CYL_MEMBER),
    ],
)
def test_political_status_synonyms(tmp_path, office, written, value):
    run(tmp_path, [person(1, 政治面貌=written)], write=True)
    assert Cadre.objects.get().political_status == value


def test_duplicate_id_numbers_are_an_error_on_the_later_row(tmp_path, office):
    first = person(1)
    again = person(2)
    again["身份证号"] = first["身份证号"]
    result = run(tmp_path, [first, person(3), again])
    assert messages(result) == ["第4行 身份证号: 身份证号与第2行重复"]


def test_blank_name_and_section(tmp_path, office):
    row = person(1, name=" ")
    row["科室"] = None
    result = run(tmp_path, [row])
    assert sorted(messages(result)) == ["第2行 姓名: 此字段不能为空。", "第2行 科室: 此字段不能为空。"]


def test_excel_row_numbers_count_blank_rows(tmp_path, office):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    good, bad = person(1), person(2, 政治面貌="未知")
    sheet.append([good[h] for h in HEADER])
    sheet.append([])
    sheet.append([])
    sheet.append([bad[h] for h in HEADER])
    path = tmp_path / "gaps.xlsx"
    workbook.save(path)
    result = roster_import(path, file_name="gaps.xlsx")
    assert result.rows == 2
    assert result.errors[0].row == 5


def test_nothing_is_written_while_any_row_is_bad(tmp_path, office, admin):
    CadreFactory(section=office)
    before = (Cadre.objects.count(), Section.objects.count(), AuditEvent.objects.count())
    rows = [person(i, "新科室") for i in range(1, 1500)] + [person(2000, 政治面貌="未知")]
    result = run(tmp_path, rows, write=True, accept_new_sections=True, actor=admin)
    assert not result.written and result.error_count == 1
    assert (Cadre.objects.count(), Section.objects.count(), AuditEvent.objects.count()) == before


def test_unknown_sections_are_listed_and_created_only_when_accepted(tmp_path, office, admin):
    rows = [person(1), person(2, "物业管理科"), person(3, "物业管理科")]
    preview = run(tmp_path, rows)
    assert preview.ok and preview.unknown_sections == {"物业管理科": [3, 4]}
    assert preview.created == 3
    refused = run(tmp_path, rows, write=True, actor=admin)
    assert not refused.written and Cadre.objects.count() == 0
    assert not Section.objects.filter(name="物业管理科").exists()
    assert [str(e) for e in refused.section_errors()] == [
        "第3行 科室: 系统中没有科室“物业管理科”",
        "第4行 科室: 系统中没有科室“物业管理科”",
    ]
    accepted = run(tmp_path, rows, write=True, accept_new_sections=True, actor=admin)
    assert accepted.written and accepted.created == 3
    section = Section.objects.get(name="物业管理科")
    assert section.cadres.count() == 2
    assert AuditEvent.objects.filter(object_type="section", action=Action.CREATE, object_id=str(section.pk)).exists()


def test_section_names_match_ignoring_spaces_and_width(tmp_path, office):
    result = run(tmp_path, [person(1, " 办 公 室 ")], write=True)
    assert result.written and not result.unknown_sections


def test_reimport_updates_by_id_number_and_counts(tmp_path, office, admin):
    rows = [person(1), person(2), person(3)]
    first = run(tmp_path, rows, write=True, actor=admin)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    rows[1]["职务"] = "副科长"
    rows.append(person(4))
    second = run(tmp_path, rows, write=True, actor=admin)
    assert (second.created, second.updated, second.unchanged) == (1, 1, 2)
    assert Cadre.objects.count() == 4
    assert Cadre.objects.get(id_number=rows[1]["身份证号"]).post == "副科长"
    third = run(tmp_path, rows, write=True, actor=admin)
    assert (third.created, third.updated, third.unchanged) == (0, 0, 4)


def test_columns_absent_from_the_file_are_left_alone(tmp_path, office):
    cadre = CadreFactory(section=office, party_branch="第二支部", rank=Rank.CLERK_2, hire_date=dt.date(2020, 1, 1))
    row = {"姓名": cadre.name, "身份证号": cadre.id_number, "科室": "办公室", "职务": "科员"}
    result = run(tmp_path, [row], ("姓名", "身份证号", "科室", "职务"), write=True)
    assert result.updated == 1
    cadre.refresh_from_db()
    assert (cadre.post, cadre.party_branch, cadre.rank, cadre.hire_date) == (
        "科员",
        "第二支部",
        Rank.CLERK_2,
        dt.date(2020, 1, 1),
    )


def test_audit_events_masked_one_per_created_or_updated_cadre(tmp_path, office, admin):
    rows = [person(1), person(2)]
    run(tmp_path, rows, write=True, actor=admin)
    rows[0]["手机"] = "13811112222"
    run(tmp_path, rows, write=True, actor=admin)
    created = AuditEvent.objects.filter(action=Action.CREATE, object_type="cadre")
    assert created.count() == 2
    event = created.get(object_id=str(Cadre.objects.get(id_number=rows[1]["身份证号"]).pk))
    assert event.actor == admin and event.object_repr == "张2"
    assert event.changes["id_number"][1] == Cadre.objects.get(id_number=rows[1]["身份证号"]).id_number_masked
    assert rows[1]["身份证号"] not in str(event.changes)
    update = AuditEvent.objects.get(action=Action.UPDATE, object_type="cadre")
    assert update.changes == {"phone": ["139****0001", "138****2222"]}
    imports = AuditEvent.objects.filter(action=Action.IMPORT).order_by("pk")
    assert imports.count() == 2
    assert imports.last().object_repr == "roster.xlsx"
    assert "更新 1 人" in imports.last().summary and "未变 1 人" in imports.last().summary


def test_status_and_tags(tmp_path, office):
    TagFactory(name="业务骨干")
    TagFactory(name="内训师")
    header = (*HEADER, "人员状态", "标签")
    result = run(tmp_path, [person(1, 人员状态="退休", 标签="业务骨干、内训师")], header, write=True)
    assert result.written
    cadre = Cadre.objects.get()
    assert cadre.status == Status.RETIRED
    assert sorted(t.name for t in cadre.tags.all()) == ["业务骨干", "内训师"]
    again = run(tmp_path, [person(1, 人员状态="退休", 标签="内训师")], header, write=True)
    assert again.updated == 1
    assert [t.name for t in cadre.tags.all()] == ["内训师"]
    update = AuditEvent.objects.get(action=Action.UPDATE)
    assert update.changes == {"tags": [["业务骨干", "内训师"], ["内训师"]]}


def test_unknown_tag_is_a_row_error(tmp_path, office):
    result = run(tmp_path, [person(1, 标签="应急支援队")], (*HEADER, "标签"))
    assert messages(result) == ["第2行 标签: 标签不存在：应急支援队，请先在标签管理中添加"]


def test_probation_before_hire_is_refused(tmp_path, office):
    header = (*HEADER, "录用日期", "试用期满")
    result = run(tmp_path, [person(1, 录用日期="2025-09-01", 试用期满="2025-08-01")], header)
    assert messages(result) == ["第2行 试用期满: 试用期满日期不能早于录用日期。"]


def test_too_long_text_uses_the_model_rule(tmp_path, office):
    result = run(tmp_path, [person(1, 职务="长" * 51)])
    (message,) = messages(result)
    assert message.startswith("第2行 职务: ") and "50" in message


def test_too_many_rows(tmp_path, office, settings):
    settings.GANXUN = {**settings.GANXUN, "IMPORT_MAX_ROWS": 3}
    with pytest.raises(ExcelFileError, match="超过 3 行"):
        run(tmp_path, [person(i) for i in range(4)])


def test_errors_beyond_the_cap_are_counted(tmp_path, office):
    rows = [person(i, 政治面貌="未知") for i in range(12)]
    path = write(tmp_path / "r.xlsx", xlsx_bytes(rows))
    result = roster_import(path, file_name="r.xlsx", max_errors=5)
    assert (len(result.errors), result.error_count, result.errors_not_shown) == (5, 12, 7)


def test_bulk_snapshots_are_the_services_snapshots(office):
    """The import audits with the same snapshot roster.services.cadre_snapshot takes, only faster."""
    tag = TagFactory(name="内训师")
    CadreFactory(
        section=office,
        rank=Rank.CLERK_1,
        leadership_level=LeadershipLevel.DEPUTY_SECTION_CHIEF,
        political_status=PoliticalStatus.CPC_PROBATIONARY,
        hire_date=dt.date(2025, 9, 1),
        probation_end=dt.date(2026, 8, 31),
        status=Status.RETIRED,
        party_branch="第一支部",
    ).tags.add(tag)
    CadreFactory(section=office, phone="")
    for cadre in Cadre.objects.select_related("section").prefetch_related("tags"):
        assert Snapshots().take(cadre, [t.name for t in cadre.tags.all()]) == cadre_snapshot(cadre)


# --- a real bureau's 花名册 -----------------------------------------------------------------------


@pytest.mark.parametrize("written", ["1974.09", "1974年9月", "197409", 197409, "1974-09", "1974/9", "1974.9"])
def test_a_birth_date_to_the_month_agrees_with_the_id_number(tmp_path, office, written):
    row = person(1, born=dt.date(1974, 9, 23), 出生日期=written)
    result = run(tmp_path, [row], write=True)
    assert result.written, messages(result)
    assert Cadre.objects.get().birth_date == dt.date(1974, 9, 23)  # the day comes from the ID number


@pytest.mark.parametrize("written", ["1974.08", "1974.10", "1975.09", "1974-09-22"])
def test_a_birth_date_in_another_month_or_day_is_still_refused(tmp_path, office, written):
    row = person(1, born=dt.date(1974, 9, 23), 出生日期=written)
    assert messages(run(tmp_path, [row])) == ["第2行 出生日期: 出生日期与身份证号不符（身份证号中为 1974-09-23）。"]


def test_month_dates_agree_with_the_day_on_record(tmp_path, office, admin):
    """1995.07 for a cadre who started work on 1995-07-15 is no change; 1995.08 is, to the 1st."""
    cadre = CadreFactory(
        section=office,
        birth_date=dt.date(1972, 3, 1),
        work_start_date=dt.date(1995, 7, 15),
        hire_date=dt.date(1995, 7, 31),
        probation_end=dt.date(1996, 7, 30),
    )
    header = ("姓名", "身份证号", "科室", "参加工作时间", "录用日期")
    row = [cadre.name, cadre.id_number, "办公室", "1995.07", "1995年7月"]
    assert (run(tmp_path, [row], header, write=True).unchanged, Cadre.objects.get().work_start_date) == (
        1,
        dt.date(1995, 7, 15),
    )
    row[3] = "1995.08"
    result = run(tmp_path, [row], header, write=True)
    assert result.updated == 1
    assert [(c.column, c.before, c.after) for c in result.changes[0].fields] == [
        ("参加工作时间", "1995-07-15", "1995-08-01")
    ]
    cadre.refresh_from_db()
    assert (cadre.work_start_date, cadre.hire_date) == (dt.date(1995, 8, 1), dt.date(1995, 7, 31))


@pytest.mark.parametrize(
    ("written", "level", "tier"),
    [
        ("正处级", LeadershipLevel.DIVISION_CHIEF, Tier.COUNTY_DIVISION),
        ("处级正职", LeadershipLevel.DIVISION_CHIEF, Tier.COUNTY_DIVISION),
        ("副处级", LeadershipLevel.DEPUTY_DIVISION_CHIEF, Tier.COUNTY_DIVISION),
        ("处级副职", LeadershipLevel.DEPUTY_DIVISION_CHIEF, Tier.COUNTY_DIVISION),
        ("副处", LeadershipLevel.DEPUTY_DIVISION_CHIEF, Tier.COUNTY_DIVISION),
        ("正科级", LeadershipLevel.SECTION_CHIEF, Tier.TOWNSHIP_SECTION),
        ("科级正职", LeadershipLevel.SECTION_CHIEF, Tier.TOWNSHIP_SECTION),
        ("副科级", LeadershipLevel.DEPUTY_SECTION_CHIEF, Tier.TOWNSHIP_SECTION),
        ("科级副职", LeadershipLevel.DEPUTY_SECTION_CHIEF, Tier.TOWNSHIP_SECTION),
        ("乡科级副职", LeadershipLevel.DEPUTY_SECTION_CHIEF, Tier.TOWNSHIP_SECTION),
    ],
)
def test_the_rank_column_may_hold_a_leadership_level(tmp_path, office, written, level, tier):
    result = run(tmp_path, [person(1, 现职级=written)], (*HEADER, "现职级"), write=True)
    assert result.written, messages(result)
    cadre = Cadre.objects.get()
    assert (cadre.leadership_level, cadre.rank, cadre.tier) == (level, "", tier)


def test_a_leadership_level_in_the_rank_column_leaves_the_rank_on_record(tmp_path, office):
    cadre = CadreFactory(section=office, rank=Rank.PRINCIPAL_CLERK_1)
    header = ("姓名", "身份证号", "科室", "现职级")
    result = run(tmp_path, [[cadre.name, cadre.id_number, "办公室", "副处级"]], header, write=True)
    assert result.updated == 1
    cadre.refresh_from_db()
    assert (cadre.rank, cadre.leadership_level) == (Rank.PRINCIPAL_CLERK_1, LeadershipLevel.DEPUTY_DIVISION_CHIEF)
    assert cadre.tier == Tier.COUNTY_DIVISION


def test_rank_and_leadership_columns_must_agree(tmp_path, office):
    header = (*HEADER, "现职级", "领导职务")
    rows = [person(1, 现职级="副处级", 领导职务="正科级"), person(2, 现职级="副处级", 领导职务="处级副职")]
    rows.append(person(3, 现职级="副处级", 领导职务=""))
    result = run(tmp_path, rows, header)
    assert messages(result) == ["第2行 现职级: “副处级”是领导职务层次，与领导职务“科级正职”不一致"]
    assert result.created == 2


def test_an_unknown_rank_lists_ranks_and_leadership_levels(tmp_path, office):
    (message,) = messages(run(tmp_path, [person(1, 职级="处长")], (*HEADER, "职级")))
    assert message.startswith("第2行 职级: “处长”不在可选范围内，可填：一级巡视员、")
    assert "二级科员" in message and "科级副职" in message


@pytest.mark.parametrize(
    ("written", "party"),
    [
        ("民革党员", DemocraticParty.RCCK),
        ("中国国民党革命委员会党员", DemocraticParty.RCCK),
        ("民盟盟员", DemocraticParty.CDL),
        ("中国民主同盟盟员", DemocraticParty.CDL),
        ("民建会员", DemocraticParty.CNDCA),
        ("民进会员", DemocraticParty.CAPD),
        ("农工党党员", DemocraticParty.CPWDP),
        ("中国农工民主党党员", DemocraticParty.CPWDP),
        ("致公党党员", DemocraticParty.CZGP),
        ("九三学社社员", DemocraticParty.JIUSAN),
        ("台盟盟员", DemocraticParty.TDSL),
        ("台湾民主自治同盟盟员", DemocraticParty.TDSL),
    ],
)
def test_political_status_written_as_the_party(tmp_path, office, written, party):
    result = run(tmp_path, [person(1, 政治面貌=written)], write=True)
    assert result.written, messages(result)
    cadre = Cadre.objects.get()
    assert (cadre.political_status, cadre.democratic_party) == (PoliticalStatus.DEMOCRATIC_PARTY, party)


def test_non_partisan_is_a_status_of_its_own(tmp_path, office):
    run(tmp_path, [person(1, 政治面貌="无党派人士")], write=True)
    cadre = Cadre.objects.get()
    assert (cadre.political_status, cadre.democratic_party) == (PoliticalStatus.NON_PARTISAN, "")


def test_party_column_and_status_column(tmp_path, office):
    header = (*HEADER, "民主党派")
    rows = [
        person(1, 政治面貌="民主党派", 民主党派="九三学社"),  # the two columns together
        person(2, 政治面貌="民盟盟员", 民主党派="民盟"),  # saying the same twice
        person(3, 政治面貌="民盟盟员", 民主党派="九三学社"),  # disagreeing
        person(4, 政治面貌="群众", 民主党派="民进"),  # a party for a non-member
    ]
    result = run(tmp_path, rows, header)
    assert messages(result) == [
        "第4行 政治面貌: “民盟盟员”与民主党派“九三学社”不一致",
        "第5行 民主党派: “民进”是民主党派，但政治面貌为“群众”",
    ]


def test_a_status_other_than_democratic_party_clears_the_party(tmp_path, office):
    cadre = CadreFactory(
        section=office, political_status=PoliticalStatus.DEMOCRATIC_PARTY, democratic_party=DemocraticParty.CDL
    )
    header = ("姓名", "身份证号", "科室", "政治面貌")
    generic = run(tmp_path, [[cadre.name, cadre.id_number, "办公室", "民主党派"]], header, write=True)
    assert generic.unchanged == 1  # 民主党派 without a party keeps the party on record
    result = run(tmp_path, [[cadre.name, cadre.id_number, "办公室", "中共党员"]], header, write=True)
    assert [(c.column, c.before, c.after) for c in result.changes[0].fields] == [
        ("政治面貌", "民主党派", "中共党员"),
        ("民主党派", "民盟", ""),
    ]
    cadre.refresh_from_db()
    assert (cadre.political_status, cadre.democratic_party) == (PoliticalStatus.CPC_MEMBER, "")


@pytest.mark.parametrize("language", ["en", None, "zh-hans"])
def test_parsing_does_not_depend_on_the_interface_language(tmp_path, office, language):
    """A Chinese file imports under an English UI, with translation off, and with no compiled catalogue."""
    header = (*HEADER, "现职级", "人员状态", "领导职务")
    rows = [
        person(1, 性别="女", gender=Gender.FEMALE, 现职级="一级主任科员", 人员状态="在职", 政治面貌="九三学社社员"),
        person(2, 现职级="副处级", 人员状态="退休", 政治面貌="无党派人士", 领导职务="处级副职"),
    ]
    path = write(tmp_path / "roster.xlsx", xlsx_bytes(rows, header))
    empty = tmp_path / "no-catalogue"
    empty.mkdir()
    with override_settings(LOCALE_PATHS=[empty]), translation.override(language):
        result = roster_import(path, file_name="roster.xlsx", write=True)
    assert result.written, messages(result)
    first, second = Cadre.objects.order_by("name")
    assert (first.gender, first.rank, first.status, first.democratic_party) == (
        Gender.FEMALE,
        Rank.PRINCIPAL_CLERK_1,
        Status.ACTIVE,
        DemocraticParty.JIUSAN,
    )
    assert (second.leadership_level, second.status, second.political_status) == (
        LeadershipLevel.DEPUTY_DIVISION_CHIEF,
        Status.RETIRED,
        PoliticalStatus.NON_PARTISAN,
    )


def test_the_vocabulary_speaks_the_catalogues_chinese():
    """The import's standard words are the labels the pages show, so an export under zh-hans reads back."""
    with translation.override("zh-hans"):
        for key, (choices, words) in vocabulary.TABLES.items():
            assert set(words) == set(choices.values), key
            for value, label in choices.choices:
                assert words[value][0] == str(label), (key, value)
        for column in COLUMNS:
            assert column.header == str(column.label), column.key


def test_errors_come_in_row_order_then_column_order(tmp_path, office):
    """Row 3's check against its ID number comes after row 4's unreadable cells; the list is sorted anyway."""
    header = ("姓名", "身份证号", "性别", "出生日期", "科室", "参加工作时间", "政治面貌")
    row3 = person(1, born=dt.date(1980, 2, 2), 出生日期="1980-02-03", 性别="女")
    row4 = person(2, 政治面貌="未知", 参加工作时间="不详")
    row4["身份证号"] = "123"
    result = run(tmp_path, [person(3), row3, row4], header)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "性别"),
        (3, "出生日期"),
        (4, "身份证号"),
        (4, "参加工作时间"),
        (4, "政治面貌"),
    ]


def test_the_error_cap_keeps_the_first_rows(tmp_path, office):
    rows = [person(i, 政治面貌="未知") for i in range(1, 30)]
    result = run(tmp_path, rows, max_errors=3)
    assert [e.row for e in result.errors] == [2, 3, 4] and result.error_count == 29


# --- re-importing: what changes and what does not ------------------------------------------------


def test_an_identical_file_is_all_unchanged(tmp_path, office, admin):
    """The 更新 2 of an identical file: an empty 试用期满 that the hire date fills again is no change."""
    header = (*HEADER, "录用日期", "试用期满", "参加工作时间", "现职级")
    rows = [
        person(1, 录用日期="2025.09", 试用期满=None, 参加工作时间="2001.07", 现职级="副处级"),
        person(2, 录用日期="2020-01-01", 试用期满="", 参加工作时间="2001-07-05", 政治面貌="民盟盟员"),
        person(3, born=dt.date(1974, 9, 23), 出生日期="1974.09"),
    ]
    assert run(tmp_path, rows, header, write=True, actor=admin).created == 3
    events = AuditEvent.objects.count()
    again = run(tmp_path, rows, header, write=True, actor=admin)
    assert (again.created, again.updated, again.unchanged, again.changes) == (0, 0, 3, [])
    assert AuditEvent.objects.count() == events + 1  # the import event alone


def test_the_preview_says_what_changes_per_cadre(tmp_path, office, admin):
    housing = SectionFactory(name="住房保障科")
    header = (*HEADER, "现职级")
    rows = [person(1), person(2, 现职级="一级科员")]
    run(tmp_path, rows, header, write=True, actor=admin)
    rows[1].update({"手机": "13811112222", "科室": "住房保障科", "职务": "副科长", "现职级": "四级主任科员"})
    preview = run(tmp_path, rows, header)
    assert (preview.updated, preview.unchanged) == (1, 1)
    (change,) = preview.changes
    assert (change.row, change.name, change.id_number) == (3, "张2", Cadre.objects.get(name="张2").id_number_masked)
    assert [(f.column, f.before, f.after) for f in change.fields] == [
        ("科室", "办公室", "住房保障科"),
        ("职务", "科员", "副科长"),
        ("现职级", "一级科员", "四级主任科员"),
        ("手机", "139****0002", "138****2222"),
    ]
    assert str(change) == (
        f"第3行 张2（{change.id_number}）：科室 办公室 → 住房保障科；职务 科员 → 副科长；"
        "现职级 一级科员 → 四级主任科员；手机 139****0002 → 138****2222"
    )
    assert Cadre.objects.get(name="张2").section == office  # the preview wrote nothing
    confirmed = run(tmp_path, rows, header, write=True, actor=admin)
    assert Cadre.objects.get(name="张2").section == housing and confirmed.updated == 1
    assert AuditEvent.objects.get(action=Action.UPDATE).changes == {
        "phone": ["139****0002", "138****2222"],
        "section": ["办公室", "住房保障科"],
        "post": ["科员", "副科长"],
        "rank": ["一级科员", "四级主任科员"],
    }


def test_a_row_with_an_error_lists_no_change(tmp_path, office):
    rows = [person(1), person(2)]
    run(tmp_path, rows, write=True)
    rows[0]["职务"] = "科长"
    rows[1]["出生日期"] = "1970-01-01"  # refused against the ID number: not a change to show
    result = run(tmp_path, rows)
    assert [c.row for c in result.changes] == [2]
    assert (result.updated, result.changes_not_shown, result.error_count) == (1, 0, 1)


@pytest.mark.parametrize(
    ("written", "stored"), [("13912345678", "13912345678"), ("０２１－６１２３４５６７", "021-61234567")]
)
def test_phone_numbers_as_the_form_takes_them(tmp_path, office, written, stored):
    run(tmp_path, [person(1, 手机=written)], write=True)
    assert Cadre.objects.get().phone == stored


def test_a_phone_that_is_not_a_number_is_refused(tmp_path, office):
    assert messages(run(tmp_path, [person(1, 手机="不详")])) == [
        "第2行 手机: 请输入数字组成的电话号码，如 13912345678。"
    ]


def test_changes_beyond_the_cap_are_counted(tmp_path, office):
    rows = [person(i) for i in range(1, 6)]
    run(tmp_path, rows, write=True)
    for row in rows:
        row["职务"] = "科长"
    result = run(tmp_path, rows, max_changes=2)
    assert (len(result.changes), result.updated, result.changes_not_shown) == (2, 5, 3)


def test_the_exported_roster_imports_back_unchanged(tmp_path, office, admin):
    """Export every cadre (every field and choice filled) and import the file: nothing changes, in any language."""
    tag = TagFactory(name="内训师")
    housing = SectionFactory(name="住房保障科")
    CadreFactory(
        section=office,
        name="𠮷田",
        rank=Rank.CLERK_1,
        leadership_level=LeadershipLevel.DEPUTY_SECTION_CHIEF,
        political_status=PoliticalStatus.DEMOCRATIC_PARTY,
        democratic_party=DemocraticParty.JIUSAN,
        party_branch="第一支部",
        work_start_date=dt.date(2001, 7, 5),
        hire_date=dt.date(2025, 9, 1),
        probation_end=dt.date(2026, 8, 31),
        rank_date=dt.date(2024, 1, 1),
        post="副科长",
    ).tags.add(tag)
    CadreFactory(section=housing, gender=Gender.FEMALE, status=Status.RETIRED, phone="", name="王㛃")
    CadreFactory(section=housing, political_status=PoliticalStatus.NON_PARTISAN, name="李䶮")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            path = tmp_path / f"export-{language}.xlsx"
            cadre_workbook(Cadre.objects.all(), reveal=True).save(path)
            result = roster_import(path, file_name=path.name, write=True, actor=admin)
        assert (language, messages(result), result.unchanged, result.updated, result.created) == (
            language,
            [],
            3,
            0,
            0,
        )


# --- bureau files: totals, rare characters -----------------------------------------------------


def test_a_totals_row_and_sign_off_lines_are_skipped(tmp_path, office):
    header = ("序号", *HEADER)
    rows = [
        [1, *person(1).values()],
        [2, *person(2).values()],
        ["合计", "2人"],
        [],
        ["填表人：张三", None, None, None, "审核人：李四"],
    ]
    result = run(tmp_path, rows, header, write=True)
    assert result.written, messages(result)
    assert (result.rows, result.created, result.skipped_rows) == (2, 2, [4, 6])


def test_a_totals_row_with_a_count_under_the_id_number_is_skipped(tmp_path, office):
    rows = [person(1), ["合计", "1人"], ["总 计：", None, None, None, "1"]]
    result = run(tmp_path, rows, write=True)
    assert (result.ok, result.rows, result.skipped_rows) == (True, 1, [3, 4])


def test_a_totals_word_with_an_id_number_is_a_row(tmp_path, office):
    # Only a row without an ID number is a footer; a cadre is never skipped for the first cell.
    row = person(1, name="合计")
    result = run(tmp_path, [row], write=True)
    assert result.created == 1 and Cadre.objects.get().name == "合计"


@pytest.mark.parametrize("name", ["王㛃", "李䶮", "𠮷野家", "张　𠮷"])
def test_rare_characters_in_names_survive_import_search_and_export(tmp_path, office, admin, name):
    run(tmp_path, [person(1, name=name)], write=True)
    cadre = Cadre.objects.get()
    stored = name.replace("　", "")
    assert cadre.name == stored
    rare = stored[-1]
    assert list(Cadre.objects.search(rare)) == [cadre]
    path = tmp_path / "export.xlsx"
    cadre_workbook(Cadre.objects.all(), reveal=True).save(path)
    assert load_workbook(path).active["A2"].value == stored
    assert roster_import(path, file_name="export.xlsx").unchanged == 1


# --- writing: outside the reading, and re-checked ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_file_is_read_outside_the_write_transaction(tmp_path, monkeypatch):
    """Reading and checking run with no transaction open; the transaction holds only the writes."""
    SectionFactory(name="办公室")
    seen: list[bool] = []
    rows_below = engine.rows_below

    def watched(*args, **kwargs):
        for item in rows_below(*args, **kwargs):
            seen.append(connection.in_atomic_block)
            yield item

    monkeypatch.setattr(engine, "rows_below", watched)
    execute = writes.PreparedRows.execute
    writing: list[bool] = []

    def watched_execute(prepared):
        writing.append(connection.in_atomic_block)
        execute(prepared)

    monkeypatch.setattr(writes.PreparedRows, "execute", watched_execute)
    result = run(tmp_path, [person(i) for i in range(1, 1203)], write=True)
    assert result.written and Cadre.objects.count() == 1202
    assert len(seen) == 1202 and not any(seen)
    assert writing and all(writing)


@pytest.mark.django_db(transaction=True)
def test_the_write_transaction_runs_no_query_per_row(tmp_path):
    """Its statements grow by the thousand rows, not by the row: the lock is held for bulk writes only."""
    SectionFactory(name="办公室")

    def statements_in_transaction(count: int, start: int) -> int:
        path = write(tmp_path / f"r{count}.xlsx", xlsx_bytes([person(i) for i in range(start, start + count)]))
        with CaptureQueriesContext(connection) as queries:
            assert roster_import(path, file_name="r.xlsx", write=True).written
        sql = [q["sql"].upper() for q in queries.captured_queries]
        begin = next(i for i, s in enumerate(sql) if "INSERT" in s or "SAVEPOINT" in s or s.startswith("BEGIN"))
        return len(sql) - begin

    assert statements_in_transaction(10, 1) == statements_in_transaction(400, 100)


def test_an_id_number_taken_meanwhile_writes_nothing(tmp_path, office, admin, monkeypatch):
    rows = [person(1), person(2)]
    read = engine._RosterImport.read

    def read_then_someone_adds(job, path):
        read(job, path)
        CadreFactory(section=office, id_number=rows[1]["身份证号"], birth_date=dt.date(1982, 3, 3))

    monkeypatch.setattr(engine._RosterImport, "read", read_then_someone_adds)
    with pytest.raises(ExcelFileError, match="导入期间名册已被他人修改"):
        run(tmp_path, rows, write=True, actor=admin)
    assert list(Cadre.objects.values_list("id_number", flat=True)) == [rows[1]["身份证号"]]
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()


def test_a_cadre_edited_meanwhile_writes_nothing(tmp_path, office, admin, monkeypatch):
    rows = [person(1), person(2)]
    run(tmp_path, rows, write=True, actor=admin)
    rows[0]["职务"] = "科长"
    rows.append(person(3))
    read = engine._RosterImport.read

    def read_then_someone_edits(job, path):
        read(job, path)
        cadre = Cadre.objects.get(id_number=rows[0]["身份证号"])
        cadre_update(actor=admin, cadre=cadre, phone="13700000000")

    monkeypatch.setattr(engine._RosterImport, "read", read_then_someone_edits)
    with pytest.raises(ExcelFileError, match="导入期间名册已被他人修改"):
        run(tmp_path, rows, write=True, actor=admin)
    cadre = Cadre.objects.get(id_number=rows[0]["身份证号"])
    assert (cadre.post, cadre.phone, Cadre.objects.count()) == ("科员", "13700000000", 2)
