"""我的学习 and the training archive through HTTP: what the cadre sees, who else may look, evidence files."""

import datetime as dt
import shutil
import tempfile
from decimal import Decimal

from django.core.files.base import ContentFile
from django.test import TestCase, override_settings
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
        self.assertEqual(response.context["upcoming"], [self.soon])
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
        self.assertContains(response, "已退回")
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
        with self.assertNumQueries(10):
            self.client.get(self.URL)
        for day in range(1, 6):
            LedgerEntryFactory(cadre=self.cadre, date=self.today.replace(month=1, day=day), hours=D(1))
            SelfReportFactory(cadre=self.cadre, date=self.today.replace(month=1, day=day))
        with self.assertNumQueries(10):
            self.client.get(self.URL)


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
            "已退回",
            "重复申报",
            "读书笔记",
            "王科长",
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
