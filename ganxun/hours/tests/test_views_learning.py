"""我的学习 and the training archive through HTTP: what the cadre sees, who else may look, evidence files."""

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from unittest import mock

from django.core.files.base import ContentFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.hours.models import Bucket, EntryStatus, Source
from ganxun.roster.models import LeadershipLevel, Rank
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.training.models import AttendanceStatus
from ganxun.training.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    EvaluationFactory,
    SessionFactory,
)

from .factories import LedgerEntryFactory, SelfReportFactory

D = Decimal
PDF = b"%PDF-1.4\n%test evidence\n"


class People(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        cls.section = SectionFactory(name="旧区改造科")
        cls.other_section = SectionFactory(name="住房保障科")
        cls.cadre = CadreFactory(section=cls.section, name="李小红", rank=Rank.CLERK_1)
        cls.peer = CadreFactory(section=cls.section, name="张三")
        cls.head_cadre = CadreFactory(
            section=cls.section, name="王科长", leadership_level=LeadershipLevel.SECTION_CHIEF
        )
        cls.elsewhere = CadreFactory(section=cls.other_section, name="赵四")
        cls.elsewhere_head_cadre = CadreFactory(section=cls.other_section, name="钱科长")
        cls.user = UserFactory(username="li", role=Role.CADRE, cadre=cls.cadre)
        cls.peer_user = UserFactory(username="zhang", role=Role.CADRE, cadre=cls.peer)
        cls.head = UserFactory(username="wang", role=Role.SECTION_HEAD, cadre=cls.head_cadre)
        cls.elsewhere_head = UserFactory(username="qian", role=Role.SECTION_HEAD, cadre=cls.elsewhere_head_cadre)
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)


