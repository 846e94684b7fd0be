"""Self-reports through HTTP: the phone form with its limits, the queues, the review and decision steps."""

import datetime as dt
import shutil
import tempfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.hours.forms import EVIDENCE_MAX_BYTES
from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source
from ganxun.roster.models import LeadershipLevel
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .factories import SelfReportFactory

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MEDIA = tempfile.mkdtemp(prefix="ganxun-selfreport-")


@override_settings(MEDIA_ROOT=MEDIA)
class SelfReportViewTests(TestCase):
    CREATE = reverse("hours:self_report_create")
    QUEUE = reverse("hours:self_report_queue")

    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="旧区改造科")
        cls.other = SectionFactory(name="住房保障科")
        cls.cadre = CadreFactory(section=cls.section, name="李小红")
        cls.peer = CadreFactory(section=cls.section, name="张三")
        cls.head_cadre = CadreFactory(
            section=cls.section, name="王科长", leadership_level=LeadershipLevel.SECTION_CHIEF
        )
        cls.user = UserFactory(username="li", role=Role.CADRE, cadre=cls.cadre)
        cls.peer_user = UserFactory(username="zhang", role=Role.CADRE, cadre=cls.peer)
        cls.head = UserFactory(username="wang", role=Role.SECTION_HEAD, cadre=cls.head_cadre)
        cls.other_head = UserFactory(username="zhao", role=Role.SECTION_HEAD, cadre=CadreFactory(section=cls.other))
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def form_data(self, **changes):
        data = {
            "date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
            "hours": "2.5",
            "bucket": Bucket.SELF_STUDY,
            "title": "学习《上海市住宅物业管理规定》",
            "evidence": "读书笔记四页",
            "witness": "王科长",
        }
        data.update(changes)
        return data

    def report(self, **fields):
        return SelfReportFactory(cadre=self.cadre, date=timezone.localdate(), **fields)

    # --- the cadre's form -----------------------------------------------------------------------
    def test_a_cadre_submits_with_a_pdf(self):
        self.client.force_login(self.user)
        self.assertContains(self.client.get(self.CREATE), 'enctype="multipart/form-data"')
        upload = SimpleUploadedFile("../../证书.PDF", PDF, content_type="application/pdf")
        response = self.client.post(self.CREATE, self.form_data(evidence_file=upload))
        self.assertRedirects(response, reverse("hours:my_learning"))
        entry = LedgerEntry.objects.get()
        self.assertEqual(
            (entry.cadre, entry.source, entry.status), (self.cadre, Source.SELF_REPORT, EntryStatus.PENDING)
        )
        self.assertEqual((entry.hours, entry.witness), (D("2.5"), "王科长"))
        self.assertRegex(entry.evidence_file.name, r"^evidence/\d{4}/[0-9a-f]{32}\.pdf$")
        with entry.evidence_file.open("rb") as stored:
            self.assertEqual(stored.read(), PDF)
        self.assertTrue(AuditEvent.objects.filter(object_type="ledgerentry", action=Action.CREATE).exists())

    def test_bad_input_is_named_field_by_field_and_nothing_is_written(self):
        self.client.force_login(self.user)
        cases = {
            "date": (
                self.form_data(date=(timezone.localdate() + dt.timedelta(days=1)).isoformat()),
                "日期不能晚于今天。",
            ),
            "hours": (self.form_data(hours="2.3"), "学时须以 0.5 为单位申报。"),
            "witness": (self.form_data(witness=""), "这个字段是必填项。"),
            "evidence_file": (
                self.form_data(evidence_file=SimpleUploadedFile("scan.pdf", PNG)),
                "文件内容与其格式（pdf）不符，请上传真实的文件。",
            ),
        }
        for field, (data, message) in cases.items():
            with self.subTest(field=field):
                response = self.client.post(self.CREATE, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.context["form"].errors[field])
                self.assertContains(response, message)
        self.assertFalse(LedgerEntry.objects.exists())

    def test_file_type_and_size_limits(self):
        self.client.force_login(self.user)
        exe = SimpleUploadedFile("virus.exe", b"MZ" + b"\x00" * 10)
        response = self.client.post(self.CREATE, self.form_data(evidence_file=exe))
        self.assertIn("证明材料只接受 PDF、JPG、PNG 格式的文件。", response.context["form"].errors["evidence_file"])
        big = SimpleUploadedFile("big.png", PNG + b"\x00" * EVIDENCE_MAX_BYTES)
        response = self.client.post(self.CREATE, self.form_data(evidence_file=big))
        self.assertEqual(response.context["form"].errors["evidence_file"], ["文件大小为 5.1 MB，超过了 5 MB 的上限。"])
        self.assertFalse(LedgerEntry.objects.exists())

    def test_an_account_without_a_cadre_cannot_report(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.CREATE).status_code, 403)

    # --- queues ----------------------------------------------------------------------------------
    def test_the_section_head_sees_the_pending_reports_of_their_section(self):
        mine = self.report()
        SelfReportFactory(cadre=CadreFactory(section=self.other))
        self.client.force_login(self.head)
        response = self.client.get(self.QUEUE)
        self.assertEqual(list(response.context["page"]), [mine])
        self.client.force_login(self.admin)
        self.assertEqual(list(self.client.get(self.QUEUE).context["page"]), [])  # 住房保障科 has a head too

    def test_the_queue_is_not_for_cadres(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(self.QUEUE).status_code, 403)

    def test_the_queue_has_a_constant_number_of_queries(self):
        self.report(status=EntryStatus.SECTION_APPROVED)
        self.client.force_login(self.admin)
        with self.assertNumQueries(4):
            self.client.get(self.QUEUE)
        for _ in range(5):
            self.report(status=EntryStatus.SECTION_APPROVED)
        with self.assertNumQueries(4):
            self.client.get(self.QUEUE)

    # --- a report's page and the steps -----------------------------------------------------------
    def test_who_may_open_a_report(self):
        entry = self.report()
        url = reverse("hours:self_report_detail", args=[entry.pk])
        for user, expected in (
            (self.user, 200),
            (self.head, 200),
            (self.admin, 200),
            (self.peer_user, 404),
            (self.other_head, 404),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).status_code, expected)

    def test_the_review_form_shows_to_whoever_holds_the_report(self):
        entry = self.report()
        url = reverse("hours:self_report_detail", args=[entry.pk])
        self.client.force_login(self.head)
        self.assertEqual(self.client.get(url).context["stage"], "section")
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(url).context["stage"], "")
        self.client.force_login(self.user)
        self.assertNotContains(self.client.get(url), 'name="decision"')

    def test_the_two_steps_through_http(self):
        entry = self.report()
        url = reverse("hours:self_report_review", args=[entry.pk])
        self.client.force_login(self.head)
        self.assertRedirects(self.client.post(url, {"decision": "approve"}), self.QUEUE)
        entry.refresh_from_db()
        self.assertEqual(entry.status, EntryStatus.SECTION_APPROVED)
        self.client.force_login(self.admin)
        self.assertRedirects(self.client.post(url, {"decision": "approve"}), self.QUEUE)
        entry.refresh_from_db()
        self.assertEqual((entry.status, entry.decided_by), (EntryStatus.CONFIRMED, self.admin))
        page = self.client.get(reverse("hours:self_report_detail", args=[entry.pk]))
        self.assertContains(page, "科室负责人审核通过学时申报")  # the audit trail, for admins
        self.assertContains(page, "学时申报已确认")

    def test_rejecting_needs_a_reason(self):
        entry = self.report()
        url = reverse("hours:self_report_review", args=[entry.pk])
        self.client.force_login(self.head)
        response = self.client.post(url, {"decision": "reject", "reason": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请填写退回原因。", status_code=400)
        entry.refresh_from_db()
        self.assertEqual(entry.status, EntryStatus.PENDING)
        self.client.post(url, {"decision": "reject", "reason": "证明人不是本科室人员"})
        entry.refresh_from_db()
        self.assertEqual((entry.status, entry.reason), (EntryStatus.REJECTED, "证明人不是本科室人员"))

    def test_those_not_holding_the_report_cannot_take_a_step(self):
        entry = self.report()
        url = reverse("hours:self_report_review", args=[entry.pk])
        for user, expected in ((self.user, 403), (self.admin, 403), (self.peer_user, 404), (self.other_head, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(url, {"decision": "approve"}).status_code, expected)
        entry.refresh_from_db()
        self.assertEqual(entry.status, EntryStatus.PENDING)
