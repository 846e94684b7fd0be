"""Platform exports imported as they come: the profiles on real-looking files, the cumulative re-imports, the
unmatched people, strict mode, the dry run, the conversions and the refusal of mangled ID numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.excel import ExcelFileError
from ganxun.hours.models import Bucket, ConversionRule, EntryStatus, LedgerEntry, Rounding, Source, Unit
from ganxun.online.imports import online_import
from ganxun.online.models import FigureStatus, OnlineCredit, OnlineFigure, OnlineImport
from ganxun.roster.tests.factories import SectionFactory

from .exports import CADRE_ONLINE_HEADER, XUEXI_HEADER, export, merged_export, person, platform

pytestmark = pytest.mark.django_db


def run(path, name="干部在线学习", **kwargs):
    kwargs.setdefault("write", True)
    return online_import(path, platform=platform(name), file_name=path.name, **kwargs)


def row(cadre, required="20", elective="12.5", total="32.5", courses=9, year=2026):
    return {
        "姓名": cadre.name,
        "身份证号": cadre.id_number,
        "单位/部门": cadre.section.name,
        "必修学时": required,
        "选修学时": elective,
        "总学时": total,
        "完成课程数": courses,
        "年度": year,
    }


def entry(cadre):
    return LedgerEntry.objects.get(cadre=cadre, source=Source.ONLINE_RECORD)


def test_a_merged_two_row_header_under_a_title_with_a_total_row(tmp_path):
    a, b = person(1, "欧阳明轩"), person(2, "沈佳怡")
    path = merged_export(
        tmp_path / "在线学习.xlsx",
        [(a.name, a.id_number, "办公室", 20, 12.5, 32.5), (b.name, b.id_number, "办公室", 10, 0, 10)],
    )
    result = run(path, year=2026)
    assert result.ok, [str(e) for e in result.errors]
    assert result.header_row == 3
    assert result.skipped_rows == [6]
    assert result.counts == "created=2 updated=0 unchanged=0 flagged=0 unmatched=0"
    first = entry(a)
    assert (first.hours, first.bucket, first.status) == (Decimal("32.50"), Bucket.ONLINE, EntryStatus.CONFIRMED)
    assert first.source_object == OnlineCredit.objects.get(cadre=a)
    assert OnlineFigure.objects.get(cadre=a).required == Decimal("20")
    record = OnlineImport.objects.get()
    assert record.file.read().startswith(b"PK")
    assert AuditEvent.objects.filter(object_type="ledgerentry", action="create").count() == 2


def test_reimporting_the_same_file_changes_nothing_and_a_higher_figure_updates(tmp_path):
    a = person(1, "欧阳明轩")
    first = export(tmp_path / "1.xlsx", CADRE_ONLINE_HEADER, [row(a)])
    assert run(first).counts == "created=1 updated=0 unchanged=0 flagged=0 unmatched=0"
    again = run(first)
    assert again.counts == "created=0 updated=0 unchanged=1 flagged=0 unmatched=0"
    assert OnlineImport.objects.count() == 2  # every import is kept as evidence
    later = export(tmp_path / "2.xlsx", CADRE_ONLINE_HEADER, [row(a, "25", "15", "40")])
    assert run(later).counts == "created=0 updated=1 unchanged=0 flagged=0 unmatched=0"
    assert entry(a).hours == Decimal("40.00")
    assert OnlineCredit.objects.get(cadre=a).parts == {"": "40.00"}
    change = AuditEvent.objects.get(object_type="ledgerentry", action="update")
    assert change.changes["hours"] == ["32.50", "40.00"] and change.object_id == str(entry(a).pk)
    assert LedgerEntry.objects.filter(source=Source.ONLINE_RECORD).count() == 1
    assert list(OnlineFigure.objects.filter(cadre=a).order_by("pk").values_list("amount", "status")) == [
        (Decimal("32.50"), FigureStatus.CREATED),
        (Decimal("32.50"), FigureStatus.UNCHANGED),
        (Decimal("40.00"), FigureStatus.UPDATED),
    ]


def test_a_lower_figure_is_flagged_not_applied_and_stays_held_on_reimport(tmp_path):
    a = person(1, "欧阳明轩")
    run(export(tmp_path / "1.xlsx", CADRE_ONLINE_HEADER, [row(a, total="32.5")]))
    lower = export(tmp_path / "2.xlsx", CADRE_ONLINE_HEADER, [row(a, "20", "12", total="32")])
    result = run(lower)
    assert result.counts == "created=0 updated=0 unchanged=0 flagged=1 unmatched=0"
    assert result.flagged_people[0].flags == ["本次数据32.00低于此前导入的32.50。"]
    assert entry(a).hours == Decimal("32.50")
    assert run(lower).counts == "created=0 updated=0 unchanged=1 flagged=0 unmatched=0"
    assert OnlineFigure.objects.filter(status=FigureStatus.FLAGGED).count() == 1


def test_an_unmatched_person_is_listed_and_does_not_stop_the_others(tmp_path):
    a = person(1, "欧阳明轩")
    stranger = {**row(a), "姓名": "路人甲", "身份证号": "110101199003071234"}
    path = export(tmp_path / "1.xlsx", CADRE_ONLINE_HEADER, [row(a), stranger])
    result = run(path)
    assert result.ok
    assert result.counts == "created=1 updated=0 unchanged=0 flagged=0 unmatched=1"
    assert [(p.row, p.name, p.identifier) for p in result.unmatched_people] == [(4, "路人甲", "110101********1234")]
    kept = OnlineFigure.objects.get(status=FigureStatus.UNMATCHED)
    assert (kept.cadre, kept.name, kept.amount) == (None, "路人甲", Decimal("32.50"))
    assert entry(a).hours == Decimal("32.50")


def test_strict_mode_makes_an_unmatched_person_a_bad_row_and_writes_nothing(tmp_path):
    a = person(1, "欧阳明轩")
    stranger = {**row(a), "姓名": "路人甲", "身份证号": "110101199003071234"}
    result = run(export(tmp_path / "1.xlsx", CADRE_ONLINE_HEADER, [row(a), stranger]), strict=True)
    assert [str(e) for e in result.errors] == ["第4行 姓名: 此人不在您管理的名册中。"]
    assert not result.written
    assert not OnlineFigure.objects.exists() and not OnlineImport.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_the_dry_run_counts_and_writes_nothing(tmp_path):
    a = person(1, "欧阳明轩")
    result = run(export(tmp_path / "1.xlsx", CADRE_ONLINE_HEADER, [row(a)]), write=False)
    assert result.counts == "created=1 updated=0 unchanged=0 flagged=0 unmatched=0"
    assert not OnlineImport.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.parametrize("mangled", [1.10101e17, "1.10101E+17"])
def test_an_id_number_excel_turned_into_a_number_is_refused(tmp_path, mangled):
    a = person(1, "欧阳明轩")
    path = export(tmp_path / "1.xlsx", CADRE_ONLINE_HEADER, [{**row(a), "身份证号": mangled}], text_columns=())
    result = run(path)
    assert len(result.errors) == 1
    message = str(result.errors[0])
    assert message.startswith("第3行 身份证号: ") and "1.10101E+17" in message
    assert not OnlineImport.objects.exists()


def test_a_name_alone_is_matched_within_the_unit_when_unique_and_an_ambiguous_one_is_a_bad_row(tmp_path):
    office, housing = SectionFactory(name="办公室"), SectionFactory(name="住房保障科")
    unique = person(1, "欧阳明轩", section_obj=office)
    person(2, "王伟", section_obj=office)
    person(3, "王伟", section_obj=office)
    told_apart = person(4, "李娜", section_obj=housing)
    person(5, "李娜", section_obj=office)
    header = ("姓名", "单位/部门", "总学时")
    rows = [(unique.name, "", 10), ("王伟", "办公室", 12), ("李娜", "住房保障科", 8)]
    result = run(export(tmp_path / "1.xlsx", header, rows), write=False)
    assert [e.row for e in result.errors] == [4]
    assert str(result.errors[0]).startswith("第4行 姓名: 有2名干部名叫王伟（")
    assert str(result.errors[0]).endswith("）；请加上身份证号或手机号列。")
    fixed = run(export(tmp_path / "2.xlsx", header, [rows[0], rows[2]]))
    assert fixed.counts == "created=2 updated=0 unchanged=0 flagged=0 unmatched=0"
    assert entry(told_apart).hours == Decimal("8.00")


def test_xuexi_points_matched_by_phone_or_user_name_are_kept_apart_without_a_rule(tmp_path):
    by_phone, by_username = person(1, "欧阳明轩", phone="13900000001"), person(2, "沈佳怡", phone="13900000002")
    rows = [
        (by_phone.name, "13900000001", "", 52000, 8600),
        (by_username.name, "", by_username.id_number, 41000, 7300),
    ]
    path = export(tmp_path / "强国.xlsx", XUEXI_HEADER, rows, titles=("学习强国 2026年度积分",))
    result = run(path, name="学习强国", year=2026)
    assert result.counts == "created=2 updated=0 unchanged=0 flagged=0 unmatched=0"
    assert any("积分" in notice for notice in result.notices)
    # 年度积分 is the year's figure, not the lifetime 总积分; without a rule points are never 学时.
    assert OnlineCredit.objects.get(cadre=by_phone).amount == Decimal("8600")
    assert not LedgerEntry.objects.filter(source=Source.ONLINE_RECORD).exists()
    later = [(by_phone.name, "13900000001", "", 53000, 9100)]
    again = run(export(tmp_path / "强国2.xlsx", XUEXI_HEADER, later), name="学习强国", year=2026)
    assert again.counts == "created=0 updated=1 unchanged=0 flagged=0 unmatched=0"
    assert OnlineCredit.objects.get(cadre=by_phone).amount == Decimal("9100")
    assert not LedgerEntry.objects.filter(source=Source.ONLINE_RECORD).exists()


def test_points_count_only_through_a_conversion_rule(tmp_path):
    ConversionRule.objects.create(
        year=2026, unit=Unit.ONLINE_POINTS, per=Decimal("1000"), hours=Decimal("1"), rounding=Rounding.HALF_DOWN
    )
    a = person(1, "欧阳明轩", phone="13900000001")
    path = export(tmp_path / "强国.xlsx", XUEXI_HEADER, [(a.name, "13900000001", "", 52000, 8600)])
    run(path, name="学习强国", year=2026)
    assert entry(a).hours == Decimal("8.50")  # 8.6 rounded down to the half step


def test_minutes_convert_through_the_years_rule_rounded_down_to_half_steps(tmp_path):
    a, b = person(1, "欧阳明轩"), person(2, "沈佳怡")
    header = ("姓名", "身份证号", "学习时长(分钟)")
    path = export(tmp_path / "宣讲.xlsx", header, [(a.name, a.id_number, 59), (b.name, b.id_number, 60)])
    run(path, name="宣讲联盟", year=2026)
    assert (entry(a).hours, entry(b).hours) == (Decimal("1.50"), Decimal("2.00"))


def test_minutes_without_a_rule_are_refused_with_a_clear_message(tmp_path):
    ConversionRule.objects.filter(unit=Unit.ONLINE_MINUTES, year=2026).delete()
    a = person(1, "欧阳明轩")
    header = ("姓名", "身份证号", "学习时长(分钟)")
    result = run(export(tmp_path / "宣讲.xlsx", header, [(a.name, a.id_number, 60)]), name="宣讲联盟", year=2026)
    assert not result.written
    assert "分钟" in str(result.errors[0]) and "2026" in str(result.errors[0])


def test_a_file_without_the_columns_is_refused(tmp_path):
    with pytest.raises(ExcelFileError):
        run(export(tmp_path / "x.xlsx", ("序号", "备注"), [(1, "x")]))


def test_a_per_period_platform_adds_up_its_periods_and_a_period_reimported_is_unchanged(tmp_path):
    a = person(1, "欧阳明轩")
    header = ("姓名", "身份证号", "本期学时", "统计起止日期")
    first = export(tmp_path / "q1.xlsx", header, [(a.name, a.id_number, "6", "2026-01-01至2026-03-31")])
    second = export(tmp_path / "q2.xlsx", header, [(a.name, a.id_number, "4.5", "2026.4.1-2026.6.30")])
    assert run(first, "大家微讲堂").counts == "created=1 updated=0 unchanged=0 flagged=0 unmatched=0"
    result = run(second, "大家微讲堂")
    assert (result.period_start.isoformat(), result.period_end.isoformat()) == ("2026-04-01", "2026-06-30")
    assert result.counts == "created=0 updated=1 unchanged=0 flagged=0 unmatched=0"
    assert run(first, "大家微讲堂").counts == "created=0 updated=0 unchanged=1 flagged=0 unmatched=0"
    credit = OnlineCredit.objects.get(cadre=a)
    assert (credit.amount, credit.hours) == (Decimal("10.50"), Decimal("10.50"))
    assert entry(a).hours == Decimal("10.50") and entry(a).date.isoformat() == "2026-06-30"


def test_a_per_period_export_without_its_period_is_refused(tmp_path):
    a = person(1, "欧阳明轩")
    path = export(
        tmp_path / "q.xlsx", ("姓名", "身份证号", "本期学时"), [(a.name, a.id_number, "6")], titles=("微讲堂",)
    )
    with pytest.raises(ExcelFileError, match="统计起止日期"):
        run(path, "大家微讲堂")


def test_a_flagged_figure_overtaken_by_a_later_import_cannot_be_confirmed(tmp_path):
    from django.core.exceptions import ValidationError

    from ganxun.online.services import figure_confirm

    a = person(1, "欧阳明轩")
    run(export(tmp_path / "1.xlsx", CADRE_ONLINE_HEADER, [row(a, total="40")]))
    run(export(tmp_path / "2.xlsx", CADRE_ONLINE_HEADER, [row(a, total="30")]))  # lower: flagged
    held = OnlineFigure.objects.get(status=FigureStatus.FLAGGED)
    run(export(tmp_path / "3.xlsx", CADRE_ONLINE_HEADER, [row(a, total="45")]))
    with pytest.raises(ValidationError):
        figure_confirm(actor=None, figure=held)
    assert entry(a).hours == Decimal("45.00")


def test_a_person_twice_in_the_file_is_a_bad_row(tmp_path):
    a = person(1, "欧阳明轩")
    result = run(export(tmp_path / "1.xlsx", CADRE_ONLINE_HEADER, [row(a), row(a, total="40")]))
    assert [str(e) for e in result.errors] == ["第4行 姓名: 欧阳明轩已在前面的行中出现。"]
    assert not OnlineImport.objects.exists()


def test_a_platform_user_name_that_is_a_phone_number_matches_and_a_wrong_name_is_a_bad_row(tmp_path):
    a = person(1, "欧阳明轩", phone="13900000001")
    rows = [(a.name, "", "139 0000 0001", 52000, 8600)]
    assert run(export(tmp_path / "1.xlsx", XUEXI_HEADER, rows), name="学习强国", year=2026).created == 1
    wrong = [("欧阳明", "", "13900000001", 52000, 8700)]
    result = run(export(tmp_path / "2.xlsx", XUEXI_HEADER, wrong), name="学习强国", year=2026)
    assert [str(e) for e in result.errors] == ["第3行 姓名: 姓名与名册中此号码对应的姓名（欧阳明轩）不一致。"]


def test_an_administrator_matches_only_the_cadres_of_the_units_they_reach_that_year(tmp_path):
    import datetime as dt

    from ganxun.core.tests.test_permissions import District
    from ganxun.roster.models import CadrePeriod

    district = District()
    own, other = district.cadres["a"], district.cadres["b"]
    # A cadre of bureau B until March served in bureau A first: still matched for that year.
    moved = district.cadres["b"].__class__.objects.create(
        name="调出干部", id_number="110101198001010010", section=district.sections["b"], birth_date=dt.date(1980, 1, 1)
    )
    CadrePeriod.objects.filter(cadre=moved).update(valid_from=dt.date(2026, 3, 1))
    CadrePeriod.objects.create(
        cadre=moved,
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2026, 3, 1),
        unit=district.units["a"],
        section=district.sections["a"],
    )
    rows = [(c.name, c.id_number, "10") for c in (own, other, moved)]
    path = export(tmp_path / "a.xlsx", ("姓名", "身份证号", "总学时"), rows, titles=("2026年度",))
    result = online_import(
        path, platform=platform("干部在线学习"), file_name="a.xlsx", actor=district.admins["a"], year=2026
    )
    assert [p.name for p in result.unmatched_people] == [other.name]
    assert result.created == 2