class MyLearningTests(People):
    URL = reverse("hours:my_learning")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        this_year = cls.today.replace(month=1, day=1)
        LedgerEntryFactory(cadre=cls.cadre, date=this_year, hours=D(30), bucket=Bucket.ONLINE)
        LedgerEntryFactory(cadre=cls.cadre, date=this_year, hours=D(25), bucket=Bucket.SELF_STUDY)
        LedgerEntryFactory(cadre=cls.cadre, date=this_year, hours=D(9), status=EntryStatus.PENDING)
        LedgerEntryFactory(cadre=cls.peer, date=this_year, hours=D(99), bucket=Bucket.ONLINE)
        lecture = ActivityFactory(title="月末讲坛：住房保障新政", kind__name="月末讲坛")
        EnrolmentFactory(activity=lecture, cadre=cls.cadre)
        cls.soon = SessionFactory(activity=lecture, date=cls.today + dt.timedelta(days=5))
        SessionFactory(activity=lecture, date=cls.today + dt.timedelta(days=40))
        SessionFactory(activity=ActivityFactory(title="别人的培训班"), date=cls.today + dt.timedelta(days=3))
        now = timezone.now()
        cls.to_evaluate = SessionFactory(
            activity=ActivityFactory(title="党课：滨江工业遗存"), evaluation_closes_at=now + dt.timedelta(days=2)
        )
        evaluated = SessionFactory(
            activity=ActivityFactory(title="已评估的讲座"), evaluation_closes_at=now + dt.timedelta(days=2)
        )
        closed = SessionFactory(
            activity=ActivityFactory(title="已截止的讲座"), evaluation_closes_at=now - dt.timedelta(days=1)
        )
        absent = SessionFactory(
            activity=ActivityFactory(title="缺席的讲座"), evaluation_closes_at=now + dt.timedelta(days=2)
        )
        for session in (cls.to_evaluate, evaluated, closed):
            AttendanceFactory(session=session, cadre=cls.cadre)
        AttendanceFactory(session=absent, cadre=cls.cadre, status=AttendanceStatus.ABSENT)
        EvaluationFactory(session=evaluated, cadre=cls.cadre)
        cls.rejected = SelfReportFactory(
            cadre=cls.cadre, title="自学物业条例", status=EntryStatus.REJECTED, reason="缺少证明材料", date=this_year
        )

    def test_this_years_hours_against_each_requirement(self):
        self.client.force_login(self.user)
        response = self.client.get(self.URL)
        self.assertEqual(response.status_code, 200)
        standing = response.context["standing"]
        results = {r.requirement.name: r for r in standing.results}
        self.assertEqual(set(results), {"乡科级及以下年度学时", "网络培训年度学时"})
        self.assertEqual(results["网络培训年度学时"].done, D(30))
        self.assertEqual(results["乡科级及以下年度学时"].done, D(50))  # self-study capped at 20, pending not counted
        self.assertEqual(response.context["pending_hours"], D(9))
        html = response.content.decode()
        self.assertIn("已完成 30 / 50 学时", html)
        self.assertIn("另有 9 学时正在审核中", html)

    def test_upcoming_sessions_of_my_activities_in_the_next_30_days(self):
        self.client.force_login(self.user)
        response = self.client.get(self.URL)
        self.assertEqual(response.context["upcoming"], [(self.soon, None, False)])
        self.assertContains(response, "月末讲坛：住房保障新政")
        self.assertNotContains(response, "别人的培训班")

    def test_evaluations_still_to_fill_in_link_to_the_evaluation_form(self):
        self.client.force_login(self.user)
        response = self.client.get(self.URL)
        self.assertEqual([s for s, _url in response.context["to_evaluate"]], [self.to_evaluate])
        self.assertContains(response, f'href="/attendance/sessions/{self.to_evaluate.pk}/evaluate/"')

    def test_my_self_reports_with_status_and_reason(self):
        self.client.force_login(self.user)
        response = self.client.get(self.URL)
        self.assertEqual(response.context["reports"], [self.rejected])
        self.assertContains(response, "已驳回")
        self.assertContains(response, "缺少证明材料")
        self.assertContains(response, reverse("hours:self_report_create"))

    def test_another_cadre_sees_only_their_own(self):
        self.client.force_login(self.peer_user)
        response = self.client.get(self.URL)
        self.assertEqual(response.context["standing"].cadre_id, self.peer.pk)
        self.assertEqual(response.context["reports"], [])
        self.assertEqual(response.context["upcoming"], [])

    def test_an_account_without_a_cadre_is_told_so(self):
        self.client.force_login(self.admin)
        response = self.client.get(self.URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "该账号未关联干部信息")

    def test_the_query_count_does_not_grow_with_the_hours(self):
        self.client.force_login(self.user)
        self.client.get(self.URL)
        with CaptureQueriesContext(connection) as before:
            self.client.get(self.URL)
        for day in range(1, 6):
            LedgerEntryFactory(cadre=self.cadre, date=self.today.replace(month=1, day=day), hours=D(1))
            SelfReportFactory(cadre=self.cadre, date=self.today.replace(month=1, day=day))
            today = SessionFactory(
                activity=ActivityFactory(), date=self.today, start_time=dt.time(day), end_time=dt.time(day, 30)
            )
            EnrolmentFactory(activity=today.activity, cadre=self.cadre)
            AttendanceFactory(session=today, cadre=self.cadre)
        with CaptureQueriesContext(connection) as after:
            response = self.client.get(self.URL)
        self.assertEqual(len([s for s, attendance, _ended in response.context["upcoming"] if attendance]), 5)
        self.assertEqual(len(after), len(before) + 1)  # the day's own attendance, once, however many sessions


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="ganxun-evidence-"))
class ArchiveTests(People):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("hours:cadre_archive", args=[cls.cadre.pk])
        LedgerEntryFactory(
            cadre=cls.cadre, date=dt.date(2024, 5, 6), hours=D(8), title="2024年全员培训班", source=Source.SESSION
        )
        LedgerEntryFactory(cadre=cls.cadre, date=dt.date(2025, 3, 1), hours=D(15), bucket=Bucket.SELF_STUDY)
        LedgerEntryFactory(cadre=cls.cadre, date=dt.date(2025, 9, 1), hours=D(10), bucket=Bucket.SELF_STUDY)
        cls.report = SelfReportFactory(
            cadre=cls.cadre,
            date=dt.date(2025, 10, 8),
            hours=D(3),
            title="自学《民法典》物权编",
            evidence="读书笔记",
            witness="王科长",
            status=EntryStatus.REJECTED,
            reason="重复申报",
        )

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        from django.conf import settings

        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)

    def test_every_entry_per_year_with_source_status_and_evidence(self):
        self.client.force_login(self.user)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        years = {item.year: item for item in response.context["archive"]}
        self.assertIn(2024, years)
        self.assertEqual(len(years[2025].entries), 3)
        html = response.content.decode()
        for text in (
            "干部教育培训档案",
            "2024年全员培训班",
            "参加培训场次",
            "个人申报",
            "已驳回",  # a rejected report is listed apart, with its reason, and never printed
            "重复申报",
        ):
            self.assertIn(text, html)

    def test_yearly_totals_show_what_the_cap_lets_count(self):
        self.client.force_login(self.user)
        response = self.client.get(self.url, {"year": 2025})
        (item,) = response.context["archive"]
        self.assertEqual(item.year, 2025)
        self.assertIn(("自学", D(25), D(20)), item.totals())
        self.assertEqual(item.standing.total, D(20))
        self.assertNotContains(response, "2024年全员培训班")

    def test_who_may_open_it(self):
        for user, expected in (
            (self.user, 200),
            (self.head, 200),
            (self.admin, 200),
            (self.peer_user, 404),
            (self.elsewhere_head, 404),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, expected)

    def test_the_evidence_file_is_served_only_to_those_who_may_see_the_cadre(self):
        self.report.evidence_file.save("note.pdf", ContentFile(PDF))
        url = reverse("hours:entry_evidence", args=[self.report.pk])
        self.client.force_login(self.user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("attachment", response["Content-Disposition"])
        for user, expected in ((self.head, 200), (self.peer_user, 404), (self.elsewhere_head, 404)):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, expected)

    def test_no_file_no_download(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(reverse("hours:entry_evidence", args=[self.report.pk])).status_code, 404)

    def test_the_cadre_page_links_to_the_archive(self):
        self.client.force_login(self.user)
        self.assertContains(self.client.get(reverse("roster:cadre_detail", args=[self.cadre.pk])), self.url)


