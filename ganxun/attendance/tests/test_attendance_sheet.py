"""The attendance sheet through HTTP: bulk marking, per-row saving, the 1/7 rule, scoping and query budgets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from ..models import Attendance
from ..services import attendance_set


class SheetTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="物业管理科")
        cls.other_section = SectionFactory(name="住房保障科")
        # A class of 7 half-day sessions of 4 学时: 28 in all, so one session missed is exactly 1/7.
        cls.activity = ActivityFactory(title="2026年全员培训班", kind__name="全员培训班")
        cls.sessions = [
            SessionFactory(
                activity=cls.activity,
                date=dt.date(2026, 3, 2 + n),
                start_time=dt.time(9),
                end_time=dt.time(11, 30),
                hours=Decimal(4),
            )
            for n in range(7)
        ]
        cls.session = cls.sessions[-1]
        cls.cadres = [CadreFactory(name=name, section=cls.section) for name in ("赵一", "钱二", "孙三")]
        cls.outsider = CadreFactory(name="李四", section=cls.other_section)
        for cadre in [*cls.cadres, cls.outsider]:
            EnrolmentFactory(activity=cls.activity, cadre=cadre)
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        head_cadre = CadreFactory(name="周科长", section=cls.section)
        cls.head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=head_cadre)
        cls.cadre_user = UserFactory(username="cadre", role=Role.CADRE, cadre=cls.cadres[0])

    def url(self, session=None) -> str:
        return reverse("attendance:attendance_sheet", args=[(session or self.session).pk])

    def mark(self, cadre, status, session=None, reason=""):
        return attendance_set(
            actor=self.admin,
            session=session or self.session,
            cadre=cadre,
            status=status,
            method=AttendanceMethod.MANUAL,
            reason=reason,
        )


class SheetViewTests(SheetTestCase):
    def setUp(self):
        self.client.force_login(self.admin)

    def test_every_enrolled_cadre_is_listed_with_the_form(self):
        self.mark(self.cadres[1], AttendanceStatus.LEAVE, reason="病假")
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        for cadre in [*self.cadres, self.outsider]:
            self.assertContains(response, f'name="status_{cadre.pk}"')
        self.assertContains(response, 'value="病假"')
        self.assertContains(response, '<div class="fs-4 text-warning-emphasis" data-count="leave">1</div>', html=True)
        self.assertContains(
            response, '<div class="fs-4 text-body-secondary" data-count="unrecorded">3</div>', html=True
        )

    def test_bulk_marks_the_selected_with_one_reason_in_one_go(self):
        chosen = self.cadres[:2]
        response = self.client.post(
            self.url(),
            {"action": "bulk", "cadre": [c.pk for c in chosen], "bulk_status": "leave", "bulk_reason": "区里调训"},
        )
        self.assertRedirects(response, self.url())
        marked = Attendance.objects.filter(session=self.session).order_by("cadre__name")
        self.assertEqual(
            {(a.cadre_id, a.status, a.reason, a.method) for a in marked},
            {(c.pk, "leave", "区里调训", "manual") for c in chosen},
        )
        events = AuditEvent.objects.filter(object_type="attendance", action="create")
        self.assertEqual(events.count(), 2)
        self.assertEqual(set(events.values_list("actor", flat=True)), {self.admin.pk})

    def test_bulk_present_counts_the_hours(self):
        self.client.post(
            self.url(),
            {"action": "bulk", "cadre": [c.pk for c in self.cadres], "bulk_status": "present", "bulk_reason": ""},
        )
        entries = LedgerEntry.objects.filter(source=Source.SESSION, source_id=self.session.pk)
        self.assertEqual(entries.count(), 3)
        self.assertEqual(set(entries.values_list("status", flat=True)), {EntryStatus.CONFIRMED})

    def test_saving_the_sheet_writes_only_the_changed_rows(self):
        self.mark(self.cadres[0], AttendanceStatus.PRESENT)
        self.mark(self.cadres[1], AttendanceStatus.PRESENT)
        before = AuditEvent.objects.filter(object_type="attendance").count()
        data = {
            "action": "save",
            f"status_{self.cadres[0].pk}": "present",
            f"reason_{self.cadres[0].pk}": "",
            f"status_{self.cadres[1].pk}": "absent",
            f"reason_{self.cadres[1].pk}": "未请假",
            f"status_{self.cadres[2].pk}": "",  # not recorded, left so
            f"reason_{self.cadres[2].pk}": "",
        }
        self.assertRedirects(self.client.post(self.url(), data), self.url())
        self.assertEqual(AuditEvent.objects.filter(object_type="attendance").count(), before + 1)
        changed = Attendance.objects.get(session=self.session, cadre=self.cadres[1])
        self.assertEqual((changed.status, changed.reason), ("absent", "未请假"))
        self.assertFalse(Attendance.objects.filter(session=self.session, cadre=self.cadres[2]).exists())
        # The absence withdraws the session's hours for that cadre.
        entry = LedgerEntry.objects.get(cadre=self.cadres[1], source_id=self.session.pk)
        self.assertEqual(entry.status, EntryStatus.REJECTED)

    def test_a_bad_form_writes_nothing(self):
        for data in (
            {"action": "bulk", "cadre": [], "bulk_status": "present"},
            {"action": "bulk", "cadre": [self.cadres[0].pk], "bulk_status": "gone"},
            {"action": "bulk", "cadre": [self.cadres[0].pk], "bulk_status": "leave", "bulk_reason": "长" * 201},
            {"action": "save", f"status_{self.cadres[0].pk}": "present", f"status_{self.cadres[1].pk}": "maybe"},
        ):
            with self.subTest(data=data):
                response = self.client.post(self.url(), data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "未保存任何数据", status_code=400)
                self.assertFalse(Attendance.objects.exists())

    def test_the_class_completion_follows_the_one_seventh_rule(self):
        at_limit, over = self.cadres[0], self.cadres[1]
        for session in self.sessions[:-1]:
            self.mark(at_limit, AttendanceStatus.PRESENT, session=session)
        self.mark(at_limit, AttendanceStatus.LEAVE, session=self.session)  # 4 of 28: exactly 1/7
        self.mark(over, AttendanceStatus.LEAVE, session=self.sessions[0])
        self.mark(over, AttendanceStatus.LEAVE, session=self.session)  # 8 of 28: more than 1/7
        response = self.client.get(self.url())
        rows = {row.cadre.pk: row for row in response.context["rows"]}
        self.assertIs(rows[at_limit.pk].completed, True)
        self.assertIs(rows[over.pk].completed, False)
        self.assertEqual(rows[over.pk].missed, Decimal(8))
        self.assertContains(response, "未完成 (请假超过1/7)", count=1)
        self.assertContains(response, "1 人缺勤或请假超过培训班总学时的1/7")
        # The over-limit cadre's row carries the badge.
        html = response.content.decode()
        row = html[html.index(f'data-cadre="{over.pk}"') :]
        self.assertLess(row.index("未完成 (请假超过1/7)"), row.index("</tr>"))

    def test_a_non_class_activity_shows_no_completion(self):
        lecture = ActivityFactory(kind__name="月末讲坛")
        session = SessionFactory(activity=lecture)
        EnrolmentFactory(activity=lecture, cadre=self.cadres[0])
        response = self.client.get(self.url(session))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "结业情况")

    def test_the_sheet_costs_the_same_queries_however_many_are_enrolled(self):
        self.mark(self.cadres[0], AttendanceStatus.PRESENT)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url())
        for n in range(6):
            cadre = CadreFactory(section=self.section)
            EnrolmentFactory(activity=self.activity, cadre=cadre)
            self.mark(cadre, AttendanceStatus.LEAVE, session=self.sessions[n])
            self.mark(cadre, AttendanceStatus.PRESENT)
        with self.assertNumQueries(len(few)):
            response = self.client.get(self.url())
        self.assertEqual(len(response.context["rows"]), 10)


class SheetAccessTests(SheetTestCase):
    def test_the_section_head_reads_their_own_sections_cadres_only(self):
        self.client.force_login(self.head)
        self.mark(self.cadres[0], AttendanceStatus.LEAVE, reason="公出")
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "赵一")
        self.assertContains(response, "公出")
        self.assertNotContains(response, "李四")
        self.assertNotContains(response, 'name="status_')
        self.assertNotContains(response, 'name="action"')

    def test_the_section_head_cannot_change_attendance(self):
        self.client.force_login(self.head)
        response = self.client.post(
            self.url(), {"action": "bulk", "cadre": [self.cadres[0].pk], "bulk_status": "present"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Attendance.objects.exists())

    def test_a_section_head_of_an_unrelated_activity_gets_not_found(self):
        other = ActivityFactory()
        session = SessionFactory(activity=other)
        EnrolmentFactory(activity=other, cadre=self.outsider)
        self.client.force_login(self.head)
        self.assertEqual(self.client.get(self.url(session)).status_code, 404)

    def test_a_cadre_has_no_sheet(self):
        self.client.force_login(self.cadre_user)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.assertEqual(self.client.post(self.url(), {}).status_code, 403)
