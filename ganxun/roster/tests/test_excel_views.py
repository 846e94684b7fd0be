"""Import (upload → preview → confirm), template and export, through HTTP."""

import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.models import Cadre, PoliticalStatus, Section, Status
from ganxun.roster.views.excel import SESSION_KEY, pending_dir

from .factories import CadreFactory, SectionFactory, TagFactory, UserFactory
from .workbooks import person, replace_member, xlsx_bytes

IMPORT = reverse("roster:cadre_import")
CONFIRM = reverse("roster:cadre_import_confirm")
TEMPLATE = reverse("roster:cadre_import_template")
EXPORT = reverse("roster:cadre_export")


def upload(data: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


class RoleUsers:
    def setUp(self):
        super().setUp()
        # Pending uploads go to a directory of this test's own.
        var_dir = Path(tempfile.mkdtemp(prefix="ganxun-var-"))
        self.addCleanup(shutil.rmtree, var_dir, ignore_errors=True)
        self.enterContext(override_settings(VAR_DIR=var_dir))

    @classmethod
    def setUpTestData(cls):
        cls.office = SectionFactory(name="办公室")
        cls.housing = SectionFactory(name="住房保障科")
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        cls.sysadmin = UserFactory(username="it", role=Role.SYSTEM_ADMIN, cadre=None)
        cls.head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=CadreFactory(section=cls.housing))
        cls.cadre_user = UserFactory(username="cadre", role=Role.CADRE, cadre=CadreFactory(section=cls.office))