class ArchiveGroupingTests(People):
    """The printed archive: one line per activity, pending apart and marked, rejected never printed."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("hours:cadre_archive", args=[cls.cadre.pk])
        induction = ActivityFactory(title="2025年新录用人员入职培训班", kind__name="初任培训")
        for day in range(5):  # five days, a morning and an afternoon each: ten half-days of 4 学时
            for start in (dt.time(9), dt.time(14)):
                session = SessionFactory(
                    activity=induction,
                    date=dt.date(2025, 5, 12 + day),
                    start_time=start,
                    end_time=start.replace(hour=start.hour + 3),
                )
                cls.session_entry(session, D(4))
        lecture = ActivityFactory(title="月末讲坛第30讲", kind__name="月末讲坛")
        cls.session_entry(SessionFactory(activity=lecture, date=dt.date(2025, 6, 30)), D(2))
        cls.lecture_given = LedgerEntryFactory(
            cadre=cls.cadre, date=dt.date(2025, 6, 30), hours=D(6), source=Source.LECTURE, title="授课：月末讲坛第30讲"
        )
        cls.outside = LedgerEntryFactory(
            cadre=cls.cadre, date=dt.date(2025, 4, 11), hours=D(40), source=Source.OUTSIDE_CLASS, title="区委党校青干班"
        )
        cls.report = SelfReportFactory(
            cadre=cls.cadre,
            date=dt.date(2025, 8, 1),
            hours=D(3),
            title="自学《物业管理条例》",
            status=EntryStatus.CONFIRMED,
        )
        cls.waiting = SelfReportFactory(cadre=cls.cadre, date=dt.date(2025, 9, 1), hours=D(2), title="自学住房保障文件")
        cls.rejected = SelfReportFactory(
            cadre=cls.cadre,
            date=dt.date(2025, 10, 1),
            hours=D(5),
            title="重复申报的自学",
            status=EntryStatus.REJECTED,
            reason="与9月申报重复",
        )

    @classmethod
    def session_entry(cls, session, hours):
        return LedgerEntryFactory(
            cadre=cls.cadre,
            date=session.date,
            hours=hours,
            source=Source.SESSION,
            source_id=session.pk,
            title=f"{session.activity.title}（{session.date:%Y-%m-%d}）",
        )

    def year(self):
        self.client.force_login(self.user)
        response = self.client.get(self.url, {"year": 2025})
        (item,) = response.context["archive"]
        return response, item

    def test_the_sessions_of_one_activity_are_one_line_with_dates_sessions_and_hours(self):
        _response, item = self.year()
        lines = {row.title: row for row in item.counted}
        induction = lines["2025年新录用人员入职培训班"]
        self.assertEqual((induction.sessions, induction.hours), (10, D(40)))
        self.assertEqual((induction.first, induction.last), (dt.date(2025, 5, 12), dt.date(2025, 5, 16)))
        self.assertEqual(lines["月末讲坛第30讲"].sessions, 1)
        for own in ("授课：月末讲坛第30讲", "区委党校青干班", "自学《物业管理条例》"):
            self.assertIsNone(lines[own].sessions, own)  # lectures, outside classes and reports: a line each
        self.assertEqual(len(item.counted), 5)

    def test_the_printed_tables_hold_what_counts_and_what_waits_marked_and_never_what_was_rejected(self):
        response, item = self.year()
        self.assertEqual([row.title for row in item.pending], ["自学住房保障文件"])
        self.assertEqual(item.rejected, [self.rejected])
        html = response.content.decode()
        counted = html[html.index("data-counted") : html.index("data-pending")]
        pending = html[html.index("data-pending") : html.index("data-rejected")]
        rejected = html[html.index("data-rejected") :]
        self.assertIn("2025-05-12～05-16", counted)
        self.assertIn("学习笔记三页", counted)  # a report's evidence and witness stay on its line
        self.assertIn("王主任", counted)
        self.assertNotIn("自学住房保障文件", counted)
        self.assertIn("自学住房保障文件", pending)
        self.assertIn("待审核", pending)
        self.assertNotIn("重复申报的自学", counted + pending)
        self.assertIn("重复申报的自学", rejected)
        self.assertIn("与9月申报重复", rejected)
        self.assertIn('<details class="archive-rejected mb-3 d-print-none"', html)  # on screen only, folded

    def test_the_query_count_does_not_grow_with_the_sessions(self):
        self.client.force_login(self.user)
        with CaptureQueriesContext(connection) as before:
            self.client.get(self.url)
        activity = ActivityFactory(title="又一个培训班")
        for day in range(6):
            self.session_entry(SessionFactory(activity=activity, date=dt.date(2024, 3, 4 + day)), D(8))
        with CaptureQueriesContext(connection) as after:
            self.client.get(self.url)
        self.assertEqual(len(before), len(after))


class TodaysCheckInTests(People):
    """我的学习 says what the day's attendance is: checked in at what time, on leave, absent, or to scan."""

    URL = reverse("hours:my_learning")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sessions = {}
        for n, name in enumerate(("missed", "scanned", "leave", "absent", "to_scan")):
            session = SessionFactory(
                activity=ActivityFactory(title=f"今日讲座{name}"),
                date=cls.today,
                start_time=dt.time(6 + 2 * n),
                end_time=dt.time(7 + 2 * n),
            )
            EnrolmentFactory(activity=session.activity, cadre=cls.cadre)
            cls.sessions[name] = session
        at = timezone.make_aware(dt.datetime.combine(cls.today, dt.time(8, 3)))
        AttendanceFactory(session=cls.sessions["scanned"], cadre=cls.cadre, method="qr", checked_in_at=at)
        AttendanceFactory(session=cls.sessions["leave"], cadre=cls.cadre, status=AttendanceStatus.LEAVE, reason="出差")
        AttendanceFactory(session=cls.sessions["absent"], cadre=cls.cadre, status=AttendanceStatus.ABSENT)

    def setUp(self):
        # At 11:00: the 06:00 session is over, the 14:00 one still to come.
        eleven = timezone.make_aware(dt.datetime.combine(self.today, dt.time(11)))
        patcher = mock.patch("django.utils.timezone.now", return_value=eleven)
        patcher.start()
        self.addCleanup(patcher.stop)

    def session_html(self, response, name: str) -> str:
        html = response.content.decode()
        start = html.index(f'data-session="{self.sessions[name].pk}"')
        return html[start : html.index("</li>", start)]

    def test_a_check_in_made_is_said_with_its_time_and_not_asked_for_again(self):
        self.client.force_login(self.user)
        response = self.client.get(self.URL)
        scanned = self.session_html(response, "scanned")
        self.assertIn("已签到 08:03", scanned)
        self.assertNotIn("请扫码", scanned)
        self.assertIn("请假（出差）", self.session_html(response, "leave"))
        self.assertIn("缺席", self.session_html(response, "absent"))
        self.assertNotIn("请扫码", self.session_html(response, "absent"))
        self.assertIn('data-attendance="none"', self.session_html(response, "to_scan"))
        missed = self.session_html(response, "missed")
        self.assertIn("未记录签到", missed)
        self.assertNotIn("请扫码", missed)

    def test_what_waits_for_the_cadre_is_summed_up_at_the_top(self):
        SelfReportFactory(cadre=self.cadre, date=self.today.replace(month=1, day=1))
        SelfReportFactory(
            cadre=self.cadre, date=self.today.replace(month=1, day=2), status=EntryStatus.SECTION_APPROVED
        )
        self.client.force_login(self.user)
        response = self.client.get(self.URL)
        self.assertEqual(response.context["reports_in_review"], 2)
        self.assertContains(response, "2 份申报审核中")
