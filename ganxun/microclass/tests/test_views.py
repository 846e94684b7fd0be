"""The 微课堂's pages through HTTP: a course created and edited (audited), a lesson uploaded within the size
limit (a file over it refused with the Chinese message, nothing stored), assignment by audience, the heartbeat
endpoint, the progress export, an internal lecturer's recording, and query budgets that do not grow with rows."""

from __future__ import annotations

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.core.tests.editing import form_data
from ganxun.roster.models import Tag
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.training.tests.factories import ActivityFactory, SessionFactory

from ..models import LECTURER_TAG, Assignment, Course, Lesson, LessonKind, LessonProgress
from .factories import AssignmentFactory, CourseFactory, LessonFactory, minimal_pdf


class AdminPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="mc_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.section = SectionFactory(name="物业管理科")
        cls.other_section = SectionFactory(name="办公室")
        cls.cadres = [CadreFactory(section=cls.section) for _ in range(3)]
        cls.elsewhere = CadreFactory(section=cls.other_section)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_a_course_is_created_and_edited_audited(self):
        response = self.client.post(
            reverse("microclass:course_create"),
            {"title": "物业管理条例", "description": "", "completion_percent": "85", "published": "on"},
        )
        course = Course.objects.get()
        self.assertRedirects(response, course.get_absolute_url())
        self.assertEqual((course.completion_percent, course.published), (85, True))
        self.assertTrue(AuditEvent.objects.filter(object_type="course", action="create").exists())
        edit = self.client.get(reverse("microclass:course_update", args=[course.pk]))
        response = self.client.post(
            reverse("microclass:course_update", args=[course.pk]), {**form_data(edit), "title": "物业管理条例解读"}
        )
        self.assertEqual(response.status_code, 302)
        event = AuditEvent.objects.filter(object_type="course", action="update").get()
        self.assertEqual(event.changes["title"], ["物业管理条例", "物业管理条例解读"])

    def test_a_share_outside_1_to_100_is_refused(self):
        for value in ("0.99", "100.01"):
            response = self.client.post(
                reverse("microclass:course_create"), {"title": "x", "completion_percent": value}
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn("completion_percent", response.context["form"].errors)
        self.assertFalse(Course.objects.exists())

    def test_a_lesson_is_uploaded_and_its_kind_follows_the_file(self):
        course = CourseFactory()
        response = self.client.post(
            reverse("microclass:lesson_create", args=[course.pk]),
            {
                "title": "第一讲",
                "upload": SimpleUploadedFile("第一讲.pdf", minimal_pdf(), content_type="application/pdf"),
                "length_seconds": "300",
            },
        )
        self.assertRedirects(response, course.get_absolute_url())
        lesson = Lesson.objects.get()
        self.assertEqual((lesson.kind, lesson.length_seconds, lesson.sort_order), (LessonKind.DOCUMENT, 300, 1))
        self.assertTrue(lesson.file.name.endswith(".pdf"))
        response = self.client.post(
            reverse("microclass:lesson_create", args=[course.pk]),
            {"title": "视频", "upload": SimpleUploadedFile("v.webm", b"\x1a\x45\xdf\xa3"), "length_seconds": "60"},
        )
        self.assertEqual(Lesson.objects.get(title="视频").kind, LessonKind.VIDEO)

    def test_a_file_that_is_no_lesson_or_too_large_is_refused(self):
        course = CourseFactory()
        url = reverse("microclass:lesson_create", args=[course.pk])
        response = self.client.post(
            url, {"title": "x", "upload": SimpleUploadedFile("x.exe", b"MZ"), "length_seconds": "60"}
        )
        self.assertIn("请上传PDF文档或视频", str(response.context["form"].errors))
        with override_settings(MICROCLASS_UPLOAD_MAX_BYTES=1024):
            response = self.client.post(
                url,
                {"title": "x", "upload": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2048), "length_seconds": "60"},
            )
        self.assertIn("的上限", str(response.context["form"].errors["upload"]))
        self.assertFalse(Lesson.objects.exists())

    def test_assignment_by_section_and_named_cadre_is_idempotent(self):
        course = CourseFactory()
        url = reverse("microclass:course_assign", args=[course.pk])
        self.client.post(url, {"sections": [self.section.pk]})
        self.assertEqual(set(Assignment.objects.values_list("cadre_id", flat=True)), {c.pk for c in self.cadres})
        self.client.post(url, {"sections": [self.section.pk], "names": self.elsewhere.name})
        self.assertEqual(Assignment.objects.count(), 4)
        self.assertEqual(Assignment.objects.get(cadre=self.elsewhere).via, "点名")
        self.assertEqual(self.client.post(url, {}).status_code, 400)

    def test_the_progress_export_lists_each_assigned_cadre(self):
        course = CourseFactory(title="导出课程")
        lesson = LessonFactory(course=course, title="第一讲", length_seconds=100)
        for cadre in self.cadres:
            AssignmentFactory(course=course, cadre=cadre)
        LessonProgress.objects.create(cadre=self.cadres[0], lesson=lesson, credited_ms=45_000)
        response = self.client.get(reverse("microclass:course_progress_export", args=[course.pk]))
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0], ("姓名", "科室", "第一讲", "已完成课时"))
        self.assertEqual(len(rows), 4)
        self.assertIn((self.cadres[0].name, "物业管理科", "45%", 0), rows)

    def test_list_and_progress_queries_do_not_grow_with_the_rows(self):
        course = CourseFactory()
        lessons = [LessonFactory(course=course) for _ in range(2)]

        def grow():
            extra = CourseFactory()
            LessonFactory(course=extra)
            cadre = CadreFactory(section=self.section)
            AssignmentFactory(course=course, cadre=cadre)
            LessonProgress.objects.create(cadre=cadre, lesson=lessons[0], credited_ms=1000)

        for name, args in (("microclass:course_list", []), ("microclass:course_progress", [course.pk])):
            grow()
            with CaptureQueriesContext(connection) as small:
                self.client.get(reverse(name, args=args))
            for _ in range(5):
                grow()
            with CaptureQueriesContext(connection) as large:
                self.client.get(reverse(name, args=args))
            self.assertEqual(len(small), len(large), name)


class CadrePagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cadre = CadreFactory()
        cls.user = UserFactory(username="mc_cadre", role=Role.CADRE, cadre=cls.cadre)
        cls.lesson = LessonFactory(length_seconds=100)
        AssignmentFactory(course=cls.lesson.course, cadre=cls.cadre)

    def setUp(self):
        self.client.force_login(self.user)

    def beat(self, token: str, seq, state="playing"):
        return self.client.post(
            reverse("microclass:viewing_beat", args=[self.lesson.pk]),
            json.dumps({"token": token, "seq": seq, "state": state, "position": 0}),
            content_type="application/json",
        )

    def test_the_player_opens_a_viewing_and_beats_are_answered(self):
        page = self.client.get(self.lesson.get_absolute_url())
        self.assertContains(page, "player-config")
        token = self.client.post(reverse("microclass:viewing_start", args=[self.lesson.pk])).json()["token"]
        first = self.beat(token, 1).json()
        self.assertEqual((first["status"], first["credited_ms"]), ("ok", 0))
        self.assertEqual(self.beat(token, 1).json()["status"], "replayed")
        self.assertEqual(self.beat("forged", 2).status_code, 404)

    def test_garbage_heartbeats_are_400(self):
        url = reverse("microclass:viewing_beat", args=[self.lesson.pk])
        token = self.client.post(reverse("microclass:viewing_start", args=[self.lesson.pk])).json()["token"]
        for body in (
            "not json",
            json.dumps({"token": token}),
            json.dumps({"token": token, "seq": "-1", "state": "playing"}),
            json.dumps({"token": token, "seq": 99999999999999999999, "state": "playing"}),
            json.dumps({"token": token, "seq": 1, "state": "rewind"}),
            json.dumps({"token": token, "seq": 1, "state": "playing", "position": "NaN"}),
        ):
            self.assertEqual(self.client.post(url, body, content_type="application/json").status_code, 400, body)

    def test_the_cadres_list_shows_their_progress(self):
        LessonProgress.objects.create(cadre=self.cadre, lesson=self.lesson, credited_ms=42_000)
        response = self.client.get(reverse("microclass:course_list"))
        self.assertContains(response, "42%")
        self.assertContains(response, "我的微课堂")
        self.assertNotContains(response, "course-table")

    def test_my_courses_queries_do_not_grow_with_the_courses(self):
        def grow():
            lesson = LessonFactory()
            LessonFactory(course=lesson.course)
            AssignmentFactory(course=lesson.course, cadre=self.cadre)
            LessonProgress.objects.create(cadre=self.cadre, lesson=lesson, credited_ms=5000)

        grow()
        with CaptureQueriesContext(connection) as small:
            self.client.get(reverse("microclass:course_list"))
        for _ in range(4):
            grow()
        with CaptureQueriesContext(connection) as large:
            response = self.client.get(reverse("microclass:course_list"))
        self.assertEqual(len(response.context["my_courses"]), 6)
        self.assertEqual(len(small), len(large))

    def test_an_unpublished_course_is_not_found(self):
        Course.objects.filter(pk=self.lesson.course_id).update(published=False)
        self.assertEqual(self.client.get(self.lesson.get_absolute_url()).status_code, 404)


