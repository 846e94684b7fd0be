"""Attendance from Excel: matching, every kind of bad cell as 第N行 列名: 原因, nothing half-written, the views."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.core.excel import ExcelFileError
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.workbooks import xlsx_bytes
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from ..imports import attendance_import
from ..models import Attendance
from ..services import attendance_set

HEADER = ("姓名", "身份证号", "场次日期", "出勤", "请假原因")
LAST4 = ("姓名", "身份证后四位", "出勤", "请假原因")


class ImportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="住房保障科")
        # Three half-day sessions of 4 学时, two of them on the same day.
        cls.activity = ActivityFactory(title="住房保障业务培训班", kind__name="专题培训班")
        cls.morning = SessionFactory(
            activity=cls.activity, date=dt.date(2026, 4, 8), start_time=dt.time(9), end_time=dt.time(11, 30), hours=4
        )
        cls.afternoon = SessionFactory(
            activity=cls.activity, date=dt.date(2026, 4, 8), start_time=dt.time(14), end_time=dt.time(16, 30), hours=4
        )
        cls.next_day = SessionFactory(
            activity=cls.activity, date=dt.date(2026, 4, 9), start_time=dt.time(9), end_time=dt.time(11, 30), hours=4
        )
        cls.zhang = CadreFactory(name="张伟", section=cls.section)
        cls.li = CadreFactory(name="李娜", section=cls.section)
        cls.namesake = CadreFactory(name="张伟", section=cls.section)  # a second 张伟, another ID number
        cls.not_enrolled = CadreFactory(name="王强", section=cls.section)
        for cadre in (cls.zhang, cls.li, cls.namesake):
            EnrolmentFactory(activity=cls.activity, cadre=cadre)
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        # A lecture with one session: no 场次日期 needed.
        cls.lecture = ActivityFactory(title="月末讲坛", kind__name="月末讲坛")
        cls.lecture_session = SessionFactory(
            activity=cls.lecture, date=dt.date(2026, 4, 30), start_time=dt.time(15), end_time=dt.time(17)
        )
        EnrolmentFactory(activity=cls.lecture, cadre=cls.li)

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ganxun-att-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def book(self, rows, header=HEADER, **kwargs) -> Path:
        path = self.tmp / "出勤.xlsx"
        path.write_bytes(xlsx_bytes(rows, header, **kwargs))
        return path

    def run_import(self, rows, header=HEADER, *, session=None, activity=None, write=False, **kwargs):
        return attendance_import(
            self.book(rows, header, **kwargs),
            activity=activity or (session.activity if session else self.activity),
            session=session,
            file_name="出勤.xlsx",
            actor=self.admin,
            write=write,
        )

    def errors(self, result) -> list[str]:
        return [str(e) for e in result.errors]


class MatchingTests(ImportTestCase):
    def test_an_activity_file_records_every_row_through_the_ledger(self):
        rows = [
            ["张伟", self.zhang.id_number, "2026-04-08 09:00", "出席", ""],
            ["张伟", self.zhang.id_number, "2026-04-08 14:00", "到", ""],
            ["张伟", self.zhang.id_number, "2026/4/9", "√", ""],
            ["李娜", self.li.id_number, dt.datetime(2026, 4, 8, 9, 0), "病假", ""],
            ["李娜", self.li.id_number, "2026年4月8日 14:00", "请假", "照顾家人"],
            ["李娜", self.li.id_number, "2026.04.09", "已到", ""],
        ]
        result = self.run_import(rows, write=True)
        self.assertEqual(self.errors(result), [])
        self.assertTrue(result.written)
        self.assertEqual((result.created, result.updated, result.unchanged), (6, 0, 0))
        self.assertEqual((result.present, result.absent, result.leave), (4, 0, 2))
        self.assertEqual(result.not_in_file, 3)  # the second 张伟, three sessions
        leave = Attendance.objects.get(session=self.morning, cadre=self.li)
        self.assertEqual((leave.status, leave.reason, leave.method), ("leave", "病假", AttendanceMethod.IMPORT))
        self.assertEqual(Attendance.objects.get(session=self.afternoon, cadre=self.li).reason, "照顾家人")
        # 张伟 attended all 12 学时; 李娜 missed 8 of 12, more than 1/7: the class is not completed.
        confirmed = LedgerEntry.objects.filter(source=Source.SESSION, status=EntryStatus.CONFIRMED)
        self.assertEqual(sum(e.hours for e in confirmed.filter(cadre=self.zhang)), Decimal(12))
        self.assertFalse(confirmed.filter(cadre=self.li).exists())
        event = AuditEvent.objects.get(action=Action.IMPORT, object_type="activity")
        self.assertIn("出勤.xlsx", event.summary)
        self.assertEqual(AuditEvent.objects.filter(object_type="attendance", action=Action.CREATE).count(), 6)

    def test_the_preview_writes_nothing(self):
        result = self.run_import([["李娜", self.li.id_number, "2026-04-09", "出席", ""]])
        self.assertTrue(result.ok)
        self.assertFalse(result.written)
        self.assertEqual(result.created, 1)
        self.assertFalse(Attendance.objects.exists())
        self.assertFalse(AuditEvent.objects.exists())

    def test_name_and_last_four_tell_namesakes_apart(self):
        rows = [["张伟", self.namesake.id_number[-4:], "缺席", "未请假"], ["李娜", self.li.id_number[-4:], "出席", ""]]
        result = self.run_import(rows, LAST4, session=self.next_day, write=True)
        self.assertEqual(self.errors(result), [])
        absent = Attendance.objects.get(session=self.next_day, cadre=self.namesake)
        self.assertEqual((absent.status, absent.reason), ("absent", "未请假"))
        self.assertFalse(Attendance.objects.filter(cadre=self.zhang).exists())

    def test_a_one_session_activity_needs_no_session_date(self):
        result = self.run_import(
            [["李娜", self.li.id_number[-4:], "出席", ""]], LAST4, activity=self.lecture, write=True
        )
        self.assertTrue(result.written)
        self.assertTrue(Attendance.objects.filter(session=self.lecture_session, cadre=self.li).exists())

    def test_importing_again_corrects_and_counts_the_unchanged(self):
        attendance_set(
            actor=self.admin,
            session=self.next_day,
            cadre=self.li,
            status=AttendanceStatus.ABSENT,
            method=AttendanceMethod.MANUAL,
        )
        attendance_set(
            actor=self.admin,
            session=self.next_day,
            cadre=self.zhang,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.MANUAL,
        )
        rows = [["李娜", self.li.id_number[-4:], "出席", ""], ["张伟", self.zhang.id_number[-4:], "出席", ""]]
        result = self.run_import(rows, LAST4, session=self.next_day, write=True)
        self.assertEqual((result.created, result.updated, result.unchanged), (0, 1, 1))
        self.assertEqual(Attendance.objects.get(session=self.next_day, cadre=self.li).status, "present")

    def test_headers_are_found_below_a_title_and_by_their_synonyms(self):
        header = ("名字", "公民身份号码", "日期", "出勤情况", "原因")
        result = self.run_import(
            [["李娜", self.li.id_number, "2026-04-09", "出席", ""]], header, title_rows=["住房保障业务培训班签到表"]
        )
        self.assertTrue(result.ok, self.errors(result))
        self.assertEqual(result.header_row, 2)


class ErrorTests(ImportTestCase):
    def assert_errors(self, rows, expected, header=HEADER, **kwargs):
        result = self.run_import(rows, header, write=True, **kwargs)
        self.assertEqual(self.errors(result), expected)
        self.assertFalse(result.written)
        self.assertFalse(Attendance.objects.exists())
        self.assertFalse(LedgerEntry.objects.exists())
        self.assertFalse(AuditEvent.objects.exists())

    def test_every_bad_cell_is_named_and_nothing_is_written(self):
        good = ["李娜", self.li.id_number, "2026-04-09", "出席", ""]
        self.assert_errors(
            [
                good,
                ["王强", self.not_enrolled.id_number, "2026-04-09", "出席", ""],
                ["李四", self.li.id_number, "2026-04-09", "出席", ""],
                ["李娜", self.li.id_number, "2026-04-10", "出席", ""],
                ["李娜", self.li.id_number, "2026-04-08", "出席", ""],
                ["张伟", self.zhang.id_number, "下周三", "来了", ""],
                ["张伟", self.zhang.id_number, "2026-04-09", "", ""],
                good,
                ["张伟", self.zhang.id_number, "2026-04-09", "请假", "长" * 201],
            ],
            [
                "第3行 身份证号: 本活动报名人员中没有此身份证号。",
                "第4行 姓名: 姓名与身份证号不符（名册中为 李娜）。",
                "第5行 场次日期: 该活动在 2026-04-10 没有场次。现有场次：2026-04-08 09:00、2026-04-08 14:00、2026-04-09 09:00。",
                "第6行 场次日期: 当天有 2 个场次（09:00、14:00），请写明开始时间，如 2026-04-08 14:00。",
                "第7行 场次日期: “下周三”不是有效的场次日期，请写成 2026-03-02 或 2026-03-02 14:00 的形式。",
                "第7行 出勤: “来了”不是有效的出勤情况，请填写出席（或到、已到、√）、缺席或请假。",
                "第8行 出勤: 请填写出勤情况：出席、缺席或请假。",
                "第9行 姓名: 李娜 同一场次已在第2行出现。",
                "第10行 请假原因: 原因共 201 个字，最多 200 个字。",
            ],
        )

    def test_last_four_problems(self):
        self.assert_errors(
            [
                ["张伟", "0000", "出席", ""],
                ["王强", self.not_enrolled.id_number[-4:], "出席", ""],
                ["李娜", "", "出席", ""],
                ["李娜", "12345", "出席", ""],
                ["", self.li.id_number[-4:], "出席", ""],
            ],
            [
                "第2行 身份证后四位: 张伟 已报名，但身份证号后四位不是 0000。",
                "第3行 姓名: 本活动报名人员中没有此姓名。",
                "第4行 身份证后四位: 请填写身份证号或身份证后四位，以确认是哪一位。",
                "第5行 身份证后四位: 请填写身份证号的最后四位。",
                "第6行 姓名: 请填写姓名。",
            ],
            LAST4,
            session=self.next_day,
        )

    def test_an_id_number_that_excel_turned_into_a_number(self):
        self.assert_errors(
            [["李娜", 310110198001010000, "2026-04-09", "出席", ""]],
            ["第2行 身份证号: 身份证号应为文本格式，请将该列设置为文本后重新输入"],
        )

    def test_a_session_file_refuses_rows_of_another_day(self):
        self.assert_errors(
            [["李娜", self.li.id_number, "2026-04-08", "出席", ""]],
            ["第2行 场次日期: 本文件用于 2026-04-09 09:00 场次，该行填写的是 2026-04-08。"],
            session=self.next_day,
        )

    def test_several_sessions_need_a_date_in_every_row(self):
        self.assert_errors(
            [["李娜", self.li.id_number, "", "出席", ""]],
            ["第2行 场次日期: 该活动有多个场次，请填写场次日期（同一天有两场的，请同时写明开始时间）。"],
        )

    def test_errors_of_a_row_follow_the_files_column_order(self):
        # The attendance is checked after the name, but stands left of it in this file.
        self.assert_errors(
            [["来了", "李四", self.li.id_number[-4:]], ["出席", "李娜", "0000"]],
            [
                "第2行 出勤: “来了”不是有效的出勤情况，请填写出席（或到、已到、√）、缺席或请假。",
                "第2行 姓名: 本活动报名人员中没有此姓名。",
                "第3行 身份证后四位: 李娜 已报名，但身份证号后四位不是 0000。",
            ],
            ("出勤", "姓名", "身份证后四位"),
            session=self.next_day,
        )

    def test_a_month_is_not_a_session_date(self):
        """202604 names April, not the session of 1 April."""
        first = SessionFactory(activity=self.lecture, date=dt.date(2026, 4, 1), start_time=dt.time(9))
        self.assert_errors(
            [["李娜", self.li.id_number, 202604, "出席", ""], ["李娜", self.li.id_number, "2026.04", "出席", ""]],
            [
                "第2行 场次日期: “202604”不是有效的场次日期，请写成 2026-03-02 或 2026-03-02 14:00 的形式。",
                "第3行 场次日期: “2026.04”不是有效的场次日期，请写成 2026-03-02 或 2026-03-02 14:00 的形式。",
            ],
            session=first,
        )

    def test_a_totals_row_below_the_sheet_is_skipped(self):
        rows = [["李娜", self.li.id_number[-4:], "出席", ""], ["合计", None, "1人"], ["填表人：王五"]]
        result = self.run_import(rows, LAST4, session=self.next_day, write=True)
        self.assertTrue(result.written, self.errors(result))
        self.assertEqual((result.rows, result.skipped_rows), (1, [3, 4]))

    def test_rows_read_are_limited(self):
        rows = [["李娜", self.li.id_number[-4:], "出席", ""], [], [], ["张伟", "0000", "出席", ""]]
        with override_settings(GANXUN={**settings.GANXUN, "IMPORT_MAX_ROWS": 3}):
            with self.assertRaisesMessage(ExcelFileError, "超过 3 行"):
                self.run_import(rows, LAST4, session=self.next_day)
            self.assertEqual(self.run_import(rows[:3], LAST4, session=self.next_day).rows, 1)

    def test_files_that_cannot_be_used_at_all(self):
        cases = [
            (("姓名", "身份证号", "场次日期"), "缺少必填列"),
            (("姓名", "场次日期", "出勤"), "身份证后四位"),
            (("姓名", "身份证号", "出勤"), "场次日期"),
        ]
        for header, message in cases:
            with self.subTest(header=header), self.assertRaisesMessage(ExcelFileError, message):
                self.run_import([["李娜", self.li.id_number, "出席"]], header)
        with self.assertRaisesMessage(ExcelFileError, "没有数据"):
            self.run_import([])


class ImportViewTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.enterContext(override_settings(VAR_DIR=self.tmp))
        self.client.force_login(self.admin)

    def upload(self, rows, header=HEADER, url=None):
        data = xlsx_bytes(rows, header)
        return self.client.post(
            url or reverse("attendance:activity_import", args=[self.activity.pk]),
            {"file": SimpleUploadedFile("签到.xlsx", data)},
        )

    def test_upload_preview_then_confirm(self):
        response = self.upload([["李娜", self.li.id_number, "2026-04-09", "出席", ""]])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "签到.xlsx")
        self.assertContains(response, reverse("attendance:import_confirm"))
        self.assertFalse(Attendance.objects.exists())
        response = self.client.post(reverse("attendance:import_confirm"))
        self.assertRedirects(response, self.activity.get_absolute_url(), fetch_redirect_response=False)
        self.assertTrue(Attendance.objects.filter(session=self.next_day, cadre=self.li).exists())
        self.assertFalse(list(self.tmp.glob("imports/*.xlsx")))

    def test_bad_rows_are_listed_and_there_is_no_confirm(self):
        response = self.upload([["王强", self.not_enrolled.id_number, "2026-04-09", "出席", ""]])
        self.assertContains(response, "第2行 身份证号: 本活动报名人员中没有此身份证号。")
        self.assertNotContains(response, reverse("attendance:import_confirm"))
        self.assertEqual(self.client.post(reverse("attendance:import_confirm")).status_code, 302)
        self.assertFalse(Attendance.objects.exists())

    def test_a_session_import_lands_on_the_sheet(self):
        url = reverse("attendance:session_import", args=[self.next_day.pk])
        self.upload([["李娜", self.li.id_number[-4:], "请假", "公出"]], LAST4, url=url)
        response = self.client.post(reverse("attendance:import_confirm"))
        self.assertRedirects(
            response, reverse("attendance:attendance_sheet", args=[self.next_day.pk]), fetch_redirect_response=False
        )
        self.assertEqual(Attendance.objects.get(cadre=self.li).reason, "公出")

    def test_not_an_excel_file(self):
        response = self.client.post(
            reverse("attendance:activity_import", args=[self.activity.pk]),
            {"file": SimpleUploadedFile("签到.xlsx", b"name,status\n")},
        )
        self.assertContains(response, "不是 Excel 文件", status_code=400)

    def test_the_downloaded_sign_in_sheet_imports_once_filled(self):
        response = self.client.get(reverse("attendance:activity_import_template", args=[self.activity.pk]))
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[1], ("姓名", "身份证后四位", "场次日期", "出勤", "请假原因"))
        self.assertEqual(len(rows), 2 + 3 * 3)  # 3 enrolled × 3 sessions
        for row in sheet.iter_rows(min_row=3):
            row[3].value = "出席"
        buffer = io.BytesIO()
        sheet.parent.save(buffer)
        path = self.tmp / "filled.xlsx"
        path.write_bytes(buffer.getvalue())
        result = attendance_import(path, activity=self.activity, file_name="filled.xlsx", actor=self.admin, write=True)
        self.assertEqual(self.errors(result), [])
        self.assertEqual(Attendance.objects.filter(status="present").count(), 9)

    def test_only_administrators_import(self):
        head = UserFactory(role=Role.SECTION_HEAD, cadre=self.zhang)
        self.client.force_login(head)
        for url in (
            reverse("attendance:activity_import", args=[self.activity.pk]),
            reverse("attendance:session_import", args=[self.next_day.pk]),
            reverse("attendance:activity_import_template", args=[self.activity.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(reverse("attendance:import_confirm")).status_code, 403)
