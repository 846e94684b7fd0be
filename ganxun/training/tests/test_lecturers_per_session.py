"""Lecturers are recorded per session: each sitting credits its own lecturers, and a sitting taught is never
also credited as attended, whatever the number of sessions."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import TestCase

from ganxun.accounts.models import Role
from ganxun.attendance.services import attendance_set
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.services import lecturer_add, lecturer_set_sessions, session_create
from ganxun.training.services.lectures import taught_sessions
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory


class ThreeSittingsTests(TestCase):
    """A class of three sittings: 徐亮 teaches the first, 王芳 the second and third; both also sit the class."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="lps_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.xu = CadreFactory(name="徐亮")
        cls.wang = CadreFactory(name="王芳")
        cls.listener = CadreFactory(name="李小红")
        cls.activity = ActivityFactory(title="物业管理实务培训班", kind__name="全员培训班")
        cls.sessions = [
            SessionFactory(
                activity=cls.activity, date=dt.date(2026, 6, 1 + day), start_time=dt.time(9), end_time=dt.time(11)
            )
            for day in range(3)
        ]
        for cadre in (cls.xu, cls.wang, cls.listener):
            EnrolmentFactory(activity=cls.activity, cadre=cadre)
        cls.xu_lecturer = lecturer_add(actor=cls.admin, activity=cls.activity, cadre=cls.xu, sessions=cls.sessions[:1])
        cls.wang_lecturer = lecturer_add(
            actor=cls.admin, activity=cls.activity, cadre=cls.wang, sessions=cls.sessions[1:]
        )

    def everyone_present(self):
        for session in self.sessions:
            for cadre in (self.xu, self.wang, self.listener):
                attendance_set(
                    actor=self.admin,
                    session=session,
                    cadre=cadre,
                    status=AttendanceStatus.PRESENT,
                    method=AttendanceMethod.MANUAL,
                )

    def counted(self, cadre, source):
        return set(
            LedgerEntry.objects.filter(cadre=cadre, source=source, status=EntryStatus.CONFIRMED).values_list(
                "source_id", flat=True
            )
        )

    def test_each_sitting_credits_its_own_lecturer_and_never_both(self):
        self.everyone_present()
        s1, s2, s3 = (s.pk for s in self.sessions)
        self.assertEqual(self.counted(self.xu, Source.LECTURE), {s1})
        self.assertEqual(self.counted(self.xu, Source.SESSION), {s2, s3})
        self.assertEqual(self.counted(self.wang, Source.LECTURE), {s2, s3})
        self.assertEqual(self.counted(self.wang, Source.SESSION), {s1})
        self.assertEqual(self.counted(self.listener, Source.SESSION), {s1, s2, s3})
        self.assertEqual(self.counted(self.listener, Source.LECTURE), set())
        for cadre in (self.xu, self.wang, self.listener):
            self.assertFalse(self.counted(cadre, Source.LECTURE) & self.counted(cadre, Source.SESSION))

    def test_the_sitting_taught_is_not_missed_in_the_class(self):
        # 王芳 is marked absent from the two sittings she taught: still the class is completed (she was teaching).
        for session in self.sessions:
            status = AttendanceStatus.PRESENT if session == self.sessions[0] else AttendanceStatus.ABSENT
            attendance_set(
                actor=self.admin, session=session, cadre=self.wang, status=status, method=AttendanceMethod.MANUAL
            )
        self.assertEqual(self.counted(self.wang, Source.SESSION), {self.sessions[0].pk})

    def test_moving_a_sitting_to_another_lecturer_moves_the_credit_and_the_attendance(self):
        self.everyone_present()
        s1, s2, s3 = (s.pk for s in self.sessions)
        events = AuditEvent.objects.count()
        lecturer_set_sessions(actor=self.admin, lecturer=self.wang_lecturer, sessions=self.sessions[1:2])
        lecturer_set_sessions(
            actor=self.admin, lecturer=self.xu_lecturer, sessions=[self.sessions[0], self.sessions[2]]
        )
        self.assertEqual(self.counted(self.xu, Source.LECTURE), {s1, s3})
        self.assertEqual(self.counted(self.xu, Source.SESSION), {s2})
        self.assertEqual(self.counted(self.wang, Source.LECTURE), {s2})
        self.assertEqual(self.counted(self.wang, Source.SESSION), {s1, s3})
        withdrawn = LedgerEntry.objects.get(cadre=self.wang, source=Source.LECTURE, source_id=s3)
        self.assertEqual(withdrawn.status, EntryStatus.REJECTED)
        self.assertIn("不再", withdrawn.reason)
        self.assertGreater(AuditEvent.objects.count(), events)

    def test_no_credit_for_a_sitting_nobody_attended(self):
        attendance_set(
            actor=self.admin,
            session=self.sessions[1],
            cadre=self.listener,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.MANUAL,
        )
        self.assertEqual(self.counted(self.wang, Source.LECTURE), {self.sessions[1].pk})
        self.assertEqual(self.counted(self.xu, Source.LECTURE), set())

    def test_only_sessions_of_the_activity_and_not_ones_own(self):
        elsewhere = SessionFactory(date=dt.date(2026, 6, 9))
        with self.assertRaises(ValidationError):
            lecturer_set_sessions(actor=self.admin, lecturer=self.xu_lecturer, sessions=[elsewhere])
        xu_admin = UserFactory(username="lps_xu", role=Role.TRAINING_ADMIN, cadre=self.xu)
        with self.assertRaises(ValidationError):
            lecturer_set_sessions(actor=xu_admin, lecturer=self.xu_lecturer, sessions=self.sessions)


class DefaultSessionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="lpd_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.teacher = CadreFactory(name="徐亮")

    def test_a_lecturer_of_a_one_session_activity_teaches_it(self):
        activity = ActivityFactory(kind__name="月末讲坛")
        session = SessionFactory(activity=activity)
        lecturer = lecturer_add(actor=self.admin, activity=activity, cadre=self.teacher)
        self.assertEqual(list(lecturer.sessions.all()), [session])

    def test_a_lecturer_added_before_the_only_session_teaches_it_until_there_are_more(self):
        activity = ActivityFactory(kind__name="月末讲坛")
        lecturer_add(actor=self.admin, activity=activity, cadre=self.teacher)
        session = session_create(
            actor=self.admin, activity=activity, date=dt.date(2026, 6, 30), start_time=dt.time(14), end_time=dt.time(16)
        )
        self.assertEqual(taught_sessions(activity, self.teacher.pk), {session.pk})
        session_create(
            actor=self.admin, activity=activity, date=dt.date(2026, 7, 30), start_time=dt.time(14), end_time=dt.time(16)
        )
        self.assertEqual(taught_sessions(activity, self.teacher.pk), set())  # nothing guessed for several

    def test_in_an_activity_of_several_sittings_nothing_is_guessed(self):
        activity = ActivityFactory(kind__name="全员培训班")
        SessionFactory(activity=activity)
        SessionFactory(activity=activity)
        lecturer = lecturer_add(actor=self.admin, activity=activity, cadre=self.teacher)
        self.assertFalse(lecturer.sessions.exists())


class LecturerSessionsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="lpp_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.teacher = CadreFactory(name="徐亮")
        cls.activity = ActivityFactory(title="物业管理实务培训班", kind__name="全员培训班")
        cls.sessions = [SessionFactory(activity=cls.activity, date=dt.date(2026, 6, 1 + day)) for day in range(3)]
        cls.lecturer = lecturer_add(actor=cls.admin, activity=cls.activity, cadre=cls.teacher)

    def test_the_administrator_ticks_the_sittings_taught(self):
        from django.urls import reverse

        self.client.force_login(self.admin)
        page = self.client.get(self.activity.get_absolute_url()).content.decode()
        self.assertIn(reverse("training:lecturer_sessions", args=[self.lecturer.pk]), page)
        self.assertIn("尚未指定场次", page)
        response = self.client.post(
            reverse("training:lecturer_sessions", args=[self.lecturer.pk]),
            {"sessions": [self.sessions[0].pk, self.sessions[2].pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(self.lecturer.sessions.all()), {self.sessions[0], self.sessions[2]})
        detail = self.client.get(self.sessions[2].get_absolute_url()).content.decode()
        self.assertIn("徐亮", detail)

    def test_adding_a_lecturer_with_the_sittings(self):
        from django.urls import reverse

        self.client.force_login(self.admin)
        other = CadreFactory(name="王芳")
        response = self.client.post(
            reverse("training:lecturer_create", args=[self.activity.pk]),
            {"cadre": other.id_number, "sessions": [self.sessions[1].pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(self.activity.lecturers.get(cadre=other).sessions.all()), [self.sessions[1]])
