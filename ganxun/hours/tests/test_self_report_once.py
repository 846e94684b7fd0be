"""A self-report is counted once: the database refuses a second live report, the service a duplicate of a report
or of something already counted (same cadre, same day, same title: hours.services.self_reports.title_key)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from ganxun.accounts.models import Role
from ganxun.attendance.services import attendance_set
from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source
from ganxun.hours.services import (
    outside_class_add_participants,
    outside_class_create,
    self_report_resubmit,
    self_report_return,
    self_report_submit,
)
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from .factories import SelfReportFactory

D = Decimal
DAY = dt.date(2026, 3, 2)
TWO = D(2)


class SelfReportOnceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="once_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.cadre = CadreFactory(name="李小红")
        cls.user = UserFactory(username="once_li", role=Role.CADRE, cadre=cls.cadre)

    def submit(self, title="自学《物业管理条例》", date=DAY, hours=TWO):
        return self_report_submit(
            actor=self.user, cadre=self.cadre, date=date, hours=hours, bucket=Bucket.SELF_STUDY, title=title
        )

    def refused(self, **kwargs) -> str:
        with self.assertRaises(ValidationError) as caught:
            self.submit(**kwargs)
        return " ".join(caught.exception.message_dict["title"])

    def test_the_database_refuses_a_second_live_report_of_the_same_day_and_title(self):
        SelfReportFactory(cadre=self.cadre, date=DAY, title="自学条例")
        with self.assertRaises(IntegrityError), transaction.atomic():
            SelfReportFactory(cadre=self.cadre, date=DAY, title="自学条例")

    def test_the_database_lets_a_rejected_report_be_made_again(self):
        SelfReportFactory(cadre=self.cadre, date=DAY, title="自学条例", status=EntryStatus.REJECTED)
        SelfReportFactory(cadre=self.cadre, date=DAY, title="自学条例")
        self.assertEqual(LedgerEntry.objects.filter(cadre=self.cadre).count(), 2)

    def test_the_service_refuses_the_same_report_again_spaces_width_and_case_aside(self):
        self.submit(title="学习 PPT 课件")
        message = self.refused(title=" 学习ｐｐｔ课件  ")
        self.assertIn("已申报", message)
        self.assertIn("学习 PPT 课件", message)

    def test_another_day_or_another_title_is_another_report(self):
        self.submit()
        self.submit(date=DAY + dt.timedelta(days=1))
        self.submit(title="自学《住房保障条例》")
        self.assertEqual(LedgerEntry.objects.filter(cadre=self.cadre).count(), 3)

    def test_a_rejected_report_may_be_reported_again(self):
        SelfReportFactory(cadre=self.cadre, date=DAY, title="自学《物业管理条例》", status=EntryStatus.REJECTED)
        self.submit()

    def test_a_returned_report_is_corrected_not_reported_again(self):
        report = self.submit()
        self_report_return(actor=self.admin, entry=report, reason="请补充笔记")
        self.assertIn("已申报", self.refused())
        # Its own correction is no duplicate of itself.
        self_report_resubmit(
            actor=self.user, entry=report, date=DAY, hours=D(2), bucket=Bucket.SELF_STUDY, title="自学《物业管理条例》"
        )

    def test_a_correction_may_not_turn_into_another_report(self):
        self.submit(title="自学甲")
        report = self.submit(title="自学乙")
        self_report_return(actor=self.admin, entry=report, reason="请修改")
        with self.assertRaises(ValidationError):
            self_report_resubmit(
                actor=self.user, entry=report, date=DAY, hours=D(2), bucket=Bucket.SELF_STUDY, title="自学甲"
            )

    def test_a_session_already_counted_cannot_be_reported(self):
        activity = ActivityFactory(title="物业管理专题讲座", kind__name="月末讲坛")
        session = SessionFactory(activity=activity, date=DAY)
        EnrolmentFactory(activity=activity, cadre=self.cadre)
        attendance_set(
            actor=self.admin,
            session=session,
            cadre=self.cadre,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.MANUAL,
        )
        message = self.refused(title="物业管理专题讲座")
        self.assertIn("计入你的学时", message)
        # Another day of the same title is not that session.
        self.submit(title="物业管理专题讲座", date=DAY + dt.timedelta(days=1))

    def test_an_attendance_withdrawn_no_longer_blocks_the_report(self):
        activity = ActivityFactory(title="物业管理专题讲座", kind__name="月末讲坛")
        session = SessionFactory(activity=activity, date=DAY)
        EnrolmentFactory(activity=activity, cadre=self.cadre)
        for status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT):
            attendance_set(
                actor=self.admin, session=session, cadre=self.cadre, status=status, method=AttendanceMethod.MANUAL
            )
        self.submit(title="物业管理专题讲座")

    def test_an_outside_class_counted_cannot_be_reported_on_any_of_its_days(self):
        outside = outside_class_create(
            actor=self.admin,
            title="区委党校中青班",
            organiser="区委党校",
            start_date=DAY,
            end_date=DAY + dt.timedelta(days=2),
            hours=D(16),
            bucket=Bucket.CENTRALISED,
        )
        outside_class_add_participants(actor=self.admin, outside_class=outside, cadres=[self.cadre])
        self.assertIn("计入你的学时", self.refused(title="区委党校中青班", date=DAY + dt.timedelta(days=1)))
        self.submit(title="区委党校中青班", date=DAY + dt.timedelta(days=3))

    def test_the_title_is_stored_tidy(self):
        report = self.submit(title="  自学   条例 ")
        self.assertEqual(report.title, "自学 条例")
        self.assertEqual(report.source, Source.SELF_REPORT)
