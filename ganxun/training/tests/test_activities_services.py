"""Activity, session, lecturer, material and kind services: hours from the rule, overrides, ledger re-sync, audit."""

import datetime as dt
import shutil
import tempfile
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import translation

from ganxun.attendance.services import attendance_set
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import ActivityKind, AttendanceMethod, AttendanceStatus, Material, TopicModule
from ganxun.training.tests.factories import ActivityFactory, SessionFactory

from ..services import (
    activity_create,
    activity_update,
    kind_update,
    lecturer_add,
    lecturer_remove,
    material_add,
    material_remove,
    session_create,
    session_delete,
    session_update,
    topic_create,
)

DAY = dt.date(2026, 4, 14)


def kind(name: str) -> ActivityKind:
    return ActivityKind.objects.get(name=name)


class SessionHoursTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(role="training_admin", cadre=None)

    def add(self, kind_name: str, start=dt.time(9), end=dt.time(11, 30), **extra):
        activity = ActivityFactory(kind=kind(kind_name))
        return session_create(actor=self.admin, activity=activity, date=DAY, start_time=start, end_time=end, **extra)

    def test_hour_unit_counts_the_length_rounded_to_half_hours(self):
        # 党课 counts by the hour; 2 h 30 = 2.5 学时, 1 h 40 rounds to the nearest half: 1.5.
        self.assertEqual(self.add("党课").hours, Decimal("2.5"))
        self.assertEqual(self.add("党课", end=dt.time(10, 40)).hours, Decimal("1.5"))

    def test_half_day_unit_is_four_whatever_the_length(self):
        session = self.add("全员培训班", end=dt.time(10))
        self.assertEqual(session.hours, Decimal(4))
        self.assertFalse(session.hours_overridden)

    def test_study_session_unit_is_three(self):
        self.assertEqual(self.add("中心组学习", end=dt.time(16)).hours, Decimal(3))

    def test_override_is_kept_and_marked(self):
        session = self.add("党课", hours=Decimal("1.5"))
        self.assertEqual(session.hours, Decimal("1.5"))
        self.assertTrue(session.hours_overridden)
        # A later change of times keeps a figure set by hand.
        session_update(actor=self.admin, session=session, end_time=dt.time(11))
        session.refresh_from_db()
        self.assertEqual(session.hours, Decimal("1.5"))
        # hours=None goes back to the rule.
        session_update(actor=self.admin, session=session, hours=None)
        session.refresh_from_db()
        self.assertEqual(session.hours, Decimal(2))
        self.assertFalse(session.hours_overridden)

    def test_changing_times_recomputes_hours_from_the_rule(self):
        session = self.add("党课")
        session_update(actor=self.admin, session=session, start_time=dt.time(14), end_time=dt.time(17))
        session.refresh_from_db()
        self.assertEqual(session.hours, Decimal(3))

    def test_end_before_start_is_refused_with_the_models_message(self):
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            self.add("党课", start=dt.time(11), end=dt.time(9))
        self.assertIn("The end time must be after the start time.", str(caught.exception))

    def test_a_year_without_conversion_rules_is_a_clear_error(self):
        activity = ActivityFactory(kind=kind("党课"))
        with self.assertRaises(ValidationError) as caught:
            session_create(
                actor=self.admin,
                activity=activity,
                date=dt.date(2031, 3, 1),
                start_time=dt.time(9),
                end_time=dt.time(10),
            )
        self.assertIn("2031", str(caught.exception))

    def test_create_and_update_are_audited(self):
        session = self.add("党课")
        session_update(actor=self.admin, session=session, place="区委党校")
        events = AuditEvent.objects.filter(object_type="session", object_id=str(session.pk))
        self.assertEqual(events.count(), 2)
        self.assertEqual(events.filter(action="update").get().changes["place"], ["", "区委党校"])

    def test_session_with_attendance_cannot_be_removed(self):
        session = self.add("党课")
        cadre = CadreFactory()
        attendance_set(
            actor=self.admin,
            session=session,
            cadre=cadre,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.MANUAL,
        )
        with self.assertRaises(ValidationError):
            session_delete(actor=self.admin, session=session)
        empty = self.add("党课")
        session_delete(actor=self.admin, session=empty)
        self.assertFalse(type(empty).objects.filter(pk=empty.pk).exists())