class RecordingTests(TestCase):
    """An internal lecturer publishes the recording of a lecture they gave; someone else's lecture is refused."""

    @classmethod
    def setUpTestData(cls):
        from ganxun.training.models import Lecturer, SessionLecturer

        cls.cadre = CadreFactory(name="内训师甲")
        cls.cadre.tags.add(Tag.objects.create(name=LECTURER_TAG))
        cls.user = UserFactory(username="mc_lecturer", role=Role.CADRE, cadre=cls.cadre)
        activity = ActivityFactory(title="月末讲坛：物业纠纷调处")
        cls.session = SessionFactory(activity=activity)
        lecturer = Lecturer.objects.create(activity=activity, cadre=cls.cadre)
        SessionLecturer.objects.create(session=cls.session, lecturer=lecturer)
        cls.other_session = SessionFactory(activity=ActivityFactory(title="别人的讲座"))
        cls.course = CourseFactory(title="讲坛回放", open_to_lecturers=True)

    def post(self, session):
        self.client.force_login(self.user)
        return self.client.post(
            reverse("microclass:recording_create"),
            {
                "session": session.pk,
                "course": self.course.pk,
                "title": "物业纠纷调处（录像）",
                "upload": SimpleUploadedFile("rec.mp4", b"\0\0\0\x18ftypmp42"),
                "length_seconds": "1800",
            },
        )

    def test_the_lecturer_publishes_their_lectures_recording(self):
        response = self.post(self.session)
        self.assertEqual(response.status_code, 302)
        lesson = Lesson.objects.get()
        self.assertEqual((lesson.session_id, lesson.kind, lesson.course_id), (self.session.pk, "video", self.course.pk))

    def test_another_lecture_is_not_a_choice(self):
        response = self.post(self.other_session)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Lesson.objects.exists())


class LedgerPagesTests(TestCase):
    """A completed lesson's entry reads on the cadre's archive and links back to the lesson."""

    def test_the_archive_shows_the_lessons_entry(self):
        import datetime as dt

        from django.utils import timezone

        from ..services import progress_count_hours
        from .factories import lesson_rule

        cadre = CadreFactory(name="档案干部")
        lesson = LessonFactory(title="征收补偿标准")
        AssignmentFactory(course=lesson.course, cadre=cadre)
        lesson_rule(timezone.localdate().year, "0.5")
        progress = LessonProgress.objects.create(
            cadre=cadre, lesson=lesson, credited_ms=900_000, completed_at=timezone.now() - dt.timedelta(minutes=1)
        )
        entry = progress_count_hours(progress=progress)
        self.assertEqual(entry.source_url(), progress.get_absolute_url())
        self.client.force_login(UserFactory(username="mc_archive", role=Role.CADRE, cadre=cadre))
        self.assertRedirects(self.client.get(entry.source_url()), lesson.get_absolute_url())
        response = self.client.get(reverse("hours:cadre_archive", args=[cadre.pk]))
        self.assertContains(response, "微课堂：征收补偿标准")


class DeletionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="mc_admin", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_a_lesson_nobody_studied_is_deleted_with_its_file_and_audited(self):
        lesson = LessonFactory(title="第二讲")
        storage, name = lesson.file.storage, lesson.file.name
        self.assertTrue(storage.exists(name))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("microclass:lesson_delete", args=[lesson.pk]))
        self.assertRedirects(response, lesson.course.get_absolute_url(), fetch_redirect_response=False)
        self.assertFalse(Lesson.objects.filter(pk=lesson.pk).exists())
        self.assertFalse(storage.exists(name))
        self.assertTrue(AuditEvent.objects.filter(object_type="lesson", action="delete").exists())

    def test_a_studied_lesson_or_course_is_kept_with_a_message_saying_why(self):
        lesson = LessonFactory(title="第一讲")
        LessonProgress.objects.create(cadre=CadreFactory(), lesson=lesson, credited_ms=1000)
        response = self.client.post(reverse("microclass:lesson_delete", args=[lesson.pk]), follow=True)
        self.assertContains(response, "已有1人学习过")
        response = self.client.post(reverse("microclass:course_delete", args=[lesson.course.pk]), follow=True)
        self.assertContains(response, "不能删除")
        self.assertTrue(Lesson.objects.filter(pk=lesson.pk).exists())
        self.assertFalse(AuditEvent.objects.filter(action="delete").exists())

    def test_a_course_nobody_studied_is_deleted_with_its_lessons_and_assignments(self):
        course = CourseFactory(title="旧课程")
        LessonFactory(course=course)
        LessonFactory(course=course)
        AssignmentFactory(course=course, cadre=CadreFactory())
        edit = self.client.get(reverse("microclass:course_update", args=[course.pk]))
        self.assertContains(edit, reverse("microclass:course_delete", args=[course.pk]))
        response = self.client.post(reverse("microclass:course_delete", args=[course.pk]))
        self.assertRedirects(response, reverse("microclass:course_list"), fetch_redirect_response=False)
        self.assertFalse(Course.objects.exists() or Lesson.objects.exists() or Assignment.objects.exists())
        self.assertEqual(AuditEvent.objects.filter(action="delete").count(), 3)