class ImportViewTests(RoleUsers, TestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.admin)

    def test_upload_page(self):
        response = self.client.get(IMPORT)
        self.assertContains(response, "导入干部名册")
        self.assertContains(response, TEMPLATE)

    def test_upload_preview_confirm(self):
        rows = [person(101), person(102, "物业管理科")]
        response = self.client.post(IMPORT, {"file": upload(xlsx_bytes(rows))})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-count="created">2<')
        self.assertContains(response, "物业管理科")
        self.assertContains(response, CONFIRM)
        self.assertEqual(Cadre.objects.count(), 2)  # only the two role users' cadres
        pending = self.client.session[SESSION_KEY]
        path = pending_dir() / f"{pending['token']}.xlsx"
        self.assertTrue(path.is_file())
        self.assertEqual(pending["name"], "名册.xlsx")

        # Without ticking the new section nothing happens and the file waits.
        response = self.client.post(CONFIRM)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请勾选", status_code=400)
        self.assertEqual(Cadre.objects.count(), 2)
        self.assertTrue(path.is_file())

        response = self.client.post(CONFIRM, {"create_sections": "on"})
        self.assertRedirects(response, reverse("roster:cadre_list"), fetch_redirect_response=False)
        self.assertEqual(Cadre.objects.count(), 4)
        self.assertTrue(Section.objects.filter(name="物业管理科").exists())
        self.assertFalse(path.exists())
        self.assertNotIn(SESSION_KEY, self.client.session)
        event = AuditEvent.objects.get(action=Action.IMPORT)
        self.assertEqual((event.actor, event.object_repr, event.ip_address), (self.admin, "名册.xlsx", "127.0.0.1"))
        self.assertEqual(AuditEvent.objects.filter(action=Action.CREATE, object_type="cadre").count(), 2)

    def test_bad_rows_are_listed_and_there_is_no_confirm(self):
        rows = [person(101), person(102, 政治面貌="未知")]
        response = self.client.post(IMPORT, {"file": upload(xlsx_bytes(rows))})
        self.assertContains(response, "第3行 政治面貌: “未知”不在可选范围内")
        self.assertNotContains(response, CONFIRM)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertEqual(list(pending_dir().glob("*.xlsx")), [])

    def test_the_preview_lists_what_changes_and_sorts_the_errors(self):
        rows = [person(101), person(102), person(103)]
        self.client.post(IMPORT, {"file": upload(xlsx_bytes(rows))})
        self.client.post(CONFIRM)
        rows[0].update({"职务": "副科长", "手机": "13811112222"})
        rows[2]["科室"] = "住房保障科"
        response = self.client.post(IMPORT, {"file": upload(xlsx_bytes(rows))})
        self.assertContains(response, 'data-count="updated">2<')
        self.assertContains(response, 'data-count="unchanged">1<')
        page = response.content.decode()
        changes = page[page.index("名册中已有干部的变更内容") :]
        cadre = Cadre.objects.get(id_number=rows[0]["身份证号"])
        self.assertIn(cadre.id_number_masked, changes)
        self.assertNotIn(cadre.id_number, page)
        for text in ("副科长", "139****0101", "138****2222", "住房保障科"):
            self.assertIn(text, changes)
        self.assertNotIn("13811112222", page)
        self.assertLess(changes.index("第2行"), changes.index("第4行"))

        # Errors: row 3 fails against its ID number (found late), row 4 in its cells (found early).
        bad = [person(101), person(104, born=dt.date(1980, 2, 2), 出生日期="1980-02-03"), person(105, 政治面貌="未知")]
        response = self.client.post(IMPORT, {"file": upload(xlsx_bytes(bad))})
        page = response.content.decode()
        self.assertLess(page.index("第3行 出生日期"), page.index("第4行 政治面貌"))

    def test_an_identical_file_is_all_unchanged(self):
        """Export the roster and import it back: nothing to update."""
        for _n in range(3):
            CadreFactory(section=self.office, hire_date=dt.date(2025, 9, 1), probation_end=dt.date(2026, 8, 31))
        exported = self.client.get(EXPORT).content
        response = self.client.post(IMPORT, {"file": upload(exported)})
        self.assertContains(response, 'data-count="updated">0<')
        self.assertContains(response, f'data-count="unchanged">{Cadre.objects.count()}<')
        self.assertNotContains(response, "名册中已有干部的变更内容")

    def test_confirm_checks_the_file_again(self):
        self.client.post(IMPORT, {"file": upload(xlsx_bytes([person(101)]))})
        token = self.client.session[SESSION_KEY]["token"]
        # The server's copy is the only truth: a file changed behind the preview is checked again.
        (pending_dir() / f"{token}.xlsx").write_bytes(xlsx_bytes([person(101, 政治面貌="未知")]))
        response = self.client.post(CONFIRM)
        self.assertContains(response, "第2行 政治面貌", status_code=400)
        self.assertEqual(Cadre.objects.count(), 2)

    def test_confirm_without_a_pending_upload(self):
        response = self.client.post(CONFIRM, follow=True)
        self.assertRedirects(response, IMPORT)
        self.assertContains(response, "上传的文件已失效")

    def test_confirm_by_another_admin_is_refused(self):
        self.client.post(IMPORT, {"file": upload(xlsx_bytes([person(101)]))})
        session = self.client.session
        session[SESSION_KEY] = {**session[SESSION_KEY], "user": self.sysadmin.pk}
        session.save()
        response = self.client.post(CONFIRM)
        self.assertRedirects(response, IMPORT, fetch_redirect_response=False)
        self.assertEqual(Cadre.objects.count(), 2)

    def test_refused_files_get_a_clear_message(self):
        good = xlsx_bytes([person(1)])
        entity = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>"""
        cases = [
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 .xls"),
            ("姓名,身份证号".encode(), "该文件不是 Excel 文件"),
            (replace_member(good, "xl/vbaProject.bin", b"\0" * 64), "不接受含宏的工作簿"),
            (replace_member(good, "xl/media/pad.bin", b"\0" * 5_000_000), "为安全起见已拒绝"),
            (replace_member(good, "xl/worksheets/sheet1.xml", entity), "含有不允许的 XML 结构"),
        ]
        for data, text in cases:
            with self.subTest(text=text):
                response = self.client.post(IMPORT, {"file": upload(data)})
                self.assertContains(response, text, status_code=400)
        self.assertEqual(list(pending_dir().glob("*.xlsx")), [])

    @override_settings(GANXUN={**settings.GANXUN, "IMPORT_MAX_BYTES": 1000, "IMPORT_MAX_ROWS": 10})
    def test_too_big_is_stopped_while_uploading(self):
        response = self.client.post(IMPORT, {"file": upload(xlsx_bytes([person(1)]))})
        self.assertContains(response, "MB 的上限", status_code=400)
        self.assertEqual(list(pending_dir().glob("*")), [])

    @override_settings(GANXUN={**settings.GANXUN, "IMPORT_MAX_ROWS": 2})
    def test_too_many_rows(self):
        response = self.client.post(IMPORT, {"file": upload(xlsx_bytes([person(1), person(2), person(3)]))})
        self.assertContains(response, "文件超过 2 行", status_code=400)

    def test_csrf_is_still_checked(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.admin)
        self.assertEqual(client.post(IMPORT, {"file": upload(xlsx_bytes([person(1)]))}).status_code, 403)
        page = client.get(IMPORT)
        token = page.context["csrf_token"]
        response = client.post(IMPORT, {"file": upload(xlsx_bytes([person(1)])), "csrfmiddlewaretoken": token})
        self.assertContains(response, 'data-count="created">1<')

    def test_template(self):
        response = self.client.get(TEMPLATE)
        self.assertIn("filename*=utf-8''", response["Content-Disposition"])
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames, ["干部名册", "填写说明"])
        header = [c.value for c in workbook["干部名册"][1]]
        self.assertEqual(header[:5], ["姓名*", "身份证号*", "性别", "出生日期", "科室*"])
        self.assertEqual(workbook["干部名册"]["B2"].number_format, "@")
        notes = " ".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value)
        self.assertIn("一级主任科员", notes)
        self.assertIn("中共预备党员", notes)
        self.assertIn("1985年3月", notes)

    def test_the_template_imports_cleanly_once_filled(self):
        workbook = load_workbook(io.BytesIO(self.client.get(TEMPLATE).content))
        example = workbook["填写说明"]
        sheet = workbook["干部名册"]
        sheet.append([c.value for c in example[3]])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = self.client.post(IMPORT, {"file": upload(buffer.getvalue())})
        self.assertContains(response, 'data-count="created">1<')
        self.assertContains(response, 'data-count="errors">0<')


class PermissionTests(RoleUsers, TestCase):
    def test_only_admins_import(self):
        for user in (self.head, self.cadre_user):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(IMPORT).status_code, 403)
                self.assertEqual(self.client.post(IMPORT, {"file": upload(xlsx_bytes([person(1)]))}).status_code, 403)
                self.assertEqual(self.client.post(CONFIRM).status_code, 403)
                self.assertEqual(self.client.get(TEMPLATE).status_code, 403)
        self.client.force_login(self.sysadmin)
        self.assertEqual(self.client.get(IMPORT).status_code, 200)

    def test_cadres_do_not_export(self):
        self.client.force_login(self.cadre_user)
        self.assertEqual(self.client.get(EXPORT).status_code, 403)

    def test_anonymous_is_sent_to_login(self):
        self.assertEqual(self.client.get(EXPORT).status_code, 302)


def exported(response):
    workbook = load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in row] for row in workbook.active.iter_rows()]
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


class ExportTests(RoleUsers, TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.backbone = TagFactory(name="业务骨干")
        cls.formula = CadreFactory(
            name="=HYPERLINK(1)", section=cls.office, post="+1", party_branch="@x", phone="13912345678"
        )
        cls.formula.tags.add(cls.backbone)
        cls.member = CadreFactory(name="李党员", section=cls.housing, political_status=PoliticalStatus.CPC_MEMBER)
        cls.retired = CadreFactory(name="王退休", section=cls.office, status=Status.RETIRED)

    def test_admin_gets_full_numbers_and_neutralised_cells(self):
        self.client.force_login(self.admin)
        response = self.client.get(EXPORT)
        self.assertRegex(
            response["Content-Disposition"], r"filename\*=utf-8''%E5%B9%B2%E9%83%A8%E5%90%8D%E5%86%8C_\d{8}\.xlsx"
        )
        rows = {r["身份证号"]: r for r in exported(response)}
        row = rows[self.formula.id_number]
        self.assertEqual((row["姓名"], row["职务"], row["党支部"]), ("'=HYPERLINK(1)", "'+1", "'@x"))
        self.assertEqual(row["手机"], "13912345678")
        self.assertEqual(row["标签"], "业务骨干")
        self.assertEqual(row["干部层级"], "乡科级及以下")
        self.assertIsInstance(row["出生日期"], dt.datetime)
        self.assertNotIn(self.retired.id_number, rows)  # the list shows cadres in post by default

    def test_section_head_sees_own_section_masked(self):
        self.client.force_login(self.head)
        rows = exported(self.client.get(EXPORT))
        self.assertEqual({r["科室"] for r in rows}, {"住房保障科"})
        self.assertEqual(len(rows), 2)
        for row in rows:
            self.assertIn("********", row["身份证号"])
            self.assertIn("****", row["手机"])

    def test_filters_are_honoured(self):
        self.client.force_login(self.admin)
        cases = {
            f"?section={self.office.pk}": {self.formula.name, self.cadre_user.cadre.name},
            "?political_status=cpc_member": {"李党员"},
            "?group=party_member": {"李党员"},
            f"?tag={self.backbone.pk}": {self.formula.name},
            "?q=李党": {"李党员"},
            f"?status=retired&section={self.office.pk}": {"王退休"},
        }
        for query, names in cases.items():
            with self.subTest(query=query):
                rows = exported(self.client.get(EXPORT + query))
                self.assertEqual({r["姓名"].lstrip("'") for r in rows}, names)
        everyone = exported(self.client.get(EXPORT + "?status=all"))
        self.assertEqual(len(everyone), Cadre.objects.count())

    def test_query_count_does_not_grow_with_rows(self):
        self.client.force_login(self.admin)
        # Session and user, the count and the audit event of an export with full numbers, the cadres with
        # their sections, their tags (reading saves no session).
        with self.assertNumQueries(6) as first:
            self.client.get(EXPORT)
        for _ in range(20):
            CadreFactory(section=self.office).tags.add(self.backbone)
        with self.assertNumQueries(len(first.captured_queries)):
            rows = exported(self.client.get(EXPORT))
        self.assertEqual(len(rows), 24)

    def test_an_admin_can_edit_an_export_and_import_it_again(self):
        self.client.force_login(self.admin)
        workbook = load_workbook(io.BytesIO(self.client.get(EXPORT + f"?section={self.housing.pk}").content))
        sheet = workbook.active
        sheet.cell(row=2, column=6, value="副科长")
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = self.client.post(IMPORT, {"file": upload(buffer.getvalue(), "导出.xlsx")})
        self.assertContains(response, 'data-count="updated">1<')
        self.assertContains(response, 'data-count="unchanged">1<')
        self.assertContains(response, "干部层级")  # listed as ignored
