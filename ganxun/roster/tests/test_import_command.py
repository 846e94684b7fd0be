"""manage.py import_roster: the same checks as the page, exit codes and a machine-readable last line."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.models import Cadre, Section

from .factories import SectionFactory, UserFactory
from .workbooks import HEADER, person, write, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def office():
    return SectionFactory(name="办公室")


def import_roster(path, *options):
    out = io.StringIO()
    try:
        call_command("import_roster", str(path), *options, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def test_imports_and_ends_with_the_counts(tmp_path):
    path = write(tmp_path / "r.xlsx", xlsx_bytes([person(1), person(2)]))
    assert import_roster(path) == (0, ["created=2 updated=0 unchanged=0"])
    assert Cadre.objects.count() == 2
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert (event.actor, event.actor_name, event.object_repr) == (None, "import_roster", "r.xlsx")
    assert import_roster(path) == (0, ["created=0 updated=0 unchanged=2"])


def test_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path / "r.xlsx", xlsx_bytes([person(1), person(2, "新科室")]))
    assert import_roster(path, "--dry-run", "--create-sections") == (0, ["created=2 updated=0 unchanged=0"])
    assert Cadre.objects.count() == 0
    assert not Section.objects.filter(name="新科室").exists()
    assert not AuditEvent.objects.exists()


def test_bad_rows_are_printed_one_per_line_and_exit_non_zero(tmp_path):
    rows = [person(1), person(2, 政治面貌="未知"), person(3, 参加工作时间="不详")]
    path = write(tmp_path / "r.xlsx", xlsx_bytes(rows, (*rows[0], "参加工作时间")))
    code, lines = import_roster(path)
    assert code == 1
    assert lines[0].startswith("第3行 政治面貌: “未知”不在可选范围内")
    assert lines[1].startswith("第4行 参加工作时间: “不详”不是有效日期")
    assert lines[-1] == "created=0 updated=0 unchanged=0"
    assert Cadre.objects.count() == 0


def test_unknown_section_is_an_error_unless_accepted(tmp_path):
    path = write(tmp_path / "r.xlsx", xlsx_bytes([person(1, "信访办"), person(2)]))
    assert import_roster(path) == (1, ["第2行 科室: 系统中没有科室“信访办”", "created=0 updated=0 unchanged=0"])
    assert Cadre.objects.count() == 0
    assert import_roster(path, "--create-sections") == (0, ["created=2 updated=0 unchanged=0"])
    assert Section.objects.get(name="信访办").cadres.count() == 1


def test_unreadable_file(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_text("not a workbook")
    code, lines = import_roster(path)
    assert code == 1
    assert lines == ["该文件不是 Excel 文件，请上传 .xlsx 格式的工作簿。", "created=0 updated=0 unchanged=0"]


def test_actor_is_recorded(tmp_path):
    admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
    path = write(tmp_path / "r.xlsx", xlsx_bytes([person(1)]))
    assert import_roster(path, "--actor", "trainer")[0] == 0
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {admin.pk}


def test_unknown_actor_or_file(tmp_path):
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_roster", str(tmp_path / "r.xlsx"), "--actor", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_roster", str(tmp_path / "missing.xlsx"), stdout=io.StringIO())


def test_errors_are_printed_in_row_order_then_column_order(tmp_path):
    """Row 3's check against the ID number is found after row 4's unreadable cell; it is printed first."""
    born = person(1, born=dt.date(1980, 2, 2), 出生日期="1980-02-03")
    rows = [person(2), born, person(3, "新科室", 政治面貌="未知", 参加工作时间="不详"), person(4, "信访办")]
    path = write(tmp_path / "r.xlsx", xlsx_bytes(rows, (*HEADER, "参加工作时间")))
    code, lines = import_roster(path)
    assert code == 1
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "第3行 出生日期",
        "第4行 科室",
        "第4行 政治面貌",
        "第4行 参加工作时间",
        "第5行 科室",
    ]
    assert lines[1] == "第4行 科室: 系统中没有科室“新科室”"


def test_updates_print_what_changes_above_the_counts(tmp_path):
    rows = [person(1), person(2)]
    path = write(tmp_path / "r.xlsx", xlsx_bytes(rows))
    import_roster(path)
    assert import_roster(path) == (0, ["created=0 updated=0 unchanged=2"])
    rows[1]["职务"] = "科长"
    rows[1]["手机"] = "13800000000"
    path = write(tmp_path / "r.xlsx", xlsx_bytes(rows))
    masked = Cadre.objects.get(phone="13900000002").id_number_masked
    assert import_roster(path, "--dry-run") == (
        0,
        [
            f"变动生效日期：{timezone.localdate().isoformat()}。",
            f"第3行 张2（{masked}）：职务 科员 → 科长；手机 139****0002 → 138****0000",
            "created=0 updated=1 unchanged=1",
        ],
    )
    assert Cadre.objects.get(id_number=rows[1]["身份证号"]).post == "科员"
