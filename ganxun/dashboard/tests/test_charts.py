"""The charts' numbers against a hand count on a small year, the scoping of every endpoint, and query budgets that
do not grow with the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.dashboard.charts import Board
from ganxun.dashboard.scope import scope_for
from ganxun.hours.models import Bucket, EntryStatus, Requirement
from ganxun.hours.queries import elapsed_share
from ganxun.hours.tests.factories import LedgerEntryFactory
from ganxun.plans.models import PlanItem, PlanLink, TrainingPlan
from ganxun.roster.models import Unit
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, SessionFactory

YEAR = 2026
TODAY = dt.date(2026, 7, 1)  # the 182nd day of 365


def entry(cadre, day, hours, bucket=Bucket.CENTRALISED, status=EntryStatus.CONFIRMED):
    return LedgerEntryFactory(cadre=cadre, date=day, hours=D(hours), bucket=bucket, status=status)


class World(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = Unit.objects.get(parent=None)
        cls.sub = UnitFactory(name="下属所", code="DSUB", parent=cls.home)
        cls.other = UnitFactory(name="外局", code="DOTHER")
        cls.a = SectionFactory(name="办公室甲", unit=cls.home, sort_order=1)
        cls.b = SectionFactory(name="住房保障科乙", unit=cls.home, sort_order=2)
        cls.c = SectionFactory(name="下属所科丙", unit=cls.sub, sort_order=3)
        cls.x = SectionFactory(name="外局科", unit=cls.other, sort_order=4)
        cls.a1 = CadreFactory(section=cls.a, name="甲一", leadership_level="section_chief")
        cls.a2 = CadreFactory(section=cls.a, name="甲二")
        cls.b1 = CadreFactory(section=cls.b, name="乙一", leadership_level="division_chief")
        cls.c1 = CadreFactory(section=cls.c, name="丙一")
        cls.x1 = CadreFactory(section=cls.x, name="外一")
        entry(cls.a1, dt.date(2026, 1, 15), "10")
        entry(cls.a1, dt.date(2026, 3, 10), "6", Bucket.ONLINE)
        entry(cls.a1, dt.date(2026, 3, 20), "4", Bucket.ONLINE)
        entry(cls.a2, dt.date(2026, 3, 5), "2.5")
        entry(cls.a2, dt.date(2026, 4, 1), "50", Bucket.ONLINE)
        entry(cls.a2, dt.date(2026, 4, 2), "40")
        entry(cls.a2, dt.date(2025, 12, 31), "100")  # another year
        entry(cls.a2, dt.date(2026, 3, 6), "7", status=EntryStatus.PENDING)  # not confirmed
        entry(cls.b1, dt.date(2026, 6, 30), "8", Bucket.STUDY_GROUP)
        entry(cls.c1, dt.date(2026, 2, 1), "3", Bucket.PRACTICE)
        entry(cls.x1, dt.date(2026, 1, 2), "30")  # another bureau
        theory = ActivityKindFactory(name="看板理论学习", classroom="theory", bucket="study_group", unit="hour")
        practice = ActivityKindFactory(name="看板实践活动", classroom="practice", bucket="practice", unit="hour")
        professional = ActivityKindFactory(name="看板业务培训", classroom="professional", unit="hour")
        cls.theory = ActivityFactory(kind=theory, unit=cls.home, title="学习贯彻")
        for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 4, 1)):
            SessionFactory(activity=cls.theory, date=day)
        SessionFactory(
            activity=ActivityFactory(kind=professional, unit=cls.home, organiser=cls.a), date=dt.date(2026, 3, 15)
        )
        SessionFactory(activity=ActivityFactory(kind=practice, unit=cls.sub), date=dt.date(2026, 5, 10))
        SessionFactory(activity=ActivityFactory(kind=practice, unit=cls.other), date=dt.date(2026, 3, 10))
        SessionFactory(activity=ActivityFactory(kind=theory, unit=cls.home), date=dt.date(2025, 3, 10))
        plan = TrainingPlan.objects.create(unit=cls.home, year=YEAR, title="2026年度干教计划")
        item = PlanItem.objects.create(
            plan=plan, number=1, kind=theory, title="理论学习", everyone=True, months=[3, 4], sessions=4, hours=D(8)
        )
        PlanLink.objects.create(activity=cls.theory, item=item)
        cls.plan = plan
        cls.admin = UserFactory(username="d_admin", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.home)
        cls.sub_admin = UserFactory(username="d_sub", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.sub)
        cls.system = UserFactory(username="d_sys", role=Role.SYSTEM_ADMIN, cadre=None)
        cls.head = UserFactory(username="d_head", role=Role.SECTION_HEAD, cadre=cls.a1)
        cls.leader = UserFactory(username="d_leader", role=Role.CADRE, cadre=cls.b1)
        cls.cadre = UserFactory(username="d_cadre", role=Role.CADRE, cadre=cls.a2)

    def board(self, user):
        return Board(scope_for(user), YEAR, TODAY)

    def data(self, user, key):
        self.client.force_login(user)
        return self.client.get(reverse(f"dashboard:{key}"), {"year": YEAR})


def column(chart, name):
    return next(s.data for s in chart.series if s.name == name)


class HandCountTests(World):
    def test_hours_by_month_and_category(self):
        chart = self.board(self.admin).hours()
        self.assertEqual(column(chart, "集中培训")[:4], [10, 0, D("2.5"), 40])
        self.assertEqual(column(chart, "网络培训")[:4], [0, 0, 10, 50])
        self.assertEqual(column(chart, "实践锻炼")[:3], [0, 3, 0])
        self.assertEqual(column(chart, "中心组学习")[5], 8)
        self.assertEqual(column(chart, "合计"), [10, 3, D("12.5"), 90, 0, 8, 0, 0, 0, 0, 0, 0])
        self.assertEqual(chart.categories[0], "1月")

    def test_a_cadre_sees_their_own_against_the_requirement(self):
        chart = self.board(self.cadre).hours()
        self.assertEqual(column(chart, "合计")[:4], [0, 0, D("2.5"), 90])
        self.assertEqual(column(chart, "累计")[2:5], [D("2.5"), D("92.5"), D("92.5")])
        self.assertEqual(chart.mark["value"], 90)

    def test_a_section_head_sees_their_section(self):
        chart = self.board(self.head).hours()
        self.assertEqual(column(chart, "合计")[:6], [10, 0, D("12.5"), 90, 0, 0])

    def test_activities_by_month_and_classroom(self):
        chart = self.board(self.admin).activities()
        self.assertEqual(column(chart, "理论课堂")[2:4], [1, 1])
        self.assertEqual(column(chart, "专业课堂")[2], 1)
        self.assertEqual(column(chart, "实践课堂")[2:5], [0, 0, 1])  # the other bureau's March is not counted
        self.assertEqual(column(chart, "场次")[2:5], [3, 1, 1])
        self.assertIn("month=2026-03", chart.links[2])
        head = self.board(self.head).activities()
        self.assertEqual(sum(sum(s.data) for s in head.series if not s.table_only), 1)

    def test_the_elapsed_share_on_the_day(self):
        requirement = Requirement.objects.get(name="乡科级及以下年度学时", start_year=YEAR)
        self.assertEqual(elapsed_share(requirement, YEAR, TODAY), D(182) / D(365))

    def test_compliance_by_section(self):
        chart = self.board(self.admin).compliance_by_section()
        self.assertEqual(chart.categories, ["办公室甲", "住房保障科乙", "下属所科丙"])
        self.assertEqual(column(chart, "干部数"), [2, 1, 1])
        self.assertEqual(column(chart, "已达标"), [1, 0, 0])
        self.assertEqual(column(chart, "达标率（%）"), [50.0, 0.0, 0.0])
        # 甲: (20 + 10) + (90 + 50) of 2 × (90 + 50); 丙: 3 of 140; 乙 (县处级): 8 of 550 + 50.
        self.assertEqual(column(chart, "学时完成度（%）"), [60.7, 1.3, 2.1])
        # 90 × 182/365 = 44.88 and 50 × 182/365 = 24.93: 69.81 of 140 = 49.86 %.
        self.assertEqual(column(chart, "按时间应完成（%）")[0], 49.8)
        self.assertEqual(column(chart, "按时间应完成（%）")[2], 49.8)
        self.assertIn(f"section={self.a.pk}", chart.links[0])

    def test_compliance_by_tier(self):
        chart = self.board(self.admin).compliance_by_tier()
        self.assertEqual(column(chart, "干部数"), [1, 3])
        self.assertEqual(column(chart, "已达标"), [0, 1])
        self.assertEqual(column(chart, "达标率（%）"), [0.0, 33.3])
        self.assertEqual(column(chart, "学时完成度（%）"), [1.3, 41.1])

    def test_online_progress(self):
        chart = self.board(self.admin).online()
        self.assertEqual(column(chart, "在线学习人数"), [2, 0, 0])
        self.assertEqual(column(chart, "在线学习人数占比（%）"), [100.0, 0.0, 0.0])
        self.assertEqual(column(chart, "网络培训学时"), [60, 0, 0])

    def test_plan_execution(self):
        chart = self.board(self.admin).plan()
        self.assertEqual(chart.categories, ["理论学习"])
        self.assertEqual(column(chart, "计划场次"), [4])
        self.assertEqual(column(chart, "已开展场次"), [3])
        self.assertEqual(chart.link, reverse("plans:plan_detail", args=[self.plan.pk]))

    def test_the_unit_and_the_units_below(self):
        for user in (self.admin, self.leader):
            chart = self.board(user).units()
            self.assertEqual(chart.categories, [f"{self.home.name}（本级）", "下属所"])
            self.assertEqual(column(chart, "干部数"), [3, 1])
            self.assertEqual(column(chart, "学时"), [D("120.5"), 3])
            self.assertEqual(column(chart, "人均学时"), [40.17, 3])


class ScopeTests(World):
    def test_a_unit_admin_sees_only_their_units(self):
        chart = self.data(self.sub_admin, "sections").json()["chart"]
        self.assertEqual(chart["categories"], ["下属所科丙"])
        hours = self.data(self.sub_admin, "hours").json()["chart"]
        self.assertEqual(sum(sum(s["data"]) for s in hours["series"] if not s["table_only"]), 3)
        self.assertIsNone(self.data(self.sub_admin, "units").json()["chart"])  # no unit below
        self.assertIsNone(self.data(self.sub_admin, "plan").json()["chart"])  # the home unit's plan is not theirs

    def test_a_section_head_gets_only_their_section(self):
        self.assertEqual(self.data(self.head, "sections").json()["chart"]["categories"], ["办公室甲"])
        self.assertEqual(self.data(self.head, "online").json()["chart"]["categories"], ["办公室甲"])
        self.assertEqual(self.data(self.head, "units").status_code, 403)
        self.assertEqual(self.data(self.head, "plan").status_code, 403)

    def test_a_cadre_gets_only_their_own(self):
        hours = self.data(self.cadre, "hours").json()["chart"]
        total = next(s for s in hours["series"] if s["name"] == "合计")
        self.assertEqual(total["data"][:4], [0, 0, 2.5, 90])
        for key in ("sections", "tiers", "online", "activities", "plan", "units"):
            self.assertEqual(self.data(self.cadre, key).status_code, 403, key)

    def test_a_leader_reads_their_units_aggregates(self):
        self.assertEqual(self.data(self.leader, "units").status_code, 200)
        self.assertEqual(len(self.data(self.leader, "sections").json()["chart"]["categories"]), 3)

    def test_a_leader_is_linked_only_to_pages_they_may_open(self):
        board = self.board(self.leader)
        sections = board.compliance_by_section()
        self.assertEqual((sections.link, set(sections.links)), ("", {""}))
        self.assertEqual(board.plan().link, reverse("plans:plan_detail", args=[self.plan.pk]))
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(board.plan().link).status_code, 200)
        head = self.board(self.head).compliance_by_section()
        self.client.force_login(self.head)
        self.assertEqual(self.client.get(head.links[0]).status_code, 200)

    def test_the_system_admin_reaches_every_unit(self):
        chart = self.data(self.system, "units").json()["chart"]
        self.assertIn("外局", chart["categories"])

    def test_home_pages(self):
        self.client.force_login(self.leader)
        response = self.client.get(reverse("core:home"))
        self.assertContains(response, 'data-chart-card="units"')
        self.assertContains(response, "dash-units-table")
        self.client.force_login(self.cadre)
        self.assertRedirects(self.client.get(reverse("core:home")), reverse("hours:my_learning"))
        self.client.force_login(self.head)
        response = self.client.get(reverse("core:home"))
        self.assertContains(response, 'data-chart-card="sections"')
        self.assertNotContains(response, 'data-chart-card="units"')
        self.client.force_login(self.cadre)
        self.assertContains(self.client.get(reverse("dashboard:mine")), 'data-chart-card="hours"')


class QueryBudgetTests(World):
    """The same number of queries with twice the rows and more: none of the endpoints or the home page counts
    rows one by one."""

    def measure(self):
        counts = {}
        for user in (self.admin, self.head, self.leader, self.cadre):
            self.client.force_login(user)
            for key in ("hours", "activities", "sections", "tiers", "online", "plan", "units"):
                with CaptureQueriesContext(connection) as queries:
                    self.client.get(reverse(f"dashboard:{key}"), {"year": YEAR})
                counts[(user.username, key)] = len(queries)
            if user is not self.cadre:
                with CaptureQueriesContext(connection) as queries:
                    self.client.get(reverse("core:home"))
                counts[(user.username, "home")] = len(queries)
        return counts

    def grow(self):
        theory = self.theory.kind
        for n in range(6):
            section = SectionFactory(name=f"增加科{n}", unit=self.home if n % 2 else self.sub)
            for m in range(3):
                cadre = CadreFactory(section=section if m else self.a)
                entry(cadre, dt.date(2026, 1 + m, 3), "2")
                entry(cadre, dt.date(2026, 5, 3 + m), "3", Bucket.ONLINE)
            activity = ActivityFactory(kind=theory, unit=self.home, organiser=self.a)
            SessionFactory(activity=activity, date=dt.date(2026, 1 + n, 5))
        item = PlanItem.objects.create(
            plan=self.plan, number=2, kind=theory, title="再学习", everyone=True, months=[6], sessions=1, hours=D(2)
        )
        PlanLink.objects.create(activity=activity, item=item)

    def test_budgets_do_not_grow_with_the_rows(self):
        before = self.measure()
        self.grow()
        after = self.measure()
        self.assertEqual(before, after)
        self.assertLessEqual(max(before.values()), 45, before)  # the admin's home page with every app's part
