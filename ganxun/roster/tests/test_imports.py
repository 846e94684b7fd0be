"""The roster import service: every bad input named by row and column, nothing written until all is well."""

import datetime as dt

import pytest
from openpyxl import Workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.core.excel import ExcelFileError
from ganxun.roster.imports import roster_import
from ganxun.roster.imports.writes import Snapshots
from ganxun.roster.models import Cadre, Gender, LeadershipLevel, PoliticalStatus, Rank, Section, Status
from ganxun.roster.services import cadre_snapshot

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
