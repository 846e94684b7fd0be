"""manage.py import_online: the row messages, the exit status, the last line, --dry-run, --strict, re-imports."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from ganxun.hours.models import LedgerEntry, Source
from ganxun.online.models import OnlineImport

from .exports import export, person

pytestmark = pytest.mark.django_db
HEADER = ("姓名", "身份证号", "单位/部门", "总学时", "年度")


def command(*args) -> tuple[list[str], int]:
    out = io.StringIO()
    try:
        call_command("import_online", *map(str, args), stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return out.getvalue().splitlines(), code


@pytest.fixture
def people():
    return person(1, "欧阳明轩"), person(2, "沈佳怡")


def test_import_then_reimport_then_an_update_and_a_lower_figure(tmp_path, people):
    a, b = people
    first = export(
        tmp_path / "1.xlsx",
        HEADER,
        [(a.name, a.id_number, "办公室", "20", 2026), (b.name, b.id_number, "", "30", 2026)],
    )
    lines, code = command(first, "--platform", "干部在线学习")
    assert (code, lines[-1]) == (0, "created=2 updated=0 unchanged=0 flagged=0 unmatched=0")
    lines, code = command(first, "--platform", "干部在线学习")
    assert (code, lines[-1]) == (0, "created=0 updated=0 unchanged=2 flagged=0 unmatched=0")
    later = export(
        tmp_path / "2.xlsx", HEADER, [(a.name, a.id_number, "", "25", 2026), (b.name, b.id_number, "", "28", 2026)]
    )
    lines, code = command(later, "--platform", "干部在线学习")
    assert (code, lines[-1]) == (0, "created=0 updated=1 unchanged=0 flagged=1 unmatched=0")
    assert any(line.startswith("第4行") and "沈佳怡" in line for line in lines)
    assert LedgerEntry.objects.get(cadre=b, source=Source.ONLINE_RECORD).hours == 30


def test_unmatched_people_are_listed_and_do_not_stop_the_others_unless_strict(tmp_path, people):
    a, _b = people
    path = export(
        tmp_path / "1.xlsx",
        HEADER,
        [(a.name, a.id_number, "", "20", 2026), ("路人甲", "110101199003071234", "", "5", 2026)],
    )
    lines, code = command(path, "--platform", "干部在线学习", "--strict")
    assert code == 1
    assert lines[0].startswith("第4行 姓名: ")
    assert lines[-1] == "created=0 updated=0 unchanged=0 flagged=0 unmatched=0"
    assert not OnlineImport.objects.exists()
    lines, code = command(path, "--platform", "干部在线学习")
    assert code == 0 and lines[-1] == "created=1 updated=0 unchanged=0 flagged=0 unmatched=1"
    assert any("路人甲" in line for line in lines[:-1])


def test_every_bad_cell_is_printed_and_nothing_is_written(tmp_path, people):
    a, b = people
    path = export(
        tmp_path / "bad.xlsx",
        HEADER,
        [
            (a.name, 1.10101e17, "", "20", 2026),
            (b.name, b.id_number, "", "-3", 2026),
            (b.name, b.id_number, "", "3", 2025),
        ],
        text_columns=(),
    )
    lines, code = command(path, "--platform", "干部在线学习", "--year", "2026")
    assert code == 1
    assert [line.split(":")[0] for line in lines[:-1]] == ["第3行 身份证号", "第4行 总学时", "第5行 年度"]
    assert "1.10101E+17" in lines[0]
    assert not LedgerEntry.objects.exists()


def test_the_dry_run_counts_and_writes_nothing(tmp_path, people):
    a, _b = people
    path = export(tmp_path / "1.xlsx", HEADER, [(a.name, a.id_number, "", "20", 2026)])
    lines, code = command(path, "--platform", "干部在线学习", "--dry-run")
    assert (code, lines[-1]) == (0, "created=1 updated=0 unchanged=0 flagged=0 unmatched=0")
    assert not OnlineImport.objects.exists() and not LedgerEntry.objects.exists()


def test_an_unknown_platform_or_file_is_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_online", str(tmp_path / "none.xlsx"), "--platform", "干部在线学习")
    with pytest.raises(CommandError):
        call_command("import_online", str(tmp_path / "none.xlsx"), "--platform", "不存在")
