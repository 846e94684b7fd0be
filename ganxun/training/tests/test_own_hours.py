"""Nobody decides on their own hours: an administrator's own attendance, session hours and lecturer credit."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.attendance.models import Attendance
from ganxun.attendance.services import attendance_set
from ganxun.core.tests.editing import as_opened
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from ..models import AttendanceMethod, AttendanceStatus
from ..services import lecturer_add, session_create, session_update

OWN = "不能办理本人的学时，请由其他管理员办理。"


class OwnAttendanceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin_cadre = CadreFactory(name="周管理")
        cls.admin = UserFactory(username="zhou", role=Role.TRAINING_ADMIN, cadre=cls.admin_cadre)
        cls.other_admin = UserFactory(username="sys", role=Role.SYSTEM_ADMIN, cadre=None)
        cls.colleague = CadreFactory(name="李同事")
        cls.activity = ActivityFactory(kind__name="党课", title="党课：学习二十届四中全会精神")
        cls.session = SessionFactory(activity=cls.activity, date=dt.date(2026, 3, 2))
        for cadre in (cls.admin_cadre, cls.colleague):
            EnrolmentFactory(activity=cls.activity, cadre=cadre)

    def test_an_administrator_cannot_mark_their_own_attendance(self):
        for method in (AttendanceMethod.MANUAL, AttendanceMethod.IMPORT):
            with self.assertRaisesMessage(ValidationError, OWN):
                attendance_set(
                    actor=self.admin,
                    session=self.session,
                    cadre=self.admin_cadre,
                    status=AttendanceStatus.PRESENT,
                    method=method,
                )
        self.assertFalse(Attendance.objects.filter(cadre=self.admin_cadre).exists())
        self.assertFalse(LedgerEntry.objects.filter(cadre=self.admin_cadre).exists())

    def test_but_checks_in_by_qr_like_everyone(self):
        attendance_set(
            actor=self.admin,
            session=self.session,
            cadre=self.admin_cadre,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.QR,
        )
        entry = LedgerEntry.objects.get(cadre=self.admin_cadre, source=Source.SESSION)
        self.assertEqual(entry.status, EntryStatus.CONFIRMED)

    def test_the_sheet_refuses_the_whole_form_when_it_marks_their_own_row(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("attendance:attendance_sheet", args=[self.session.pk]),
            {
                f"status_{self.colleague.pk}": AttendanceStatus.PRESENT,
                f"status_{self.admin_cadre.pk}": AttendanceStatus.PRESENT,
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, f"周管理: {OWN}", status_code=400)
        self.assertFalse(Attendance.objects.filter(session=self.session).exists())  # nothing half-written

    def test_another_administrator_marks_it(self):
        self.client.force_login(self.other_admin)
        self.client.post(
            reverse("attendance:attendance_sheet", args=[self.session.pk]),
            {f"status_{self.admin_cadre.pk}": AttendanceStatus.PRESENT},
        )
        self.assertEqual(Attendance.objects.get(cadre=self.admin_cadre).status, AttendanceStatus.PRESENT)


class OwnSessionHoursTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin_cadre = CadreFactory(name="周管理")
        cls.admin = UserFactory(username="zhou", role=Role.TRAINING_ADMIN, cadre=cls.admin_cadre)
        cls.other_admin = UserFactory(username="sys", role=Role.SYSTEM_ADMIN, cadre=None)
        cls.activity = ActivityFactory(kind__name="党课", title="党课")
        EnrolmentFactory(activity=cls.activity, cadre=cls.admin_cadre)

    def make_session(self):
        return session_create(
            actor=self.other_admin,
            activity=self.activity,
            date=dt.date(2026, 3, 2),
            start_time=dt.time(9),
            end_time=dt.time(11),
        )

    def test_an_administrator_enrolled_cannot_set_the_hours_by_hand(self):
        with self.assertRaisesMessage(ValidationError, OWN):
            session_create(
                actor=self.admin,
                activity=self.activity,
                date=dt.date(2026, 3, 2),
                start_time=dt.time(9),
                end_time=dt.time(11),
                hours=Decimal(2),
            )
        session = self.make_session()
        with self.assertRaisesMessage(ValidationError, OWN):
            session_update(actor=self.admin, session=session, hours=Decimal("1.5"))
        session.refresh_from_db()
        self.assertEqual((session.hours, session.hours_overridden), (Decimal(2), False))

    def test_through_the_form_the_message_is_on_the_hours_field(self):
        session = self.make_session()
        self.client.force_login(self.admin)
        url = reverse("training:session_update", args=[session.pk])
        data = {"date": "2026-03-02", "start_time": "09:00", "end_time": "11:00", "hours": "1.5"}
        response = self.client.post(url, as_opened(self.client, url, data))
        self.assertEqual(response.status_code, 400)
        self.assertIn(OWN, response.context["form"].errors["hours"])

    def test_other_changes_and_going_back_to_the_rule_are_fine(self):
        session = self.make_session()
        session_update(actor=self.other_admin, session=session, hours=Decimal("1.5"))
        session_update(actor=self.admin, session=session, place="局三楼")  # the hand-set figure is kept
        session_update(actor=self.admin, session=session, hours=None)  # back to the rule
        session.refresh_from_db()
        self.assertEqual((session.hours, session.hours_overridden, session.place), (Decimal(2), False, "局三楼"))

    def test_an_administrator_cannot_add_themself_as_lecturer(self):
        with self.assertRaisesMessage(ValidationError, OWN):
            lecturer_add(actor=self.admin, activity=self.activity, cadre=self.admin_cadre)
        lecturer_add(actor=self.other_admin, activity=self.activity, cadre=self.admin_cadre)
        self.assertEqual(self.activity.lecturers.get().cadre, self.admin_cadre)
