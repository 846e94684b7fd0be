"""manage.py import_practice: every bad cell on its own line, exit 1 and nothing written when any row is bad, the
campaign or team it creates said before the counts, and the counts as the last line."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.practice.models import Campaign, Place, Stint, Team
from ganxun.roster.tests.factories import UserFactory

from .import_files import DEPLOYMENT_HEADER, TEAM_HEADER, cadre, stint_row, workbook

pytestmark = pytest.mark.django_db


def import_practice(path, *options):
    out = io.StringIO()
    try:
        call_command("import_practice", str(path), *options, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


@pytest.fixture
def people():
    return [cadre(1, "王伟"), cadre(2, "李娜"), cadre(3, "张强")]


def test_imports_creates_the_campaign_and_ends_with_the_counts(tmp_path, people):
    path = workbook(tmp_path / "d.xlsx", [stint_row(p) for p in people], DEPLOYMENT_HEADER)
    code, lines = import_practice(path, "--kind", "deployment", "--campaign", "2022年社区抗疫")
    assert code == 0
    assert lines == [
        "新增地点：长白新村街道、长白新村街道 长白一村居委",
        "已新建专项行动“2022年社区抗疫”（2022-04-01 至 2022-04-30）。",
        "created=3 updated=0 unchanged=0",
    ]
    campaign = Campaign.objects.get()
    assert (campaign.start_date, campaign.end_date) == (dt.date(2022, 4, 1), dt.date(2022, 4, 30))
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert (event.actor, event.actor_name, event.object_repr) == (None, "import_practice", "d.xlsx")
    assert import_practice(path, "--kind", "deployment", "--campaign", "2022年社区抗疫") == (
        0,
        ["created=0 updated=0 unchanged=3"],
    )


def test_bad_rows_are_printed_one_per_line_and_exit_non_zero(tmp_path, people):
    rows = [
        stint_row(people[0], 开始日期="不详"),
        stint_row(people[1]),
        stint_row(people[2], 结束日期="2022.3.1", 姓名="张三"),
    ]
    path = workbook(tmp_path / "d.xlsx", rows, DEPLOYMENT_HEADER)
    code, lines = import_practice(path, "--kind", "deployment", "--campaign", "2022年社区抗疫")
    assert code == 1
    assert lines == [
        "第3行 开始日期: “不详”不是有效日期，请按 1985-03-12、1985.03 或 1985年3月 的格式填写",
        "第5行 姓名: 姓名与身份证号不符（名册中为 张强）。",
        "created=0 updated=0 unchanged=0",
    ]
    assert not Stint.objects.exists() and not Campaign.objects.exists() and not Place.objects.exists()


def test_dry_run_says_what_it_would_create_and_writes_nothing(tmp_path, people):
    path = workbook(tmp_path / "t.xlsx", [{"姓名": "王伟", "加入日期": "2022.3.1"}], TEAM_HEADER)
    code, lines = import_practice(path, "--kind", "team", "--team", "应急支援队", "--dry-run")
    assert (code, lines) == (0, ["将新建队伍“应急支援队”（2022-03-01 组建）。", "created=1 updated=0 unchanged=0"])
    assert not Team.objects.exists() and not AuditEvent.objects.exists()


def test_a_changed_row_is_shown_before_the_counts(tmp_path, people):
    rows = [stint_row(p) for p in people]
    import_practice(
        workbook(tmp_path / "a.xlsx", rows, DEPLOYMENT_HEADER), "--kind", "deployment", "--campaign", "抗疫"
    )
    rows[0]["任务"] = "物资配送"
    code, lines = import_practice(
        workbook(tmp_path / "b.xlsx", rows, DEPLOYMENT_HEADER), "--kind", "deployment", "--campaign", "抗疫"
    )
    assert code == 0
    assert lines == [
        "第3行将更新：王伟 长白新村街道 长白一村居委 2022-04-01–2022-04-30：任务 核酸检测秩序维护 → 物资配送",
        "created=0 updated=1 unchanged=2",
    ]


def test_a_campaign_or_team_is_required(tmp_path, people):
    path = workbook(tmp_path / "d.xlsx", [stint_row(people[0])], DEPLOYMENT_HEADER)
    with pytest.raises(CommandError, match="--campaign"):
        call_command("import_practice", str(path), "--kind", "deployment", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--team"):
        call_command("import_practice", str(path), "--kind", "team", stdout=io.StringIO())


def test_unreadable_file_and_unknown_actor(tmp_path, people):
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    code, lines = import_practice(path, "--kind", "secondment")
    assert code == 1
    assert lines == ["该文件不是 Excel 文件，请上传 .xlsx 格式的工作簿。", "created=0 updated=0 unchanged=0"]
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_practice", str(path), "--kind", "secondment", "--actor", "nobody", stdout=io.StringIO())


def test_the_actor_is_recorded_and_names_match_within_their_unit(tmp_path, people):
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    rows = [{"姓名": p.name, "支援地点": "浦东机场", "开始日期": "2022.4.1", "结束日期": "2022.4.2"} for p in people]
    path = workbook(tmp_path / "d.xlsx", rows, ("姓名", "支援地点", "开始日期", "结束日期"))
    code, lines = import_practice(path, "--kind", "deployment", "--campaign", "机场", "--actor", "peixun")
    assert (code, lines[-1]) == (0, "created=3 updated=0 unchanged=0")
    assert AuditEvent.objects.get(action=Action.IMPORT).actor.username == "peixun"
    assert Place.objects.get().kind == "airport"
