"""The roster import dates what it changes: periods of service effective the as-of date, one signal for all."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.core.excel import ExcelFileError
from ganxun.roster import history
from ganxun.roster.imports import roster_import
from ganxun.roster.models import Cadre, CadrePeriod, Section, Status, Unit
from ganxun.roster.views.excel import SESSION_KEY

from .factories import SectionFactory, UserFactory
from .test_history import Signals
from .workbooks import HEADER, person, write, xlsx_bytes

pytestmark = pytest.mark.django_db
D = dt.date
WITH_HIRE = (*HEADER, "录用日期", "人员状态")


def periods(number: str) -> list[tuple]:
    return list(
        CadrePeriod.objects.filter(cadre__id_number=number)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to", "section__name", "post", "status")
    )


@pytest.fixture
def office():
    return SectionFactory(name="办公室")


@pytest.fixture
def admin():
    return UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)


def run(tmp_path, rows, **options):
    path = write(tmp_path / "roster.xlsx", xlsx_bytes(rows, WITH_HIRE))
    return roster_import(path, file_name="roster.xlsx", **options)


def test_dated_changes_become_periods_effective_the_as_of_date(tmp_path, office, admin):
    law = SectionFactory(name="法规科")
    rows = [person(1, 录用日期="2015-09-01", 人员状态="在职"), person(2, 录用日期="2016-03-01", 人员状态="在职")]
    run(tmp_path, rows, actor=admin, write=True)
    first = rows[0]["身份证号"]
    # New cadres: one open period from the hire date, as a cadre made by hand.
    assert periods(first) == [(D(2015, 9, 1), None, "办公室", "科员", Status.ACTIVE)]

    rows[0].update(科室="法规科", 职务="科长")
    rows[1].update(人员状态="退休", 手机="13800000000")
    with Signals() as signals:
        result = run(tmp_path, rows, actor=admin, write=True, as_of=D(2025, 4, 1))
    assert (result.updated, result.as_of) == (2, D(2025, 4, 1))
    assert periods(first) == [
        (D(2015, 9, 1), D(2025, 4, 1), "办公室", "科员", Status.ACTIVE),
        (D(2025, 4, 1), None, "法规科", "科长", Status.ACTIVE),
    ]
    second = rows[1]["身份证号"]
    assert periods(second)[-1] == (D(2025, 4, 1), None, "办公室", "科员", Status.RETIRED)
    cadre = Cadre.objects.get(id_number=first)
    assert (cadre.section, cadre.unit, cadre.post) == (law, law.unit, "科长")
    assert Cadre.objects.get(id_number=second).status == Status.RETIRED
    # One signal for every cadre whose periods changed, inside the transaction.
    ids = sorted(Cadre.objects.filter(id_number__in=[first, second]).values_list("pk", flat=True))
    assert [(sorted(sent[0]), sent[1], sent[2]) for sent in signals.sent] == [(ids, D(2025, 4, 1), True)]
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(cadre.pk)).get()
    assert event.summary == "2025-04-01 起生效"
    assert event.changes["post"] == ["科员", "科长"]


def test_an_undated_change_writes_no_period_and_sends_nothing(tmp_path, office, admin):
    rows = [person(1, 录用日期="2015-09-01", 人员状态="在职")]
    run(tmp_path, rows, actor=admin, write=True)
    rows[0]["手机"] = "13800000000"
    with Signals() as signals:
        result = run(tmp_path, rows, actor=admin, write=True)
    assert result.updated == 1
    assert len(periods(rows[0]["身份证号"])) == 1
    assert signals.sent == []
    assert AuditEvent.objects.filter(action=Action.UPDATE).get().summary == ""


def test_a_past_as_of_date_keeps_a_later_change(tmp_path, office, admin):
    rows = [person(1, 录用日期="2015-09-01", 人员状态="在职")]
    run(tmp_path, rows, actor=admin, write=True)
    cadre = Cadre.objects.get()
    history.cadre_change(actor=admin, cadre=cadre, effective=D(2024, 1, 1), post="科长")
    rows[0]["职务"] = "副科长"  # the file is a year-old snapshot: 副科长 from 2023
    run(tmp_path, rows, actor=admin, write=True, as_of=D(2023, 1, 1))
    assert [p[3] for p in periods(rows[0]["身份证号"])] == ["科员", "副科长", "科长"]
    assert Cadre.objects.get().post == "科长"


def test_a_new_section_from_the_file_is_in_the_period(tmp_path, office, admin):
    rows = [person(1, 录用日期="2015-09-01", 人员状态="在职")]
    run(tmp_path, rows, actor=admin, write=True)
    rows[0]["科室"] = "新设科"
    result = run(tmp_path, rows, actor=admin, write=True, accept_new_sections=True, as_of=D(2025, 1, 1))
    assert result.written
    assert periods(rows[0]["身份证号"])[-1] == (D(2025, 1, 1), None, "新设科", "科员", Status.ACTIVE)
    period = CadrePeriod.objects.get(valid_from=D(2025, 1, 1))
    assert period.unit_id == Section.objects.get(name="新设科").unit_id


def test_a_section_in_another_unit_moves_the_cadre_to_it(tmp_path, office):
    # A system administrator reaches every unit (a bureau's training administrator only their own).
    admin = UserFactory(username="system", role=Role.SYSTEM_ADMIN, cadre=None)
    rows = [person(1, 录用日期="2015-09-01", 人员状态="在职")]
    run(tmp_path, rows, actor=admin, write=True)
    district = Unit.objects.create(name="区住建委", code="ZJW", path="/99/")
    Section.objects.create(name="综合科", unit=district)
    rows[0]["科室"] = "综合科"
    run(tmp_path, rows, actor=admin, write=True, as_of=D(2025, 1, 1))
    cadre = Cadre.objects.get()
    assert cadre.unit == district
    assert CadrePeriod.objects.get(valid_from=D(2025, 1, 1)).unit == district


def test_the_as_of_date_is_bounded(tmp_path, office):
    today = timezone.localdate()
    rows = [person(1)]
    assert run(tmp_path, rows, as_of=today).as_of == today
    with pytest.raises(ExcelFileError) as caught:
        run(tmp_path, rows, as_of=today + dt.timedelta(days=1))
    assert caught.value.message == f"生效日期应在 1900-01-01 至 {today.isoformat()} 之间。"


def command(path, *options):
    out = io.StringIO()
    try:
        call_command("import_roster", str(path), *options, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue().splitlines(), str(exc)
    return 0, out.getvalue().splitlines(), ""


def test_the_command_takes_and_prints_the_as_of_date(tmp_path, office):
    rows = [person(1, 录用日期="2015-09-01", 人员状态="在职")]
    path = write(tmp_path / "r.xlsx", xlsx_bytes(rows, WITH_HIRE))
    command(path)
    rows[0]["职务"] = "科长"
    path = write(tmp_path / "r.xlsx", xlsx_bytes(rows, WITH_HIRE))
    code, lines, _error = command(path, "--as-of", "2025-07-01")
    assert code == 0
    assert lines[0] == "变动生效日期：2025-07-01。"
    assert lines[-1] == "created=0 updated=1 unchanged=0"
    assert periods(rows[0]["身份证号"])[-1][:2] == (D(2025, 7, 1), None)
    for bad in ("2025-13-01", "yesterday"):
        code, lines, error = command(path, "--as-of", bad)
        assert code == 1 and error == f"--as-of 应为 YYYY-MM-DD 格式的日期，而不是“{bad}”。"
    code, lines, error = command(path, "--as-of", "1899-12-31")
    assert code == 1 and error.startswith("生效日期应在 1900-01-01 至")


class ImportPageAsOfTests(TestCase):
    def setUp(self):
        var_dir = Path(tempfile.mkdtemp(prefix="ganxun-var-"))
        self.addCleanup(shutil.rmtree, var_dir, ignore_errors=True)
        self.enterContext(override_settings(VAR_DIR=var_dir))
        self.office = SectionFactory(name="办公室")
        self.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        self.client.force_login(self.admin)

    def upload(self, rows, **data):
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile("名册.xlsx", xlsx_bytes(rows, WITH_HIRE), content_type="application/octet-stream")
        return self.client.post(reverse("roster:cadre_import"), {"file": file, **data})

    def test_the_page_asks_for_the_as_of_date_states_it_and_confirms_with_it(self):
        rows = [person(1, 录用日期="2015-09-01", 人员状态="在职")]
        self.upload(rows)
        self.client.post(reverse("roster:cadre_import_confirm"))
        page = self.client.get(reverse("roster:cadre_import"))
        self.assertContains(page, 'name="as_of"')
        self.assertContains(page, "生效日期")

        rows[0]["职务"] = "科长"
        response = self.upload(rows, as_of="2025-03-01")
        self.assertContains(response, 'data-as-of="2025-03-01"')
        self.assertContains(response, "自 2025-03-01 起生效")
        self.assertContains(response, "科员")  # old → new, as before
        self.assertEqual(self.client.session[SESSION_KEY]["as_of"], "2025-03-01")
        self.client.post(reverse("roster:cadre_import_confirm"))
        self.assertEqual(periods(rows[0]["身份证号"])[-1][:4], (D(2025, 3, 1), None, "办公室", "科长"))

    def test_a_future_as_of_date_is_refused_with_a_message(self):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = self.upload([person(1)], as_of=tomorrow.isoformat())
        self.assertContains(response, "生效日期应在 1900-01-01 至", status_code=400)
        self.assertNotIn(SESSION_KEY, self.client.session)


def test_a_file_agreeing_with_the_past_leaves_the_later_change_and_the_periods(tmp_path, office, admin):
    rows = [person(1, 录用日期="2015-09-01", 人员状态="在职")]
    run(tmp_path, rows, actor=admin, write=True)
    history.cadre_change(actor=admin, cadre=Cadre.objects.get(), effective=D(2024, 1, 1), post="科长")
    before = periods(rows[0]["身份证号"])
    with Signals() as signals:
        run(tmp_path, rows, actor=admin, write=True, as_of=D(2021, 1, 1))  # 科员 was in force in 2021
    assert periods(rows[0]["身份证号"]) == before
    assert Cadre.objects.get().post == "科长"
    assert signals.sent == []


def test_a_cadre_without_periods_gets_its_first_one_from_the_file(tmp_path, office, admin):
    rows = [person(1, 录用日期="2015-09-01", 人员状态="在职")]
    run(tmp_path, rows, actor=admin, write=True)
    CadrePeriod.objects.all().delete()  # as if written before the periods existed
    rows[0]["职务"] = "科长"
    run(tmp_path, rows, actor=admin, write=True, as_of=D(2025, 1, 1))
    assert periods(rows[0]["身份证号"]) == [(D(2015, 9, 1), None, "办公室", "科长", Status.ACTIVE)]


def test_checking_a_file_writes_no_unit_and_the_first_unit_is_named_in_chinese(tmp_path):
    """A check (preview, --dry-run) writes nothing, not even a unit for a new 科室; the unit every new system
    starts with (made by the migrations) is 本单位, whatever language the migrations ran in."""
    assert list(Unit.objects.values_list("name", "code")) == [("本单位", "HOME")]
    rows = [person(1, 录用日期="2015-09-01", 人员状态="在职")]
    result = run(tmp_path, rows, accept_new_sections=True)
    assert result.ok
    assert Unit.objects.count() == 1 and not Section.objects.exists()
    run(tmp_path, rows, accept_new_sections=True, write=True)
    cadre = Cadre.objects.get()
    assert cadre.unit == cadre.section.unit == Unit.objects.get()
    assert CadrePeriod.objects.get(cadre=cadre).unit == cadre.unit
