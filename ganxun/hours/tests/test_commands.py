"""compliance_report: the export for automation."""

import csv
import datetime as dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase
from openpyxl import load_workbook

from ganxun.hours.models import Bucket
from ganxun.roster.models import Rank, Status
from ganxun.roster.tests.factories import CadreFactory, SectionFactory

from .factories import LedgerEntryFactory


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class ComplianceReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = SectionFactory(name="物业管理科")
        cls.cadre = CadreFactory(section=section, name="孙物业", rank=Rank.CLERK_1)
        CadreFactory(section=section, name="周离任", status=Status.TRANSFERRED)
        CadreFactory(section=SectionFactory(name="法规科"), name="吴法规", rank=Rank.CLERK_1)
        for bucket, hours in ((Bucket.ONLINE, 52), (Bucket.CENTRALISED, 41), (Bucket.SELF_STUDY, 25)):
            LedgerEntryFactory(cadre=cls.cadre, bucket=bucket, hours=Decimal(hours), date=dt.date(2025, 5, 1))

    def test_csv_on_standard_output_one_row_per_cadre_in_post(self):
        out, _err = run("compliance_report", "--year", "2025")
        rows = list(csv.reader(io.StringIO(out)))
        header = rows[0]
        self.assertEqual(header[:3], ["科室", "姓名", "层级"])
        self.assertEqual(sorted(r[1] for r in rows[1:]), ["吴法规", "孙物业"])
        row = dict(zip(header, next(r for r in rows if r[1] == "孙物业"), strict=True))
        self.assertEqual(row["网络培训学时"], "52.00")
        self.assertEqual(row["自学学时"], "20.00")
        self.assertEqual(row["乡科级及以下年度学时：应修学时"], "90.00")
        self.assertEqual(row["乡科级及以下年度学时：已修学时"], "113.00")
        self.assertEqual(row["乡科级及以下年度学时：完成情况"], "已达标")
        self.assertEqual(row["县处级以上五年周期集中培训：应修学时"], "")

    def test_the_same_figures_as_xlsx_and_as_csv_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            xlsx, csv_path = Path(tmp) / "out" / "达标.xlsx", Path(tmp) / "达标.csv"
            _out, err = run("compliance_report", "--year", "2025", "--output", str(xlsx))
            self.assertIn("2", err)
            sheet = load_workbook(xlsx).worksheets[0]
            from_xlsx = [list(r) for r in sheet.iter_rows(values_only=True)]
            run("compliance_report", "--year", "2025", "--output", str(csv_path))
            raw = csv_path.read_bytes()
            self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))  # Excel reads the BOM as UTF-8
            from_csv = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        self.assertEqual(from_xlsx[0], from_csv[0])
        self.assertEqual(len(from_xlsx), len(from_csv))
        sun_xlsx = next(r for r in from_xlsx if r[1] == "孙物业")
        sun_csv = next(r for r in from_csv if r[1] == "孙物业")
        self.assertEqual([f"{v:.2f}" if isinstance(v, int | float) else (v or "") for v in sun_xlsx], sun_csv)

    def test_only_one_section_and_only_those_behind(self):
        out, _err = run("compliance_report", "--year", "2025", "--section", "法规科", "--behind")
        self.assertEqual([r[1] for r in list(csv.reader(io.StringIO(out)))[1:]], ["吴法规"])

    def test_bad_arguments(self):
        with self.assertRaisesMessage(CommandError, "输出文件的扩展名必须是 .xlsx 或 .csv。"):
            run("compliance_report", "--year", "2025", "--output", "report.txt")
        with self.assertRaisesMessage(CommandError, "没有名为“无此科”的科室。"):
            run("compliance_report", "--section", "无此科")
