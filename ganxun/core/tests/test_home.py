import datetime as dt

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.hours.models import EntryStatus
from ganxun.hours.tests.factories import SelfReportFactory
from ganxun.roster.models import Rank, Status
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.training.tests.factories import ActivityFactory, AttendanceFactory, EnrolmentFactory, SessionFactory


class HomeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="旧区改造科")
        other = SectionFactory(name="住房保障科")
        head = CadreFactory(section=cls.section, leadership_level="section_chief")
        for _ in range(3):
            CadreFactory(section=cls.section)
        CadreFactory(section=cls.section, status=Status.RETIRED)
        CadreFactory(section=other)
        cls.head = UserFactory(username="home_head", role=Role.SECTION_HEAD, cadre=head)
        cls.admin = UserFactory(username="home_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.cadre = UserFactory(username="home_cadre", role=Role.CADRE, cadre=CadreFactory(section=other))

    def sections(self, user):
        self.client.force_login(user)
        response = self.client.get(reverse("core:home"))
        self.assertEqual(response.status_code, 200)
        return response, {s.name: s.n for s in response.context["sections"]}

    def test_a_section_head_sees_their_whole_section_counted(self):
        response, counts = self.sections(self.head)
        self.assertEqual(response.context["totals"]["total"], 4)
        self.assertEqual(counts, {"旧区改造科": 4})

    def test_an_admin_sees_every_section(self):
        response, counts = self.sections(self.admin)
        self.assertEqual(counts, {"旧区改造科": 4, "住房保障科": 2})
        self.assertEqual(response.context["totals"]["total"], 6)

    def test_a_cadre_goes_to_my_learning(self):
        self.client.force_login(self.cadre)
        self.assertRedirects(self.client.get(reverse("core:home")), reverse("hours:my_learning"))


class WaitingTests(TestCase):
    """Each role's home lists what waits for them, with links, under a query budget that does not grow."""

    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        cls.now = timezone.now()
        cls.renewal = SectionFactory(name="旧区改造科")
        cls.housing = SectionFactory(name="住房保障科")
        head_cadre = CadreFactory(section=cls.renewal, name="王科长", leadership_level="section_chief")
        cls.worker = CadreFactory(section=cls.renewal, name="李干部", rank=Rank.CLERK_1)
        cls.other = CadreFactory(section=cls.housing, name="赵干部", rank=Rank.CLERK_1)
        cls.head = UserFactory(username="w_head", role=Role.SECTION_HEAD, cadre=head_cadre)
        cls.admin = UserFactory(username="w_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.first_review = SelfReportFactory(cadre=cls.worker, title="自学《物业管理条例》", date=cls.today)
        cls.decision = SelfReportFactory(
            cadre=cls.worker, title="在线学习第四季度", status=EntryStatus.SECTION_APPROVED, date=cls.today
        )
        cls.lecture = cls.session_today("月末讲坛第48讲", [cls.worker, cls.other], organiser=cls.renewal)
        AttendanceFactory(session=cls.lecture, cadre=cls.worker)
        AttendanceFactory(session=cls.lecture, cadre=cls.other)
        cls.elsewhere = cls.session_today("住房保障科业务学习", [cls.other], organiser=cls.housing)
        cls.closing = SessionFactory(
            activity=ActivityFactory(title="党课：四敢精神"),
            date=cls.today - dt.timedelta(days=5),
            evaluation_closes_at=cls.now + dt.timedelta(days=2),
        )
        SessionFactory(
            activity=ActivityFactory(title="下月才截止的讲座"), evaluation_closes_at=cls.now + dt.timedelta(days=20)
        )
        SessionFactory(
            activity=ActivityFactory(title="已截止的讲座"), evaluation_closes_at=cls.now - dt.timedelta(hours=1)
        )
        cls.unrecorded = cls.session_on("没有考勤的专题培训", [cls.worker], cls.today - dt.timedelta(days=3))

    @classmethod
    def session_on(cls, title, cadres, day, organiser=None):
        session = SessionFactory(activity=ActivityFactory(title=title, organiser=organiser), date=day)
        for cadre in cadres:
            EnrolmentFactory(activity=session.activity, cadre=cadre, section=cadre.section)
        return session

    @classmethod
    def session_today(cls, title, cadres, organiser=None):
        return cls.session_on(title, cadres, cls.today, organiser)

    def home(self, user):
        self.client.force_login(user)
        response = self.client.get(reverse("core:home"))
        self.assertEqual(response.status_code, 200)
        return response

    def test_an_administrator_sees_decisions_sessions_evaluations_attendance_and_people_behind(self):
        response = self.home(self.admin)
        context = response.context
        self.assertEqual(context["decisions"]["count"], 1)
        self.assertContains(response, reverse("hours:self_report_detail", args=[self.decision.pk]))
        self.assertEqual([s.pk for s in context["sessions_today"]], [self.lecture.pk, self.elsewhere.pk])
        lecture = context["sessions_today"][0]
        self.assertEqual((lecture.present, lecture.enrolled), (2, 2))
        self.assertContains(response, reverse("attendance:checkin_screen", args=[self.lecture.pk]))
        self.assertContains(response, reverse("attendance:attendance_sheet", args=[self.lecture.pk]))
        self.assertEqual([s.pk for s in context["closing"]], [self.closing.pk])
        self.assertContains(response, reverse("attendance:evaluation_detail", args=[self.closing.pk]))
        self.assertEqual([s.pk for s in context["unrecorded"]["first"]], [self.unrecorded.pk])
        self.assertEqual(context["off_track"]["count"], context["off_track"]["cadres"])  # nobody has hours yet
        self.assertContains(
            response, reverse("hours:compliance_cadres") + f"?year={self.today.year}&amp;standing=off_track"
        )

    def test_a_section_head_sees_first_reviews_and_their_sections_day(self):
        response = self.home(self.head)
        context = response.context
        self.assertEqual(context["reviews"]["count"], 1)
        self.assertContains(response, reverse("hours:self_report_detail", args=[self.first_review.pk]))
        self.assertNotIn("decisions", context)
        self.assertEqual([s.pk for s in context["sessions_today"]], [self.lecture.pk])
        lecture = context["sessions_today"][0]
        self.assertEqual((lecture.present, lecture.enrolled), (1, 1))  # their 科室's, not the bureau's
        self.assertNotContains(response, reverse("attendance:checkin_screen", args=[self.lecture.pk]))
        self.assertContains(response, reverse("attendance:attendance_sheet", args=[self.lecture.pk]))
        self.assertEqual({row.name for row in context["off_track"]["first"]}, {"王科长", "李干部"})

    def test_the_queries_do_not_grow_with_what_waits(self):
        counts = {}
        for size in ("small", "large"):
            if size == "large":
                for n in range(6):
                    cadre = CadreFactory(section=self.renewal if n % 2 else self.housing)
                    SelfReportFactory(cadre=cadre, date=self.today)
                    SelfReportFactory(cadre=cadre, date=self.today, status=EntryStatus.SECTION_APPROVED)
                    session = self.session_today(f"讲座{n}", [cadre], organiser=self.renewal)
                    AttendanceFactory(session=session, cadre=cadre)
                    self.session_on(f"未录考勤{n}", [cadre], self.today - dt.timedelta(days=1))
            for user in (self.admin, self.head):
                self.client.force_login(user)
                with CaptureQueriesContext(connection) as queries:
                    self.client.get(reverse("core:home"))
                counts[(size, user.username)] = len(queries)
        self.assertEqual(counts[("small", "w_admin")], counts[("large", "w_admin")])
        self.assertEqual(counts[("small", "w_head")], counts[("large", "w_head")])
