"""Each entry holds a real reference to the record it was counted from, and that record cannot be deleted."""

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.attendance.services import attendance_set
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import EntryStatus, LedgerEntry, OutsideClass, Source
from ganxun.hours.services import (
    ledger_record,
    ledger_withdraw_source,
    outside_class_add_participants,
    outside_class_create,
)
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus, Session
from ganxun.training.services import session_delete
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from .factories import SelfReportFactory

D = Decimal


class SourceReferenceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="src_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.cadre = CadreFactory(name="李小红")
        cls.cadre_user = UserFactory(username="src_li", role=Role.CADRE, cadre=cls.cadre)
        cls.activity = ActivityFactory(title="物业管理专题讲座", kind__name="月末讲坛")
        cls.session = SessionFactory(
            activity=cls.activity, date=dt.date(2026, 3, 2), start_time=dt.time(9), end_time=dt.time(11)
        )
        EnrolmentFactory(activity=cls.activity, cadre=cls.cadre)
        cls.outside = outside_class_create(
            actor=cls.admin,
            title="区委党校中青班",
            organiser="区委党校",
            start_date=dt.date(2026, 4, 7),
            end_date=dt.date(2026, 4, 8),
            hours=D(16),
            bucket="centralised",
        )

    def present(self):
        return attendance_set(
            actor=self.admin,
            session=self.session,
            cadre=self.cadre,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.MANUAL,
        )

    def test_an_attended_session_is_the_entrys_source_object(self):
        self.present()
        entry = LedgerEntry.objects.get(cadre=self.cadre, source=Source.SESSION)
        self.assertEqual(entry.source_type, ContentType.objects.get_for_model(Session))
        self.assertEqual(entry.source_object, self.session)
        self.assertEqual(entry.source_url(), self.session.get_absolute_url())

    def test_an_outside_class_is_the_entrys_source_object(self):
        (entry,) = outside_class_add_participants(actor=self.admin, outside_class=self.outside, cadres=[self.cadre])
        entry.refresh_from_db()
        self.assertEqual(entry.source_object, self.outside)
        self.assertEqual(entry.source_url(), self.outside.get_absolute_url())

    def test_an_entry_written_before_the_reference_gets_it_when_written_again(self):
        entry = ledger_record(
            actor=self.admin,
            cadre=self.cadre,
            date=self.session.date,
            hours=D(2),
            bucket="centralised",
            source=Source.SESSION,
            source_id=self.session.pk,
            title="t",
        )
        LedgerEntry.objects.filter(pk=entry.pk).update(source_type=None)
        ledger_record(
            actor=self.admin,
            cadre=self.cadre,
            date=self.session.date,
            hours=D(2),
            bucket="centralised",
            source=Source.SESSION,
            source_id=self.session.pk,
            title="t",
        )
        entry.refresh_from_db()
        self.assertEqual(entry.source_object, self.session)

    def test_a_self_report_is_its_own_record(self):
        report = SelfReportFactory(cadre=self.cadre)
        self.assertIsNone(report.source_type)
        self.assertEqual(report.source_url(), reverse("hours:self_report_detail", args=[report.pk]))

    def test_a_session_with_counted_hours_cannot_be_deleted(self):
        self.present()
        with self.assertRaises(ProtectedError), transaction.atomic():
            Session.objects.get(pk=self.session.pk).delete()
        with self.assertRaises(ProtectedError), transaction.atomic():  # nor through its activity
            self.activity.delete()
        self.assertTrue(Session.objects.filter(pk=self.session.pk).exists())

    def test_the_service_refuses_removing_a_session_hours_were_counted_from(self):
        ledger_record(
            actor=self.admin,
            cadre=self.cadre,
            date=self.session.date,
            hours=D(2),
            bucket="centralised",
            source=Source.SESSION,
            source_id=self.session.pk,
            title="t",
        )
        with self.assertRaises(ValidationError) as caught:
            session_delete(actor=self.admin, session=self.session)
        self.assertIn("已计入学时", caught.exception.messages[0])

    def test_a_session_without_entries_can_still_be_deleted(self):
        spare = SessionFactory(activity=self.activity, date=dt.date(2026, 3, 9))
        session_delete(actor=self.admin, session=spare)
        self.assertFalse(Session.objects.filter(pk=spare.pk).exists())

    def test_an_outside_class_with_entries_cannot_be_deleted(self):
        outside_class_add_participants(actor=self.admin, outside_class=self.outside, cadres=[self.cadre])
        with self.assertRaises(ProtectedError), transaction.atomic():
            OutsideClass.objects.get(pk=self.outside.pk).delete()

    def test_withdrawing_a_source_rejects_its_entries_with_the_reason_audited(self):
        other = CadreFactory()
        outside_class_add_participants(actor=self.admin, outside_class=self.outside, cadres=[self.cadre, other])
        events = AuditEvent.objects.count()
        with self.assertRaises(ValidationError):
            ledger_withdraw_source(actor=self.admin, source_object=self.outside, reason=" ")
        withdrawn = ledger_withdraw_source(actor=self.admin, source_object=self.outside, reason="班次取消")
        self.assertEqual(len(withdrawn), 2)
        for entry in LedgerEntry.objects.filter(source=Source.OUTSIDE_CLASS):
            self.assertEqual((entry.status, entry.reason), (EntryStatus.REJECTED, "班次取消"))
        self.assertEqual(AuditEvent.objects.count(), events + 2)
        self.assertEqual(ledger_withdraw_source(actor=self.admin, source_object=self.outside, reason="再次"), [])


class ArchiveLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="arc_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.cadre = CadreFactory(name="李小红")
        cls.cadre_user = UserFactory(username="arc_li", role=Role.CADRE, cadre=cls.cadre)
        cls.activity = ActivityFactory(title="物业管理专题讲座", kind__name="月末讲坛")
        cls.session = SessionFactory(activity=cls.activity, date=dt.date(2026, 3, 2))
        EnrolmentFactory(activity=cls.activity, cadre=cls.cadre)
        attendance_set(
            actor=cls.admin,
            session=cls.session,
            cadre=cls.cadre,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.MANUAL,
        )
        cls.outside = outside_class_create(
            actor=cls.admin,
            title="区委党校中青班",
            organiser="区委党校",
            start_date=dt.date(2026, 4, 7),
            end_date=dt.date(2026, 4, 8),
            hours=D(16),
            bucket="centralised",
        )
        outside_class_add_participants(actor=cls.admin, outside_class=cls.outside, cadres=[cls.cadre])
        cls.report = SelfReportFactory(
            cadre=cls.cadre, date=dt.date(2026, 5, 1), status=EntryStatus.CONFIRMED, title="自学条例"
        )
        cls.url = reverse("hours:cadre_archive", args=[cls.cadre.pk]) + "?year=2026"

    def test_every_row_links_to_its_record(self):
        self.client.force_login(self.admin)
        page = self.client.get(self.url).content.decode()
        self.assertIn(f'href="{self.activity.get_absolute_url()}"', page)
        self.assertIn(f'href="{self.session.get_absolute_url()}"', page)
        self.assertIn(f'href="{self.outside.get_absolute_url()}"', page)
        self.assertIn(f'href="{reverse("hours:self_report_detail", args=[self.report.pk])}"', page)

    def test_the_cadre_gets_no_link_to_an_administrators_page(self):
        self.client.force_login(self.cadre_user)
        page = self.client.get(self.url).content.decode()
        self.assertIn(f'href="{self.session.get_absolute_url()}"', page)
        self.assertIn(f'href="{reverse("hours:self_report_detail", args=[self.report.pk])}"', page)
        self.assertNotIn(f'href="{self.outside.get_absolute_url()}"', page)