class LedgerResyncTests(TestCase):
    """Hours or date of a session change: the attendees' entries follow."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(role="training_admin", cadre=None)
        cls.cadre = CadreFactory()
        cls.absent = CadreFactory()

    def test_new_hours_reach_the_ledger_of_those_present(self):
        activity = ActivityFactory(kind=kind("党课"), title="党课：红色工业遗存")
        session = session_create(
            actor=self.admin, activity=activity, date=DAY, start_time=dt.time(9), end_time=dt.time(11)
        )
        for cadre, status in ((self.cadre, AttendanceStatus.PRESENT), (self.absent, AttendanceStatus.ABSENT)):
            attendance_set(
                actor=self.admin, session=session, cadre=cadre, status=status, method=AttendanceMethod.MANUAL
            )
        entry = LedgerEntry.objects.get(cadre=self.cadre, source=Source.SESSION, source_id=session.pk)
        self.assertEqual(entry.hours, Decimal(2))

        session_update(actor=self.admin, session=session, hours=Decimal("1.5"), date=DAY + dt.timedelta(days=1))
        entry.refresh_from_db()
        self.assertEqual(entry.hours, Decimal("1.5"))
        self.assertEqual(entry.date, DAY + dt.timedelta(days=1))
        self.assertEqual(entry.status, EntryStatus.CONFIRMED)
        self.assertFalse(LedgerEntry.objects.filter(cadre=self.absent, status=EntryStatus.CONFIRMED).exists())

    def test_new_title_reaches_the_ledger(self):
        activity = ActivityFactory(kind=kind("党课"), title="旧标题")
        session = session_create(
            actor=self.admin, activity=activity, date=DAY, start_time=dt.time(9), end_time=dt.time(11)
        )
        attendance_set(
            actor=self.admin,
            session=session,
            cadre=self.cadre,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.MANUAL,
        )
        activity_update(actor=self.admin, activity=activity, title="新标题")
        self.assertTrue(LedgerEntry.objects.get(cadre=self.cadre).title.startswith("新标题"))

    def test_in_a_class_a_longer_total_can_complete_a_cadre(self):
        # Two half days, one on leave: 4 of 8 missed > 1/7, not completed.  Adding five more half days makes
        # it 4 of 28 = 1/7 exactly: completed, and the attended session counts again.
        activity = ActivityFactory(kind=kind("专题培训班"))
        first = session_create(
            actor=self.admin, activity=activity, date=DAY, start_time=dt.time(9), end_time=dt.time(11, 30)
        )
        second = session_create(
            actor=self.admin, activity=activity, date=DAY, start_time=dt.time(14), end_time=dt.time(16, 30)
        )
        for session, status in ((first, AttendanceStatus.PRESENT), (second, AttendanceStatus.LEAVE)):
            attendance_set(
                actor=self.admin, session=session, cadre=self.cadre, status=status, method=AttendanceMethod.MANUAL
            )
        self.assertFalse(LedgerEntry.objects.filter(cadre=self.cadre, status=EntryStatus.CONFIRMED).exists())
        for day in range(1, 6):
            session_create(
                actor=self.admin,
                activity=activity,
                date=DAY + dt.timedelta(days=day),
                start_time=dt.time(9),
                end_time=dt.time(11, 30),
            )
        self.assertTrue(
            LedgerEntry.objects.filter(cadre=self.cadre, source_id=first.pk, status=EntryStatus.CONFIRMED).exists()
        )


class ActivityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(role="training_admin", cadre=None)

    def test_create_strips_and_audits(self):
        activity = activity_create(actor=self.admin, title="  月末讲坛：住房保障新政  ", kind=kind("月末讲坛"))
        self.assertEqual(activity.title, "月末讲坛：住房保障新政")
        self.assertEqual(activity.created_by, self.admin)
        event = AuditEvent.objects.get(object_type="activity", object_id=str(activity.pk))
        self.assertEqual(event.changes["kind"], [None, "月末讲坛"])

    def test_update_refuses_unknown_fields(self):
        activity = ActivityFactory()
        with self.assertRaises(TypeError):
            activity_update(actor=self.admin, activity=activity, created_by=None)

    def test_lecturer_from_roster_or_outside_not_both(self):
        activity = ActivityFactory()
        cadre = CadreFactory(name="王讲师")
        lecturer_add(actor=self.admin, activity=activity, cadre=cadre)
        outside = lecturer_add(actor=self.admin, activity=activity, outside_name="李教授", affiliation="同济大学")
        with self.assertRaises(ValidationError):
            lecturer_add(actor=self.admin, activity=activity, cadre=cadre, outside_name="又一个")
        with self.assertRaises(ValidationError):
            lecturer_add(actor=self.admin, activity=activity)
        lecturer_remove(actor=self.admin, lecturer=outside)
        self.assertEqual([str(lecturer) for lecturer in activity.lecturers.all()], ["王讲师"])
        last = AuditEvent.objects.filter(object_type="activity").order_by("-pk").first()
        self.assertEqual(last.changes["lecturers"], [["王讲师", "李教授"], ["王讲师"]])

    def test_kind_taken_out_of_use_is_a_status_change(self):
        lecture = kind("月末讲坛")
        kind_update(actor=self.admin, kind=lecture, is_active=False)
        event = AuditEvent.objects.get(object_type="activitykind", object_id=str(lecture.pk))
        self.assertEqual(event.action, "status")

    def test_topic_names_are_unique(self):
        topic_create(actor=self.admin, name="城市更新")
        with self.assertRaises(ValidationError):
            topic_create(actor=self.admin, name="城市更新 ")
        self.assertEqual(TopicModule.objects.filter(name="城市更新").count(), 1)


class MaterialTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(role="training_admin", cadre=None)

    def setUp(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.media = media

    def test_pdf_is_stored_under_a_random_name_and_keeps_its_display_name(self):
        activity = ActivityFactory()
        upload = SimpleUploadedFile("学习材料.pdf", b"%PDF-1.7 test", content_type="application/pdf")
        material = material_add(actor=self.admin, activity=activity, file=upload)
        self.assertEqual(material.name, "学习材料.pdf")
        self.assertNotIn("学习材料", material.file.name)
        self.assertTrue(material.file.name.startswith("materials/"))
        path = material.file.path
        self.assertTrue(path.startswith(self.media))
        material_remove(actor=self.admin, material=material)
        self.assertFalse(Material.objects.exists())

    def test_wrong_type_or_disguised_content_is_refused(self):
        activity = ActivityFactory()
        for name, content in (("run.exe", b"MZ\x90\x00"), ("fake.pdf", b"<html>"), ("slides.pptx", b"%PDF")):
            with self.subTest(name=name), self.assertRaises(ValidationError):
                material_add(actor=self.admin, activity=activity, file=SimpleUploadedFile(name, content))
        self.assertFalse(Material.objects.exists())

    def test_over_20_mb_is_refused(self):
        activity = ActivityFactory()
        big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024))
        with self.assertRaises(ValidationError) as caught:
            material_add(actor=self.admin, activity=activity, file=big)
        self.assertEqual(caught.exception.code, "size")


class SessionFactoryTests(TestCase):
    def test_factory_hours_are_the_length(self):
        self.assertEqual(SessionFactory(start_time=dt.time(9), end_time=dt.time(10, 30)).hours, Decimal("1.5"))
