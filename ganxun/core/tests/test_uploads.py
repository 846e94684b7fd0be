"""Every upload stops being kept when it passes its view's limit, while it arrives, with a Chinese message."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import RequestFactory, TestCase, override_settings
from django.urls import resolve, reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.core.excel import UploadLimitHandler, upload_limit_for
from ganxun.hours.models import Bucket, LedgerEntry
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.workbooks import person, xlsx_bytes
from ganxun.training.models import Material
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

MB = 1024 * 1024


class Recorder(FileUploadHandler):
    """Stands behind the limit, where the handlers that keep a file stand, and counts what reaches them."""

    received: list[int] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        Recorder.received.append(0)

    def receive_data_chunk(self, raw_data, start):
        Recorder.received[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


HANDLERS = [
    "ganxun.core.excel.UploadLimitHandler",
    "ganxun.core.tests.test_uploads.Recorder",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


@override_settings(FILE_UPLOAD_HANDLERS=HANDLERS)
class UploadLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = SectionFactory(name="办公室")
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        cls.cadre = CadreFactory(section=cls.office, name="李小红")
        cls.cadre_user = UserFactory(username="li", role=Role.CADRE, cadre=cls.cadre)
        cls.activity = ActivityFactory(title="住房保障业务培训班")
        cls.session = SessionFactory(activity=cls.activity, date=dt.date(2026, 4, 8))
        EnrolmentFactory(activity=cls.activity, cadre=cls.cadre)

    def setUp(self):
        Recorder.received = []
        var_dir = Path(tempfile.mkdtemp(prefix="ganxun-uploads-"))
        self.addCleanup(shutil.rmtree, var_dir, ignore_errors=True)
        self.enterContext(override_settings(VAR_DIR=var_dir, MEDIA_ROOT=var_dir / "media"))
        self.var_dir = var_dir

    def kept_files(self) -> list[Path]:
        return [p for p in self.var_dir.rglob("*") if p.is_file()]

    def assert_kept_at_most(self, limit: int) -> None:
        """Nothing past the limit reached a handler that keeps files (the chunk that crosses it is dropped whole)."""
        self.assertEqual(len(Recorder.received), 1)
        self.assertLessEqual(Recorder.received[0], limit)

    def limits(self, **values):
        return override_settings(GANXUN={**settings.GANXUN, **values})

    # --- the roster import, at the limit and either side --------------------------------------

    def test_roster_import_at_the_limit_and_either_side(self):
        self.client.force_login(self.admin)
        data = xlsx_bytes([person(1)])
        url = reverse("roster:cadre_import")
        with self.limits(IMPORT_MAX_BYTES=len(data)):
            response = self.client.post(url, {"file": SimpleUploadedFile("名册.xlsx", data)})
        self.assertContains(response, 'data-count="created">1<')
        self.assertEqual(Recorder.received, [len(data)])
        waiting = self.kept_files()  # the accepted file, waiting for its confirmation
        self.assertEqual(len(waiting), 1)
        Recorder.received = []
        with self.limits(IMPORT_MAX_BYTES=len(data) - 1):
            response = self.client.post(url, {"file": SimpleUploadedFile("名册.xlsx", data)})
        self.assertContains(response, "超过了 0 MB 的上限", status_code=400)
        self.assert_kept_at_most(len(data) - 1)
        self.assertEqual(self.kept_files(), waiting)  # the refused upload left nothing, and the earlier one waits

    def test_a_request_announcing_far_more_keeps_nothing_from_the_first_byte(self):
        self.client.force_login(self.admin)
        # Beyond the limit and all the form fields a request may carry besides (DATA_UPLOAD_MAX_MEMORY_SIZE).
        big = b"PK\x03\x04" + b"\0" * (4 * MB)
        with self.limits(IMPORT_MAX_BYTES=MB):
            response = self.client.post(reverse("roster:cadre_import"), {"file": SimpleUploadedFile("大.xlsx", big)})
        self.assertContains(response, "文件大小为 4.0 MB，超过了 1 MB 的上限", status_code=400)
        self.assertEqual(Recorder.received, [0])
        self.assertEqual(self.kept_files(), [])

    # --- the attendance imports -----------------------------------------------------------------

    def test_attendance_imports(self):
        self.client.force_login(self.admin)
        data = xlsx_bytes([["李小红", self.cadre.id_number[-4:], "出席"]], ("姓名", "身份证后四位", "出勤"))
        for url in (
            reverse("attendance:session_import", args=[self.session.pk]),
            reverse("attendance:activity_import", args=[self.activity.pk]),
        ):
            with self.subTest(url=url):
                Recorder.received = []
                with self.limits(IMPORT_MAX_BYTES=len(data)):
                    ok = self.client.post(url, {"file": SimpleUploadedFile("出勤.xlsx", data)})
                self.assertEqual(ok.status_code, 200, ok.content.decode()[:500])
                Recorder.received = []
                with self.limits(IMPORT_MAX_BYTES=len(data) - 1):
                    refused = self.client.post(url, {"file": SimpleUploadedFile("出勤.xlsx", data)})
                self.assertContains(refused, "MB 的上限", status_code=400)
                self.assert_kept_at_most(len(data) - 1)

    # --- materials and evidence, which are not imports ----------------------------------------

    def test_materials(self):
        self.client.force_login(self.admin)
        url = reverse("training:material_create", args=[self.activity.pk])
        view = resolve(url).func
        self.assertEqual(upload_limit_for(mock.Mock(resolver_match=resolve(url))), 20 * MB)
        content = b"%PDF-1.4\n" + b"0" * (MB - 9)
        with (
            mock.patch.object(view, "upload_max_bytes", MB),
            mock.patch("ganxun.training.services.activities.MATERIAL_MAX_BYTES", MB),
        ):
            ok = self.client.post(url, {"file": SimpleUploadedFile("讲稿.pdf", content)})
            self.assertEqual(ok.status_code, 302)
            refused = self.client.post(url, {"file": SimpleUploadedFile("讲稿2.pdf", content + b"0")})
        self.assertContains(refused, "文件超过1 MB", status_code=400)
        self.assertEqual(Recorder.received[0], MB)
        self.assertLessEqual(Recorder.received[1], MB)
        self.assertEqual(list(Material.objects.values_list("name", flat=True)), ["讲稿.pdf"])

    def test_evidence_files(self):
        self.client.force_login(self.cadre_user)
        url = reverse("hours:self_report_create")
        view = resolve(url).func
        self.assertEqual(upload_limit_for(mock.Mock(resolver_match=resolve(url))), 5 * MB)
        form = {
            "date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
            "hours": "2",
            "bucket": Bucket.SELF_STUDY,
            "title": "学习物业管理条例",
            "evidence": "读书笔记",
            "witness": "王科长",
        }
        with (
            mock.patch.object(view, "upload_max_bytes", MB),
            mock.patch("ganxun.hours.forms.EVIDENCE_MAX_BYTES", MB),
        ):
            big = b"%PDF-1.4\n" + b"0" * MB
            refused = self.client.post(url, {**form, "evidence_file": SimpleUploadedFile("证书.pdf", big)})
        self.assertContains(refused, "超过了 1 MB 的上限")
        self.assert_kept_at_most(MB)
        self.assertFalse(LedgerEntry.objects.exists())
        self.assertEqual(self.kept_files(), [])

    # --- any other view -------------------------------------------------------------------------

    def test_a_view_without_a_declared_limit_gets_the_default(self):
        request = RequestFactory().post("/")
        request.resolver_match = resolve(reverse("roster:cadre_create"))
        self.assertEqual(UploadLimitHandler(request).limit, settings.GANXUN["UPLOAD_MAX_BYTES"])
        request.resolver_match = None  # a request read before its URL is resolved
        with self.limits(UPLOAD_MAX_BYTES=1234):
            self.assertEqual(UploadLimitHandler(request).limit, 1234)

    def test_every_upload_form_declares_its_limit(self):
        declared = {
            reverse("roster:cadre_import"): settings.GANXUN["IMPORT_MAX_BYTES"],
            reverse("attendance:session_import", args=[self.session.pk]): settings.GANXUN["IMPORT_MAX_BYTES"],
            reverse("attendance:activity_import", args=[self.activity.pk]): settings.GANXUN["IMPORT_MAX_BYTES"],
            reverse("training:material_create", args=[self.activity.pk]): 20 * MB,
            reverse("hours:self_report_create"): 5 * MB,
        }
        for url, limit in declared.items():
            with self.subTest(url=url):
                self.assertTrue(hasattr(resolve(url).func, "upload_max_bytes"))
                self.assertEqual(upload_limit_for(mock.Mock(resolver_match=resolve(url))), limit)
