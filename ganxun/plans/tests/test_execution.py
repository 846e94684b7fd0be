"""The plan against what was done: sessions and 学时 held, people reached and the share of the audience, overdue
items (at the month's edge), activities outside the plan; in queries that do not grow with the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganxun.roster.tests.factories import CadreFactory, SectionFactory, TagFactory, UnitFactory
from ganxun.training.models import AttendanceStatus
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, AttendanceFactory, SessionFactory

from .. import services
from ..queries import is_overdue, plan_execution
from .helpers import home, item_fields, make_plan

pytestmark = pytest.mark.django_db


def test_planned_against_done_per_item():
    section = SectionFactory(name="旧区改造科")
    people = [CadreFactory(section=section) for _ in range(4)]
    outsider = CadreFactory(section=SectionFactory(name="住房保障科"))
    plan = make_plan(items=0)
    item = services.item_create(actor=None, plan=plan, **item_fields(everyone=False, sections=[section], sessions=3))
    activity = ActivityFactory(title="旧改业务培训")
    held = SessionFactory(activity=activity, date=dt.date(2026, 3, 10), hours=Decimal(4))
    later = SessionFactory(activity=activity, date=dt.date(2026, 3, 20), hours=Decimal(4))
    future = SessionFactory(activity=activity, date=dt.date(2026, 12, 1), hours=Decimal(4))
    for cadre in [*people[:2], outsider]:
        AttendanceFactory(session=held, cadre=cadre)
    AttendanceFactory(session=later, cadre=people[0])
    AttendanceFactory(session=later, cadre=people[3], status=AttendanceStatus.ABSENT)
    AttendanceFactory(session=future, cadre=people[3])  # not held yet: not counted
    services.link_create(actor=None, item=item, activity=activity)
    row = plan_execution(plan, dt.date(2026, 11, 30)).rows[0]
    assert (row.sessions_done, row.hours_done) == (2, Decimal(8))
    assert row.reached == 3  # two of the 科室 and one from elsewhere, each once
    assert row.audience_size == 4 and row.reached_in_audience == 2
    assert row.share == Decimal("50.0")
    assert not row.overdue


def test_audience_by_group_and_tag():
    tag = TagFactory(name="业务骨干")
    tagged = CadreFactory(section=SectionFactory(name="甲科"))
    tagged.tags.add(tag)
    CadreFactory(section=SectionFactory(name="乙科"))
    leaderish = CadreFactory(section=SectionFactory(name="局领导"), leadership_level="division_chief")
    plan = make_plan(items=0)
    services.item_create(actor=None, plan=plan, **item_fields(everyone=False, tags=[tag]))
    services.item_create(actor=None, plan=plan, **item_fields(everyone=False, groups=["leader"]))
    services.item_create(actor=None, plan=plan, **item_fields(everyone=True))
    rows = plan_execution(plan, dt.date(2026, 6, 1)).rows
    assert [r.audience_size for r in rows] == [1, 1, 3]
    assert leaderish.pk and rows[0].share == Decimal("0.0")
    assert [r.audience for r in rows] == ["标签：业务骨干", "群体：领导干部", "全体干部"]


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(dt.date(2026, 3, 31), False), (dt.date(2026, 4, 1), True), (dt.date(2027, 1, 1), True)],
)
def test_an_item_is_overdue_the_day_after_its_last_month_when_nothing_was_held(today, overdue):
    plan = make_plan(items=0)
    item = services.item_create(actor=None, plan=plan, **item_fields(months=[2, 3]))
    assert is_overdue(item, 2026, today, sessions_done=0) is overdue
    assert is_overdue(item, 2026, today, sessions_done=1) is False
    assert (plan_execution(plan, today).overdue != []) is overdue


def test_activities_outside_the_plan_are_the_professional_classrooms_of_the_units_year():
    plan = make_plan(items=1)
    linked = ActivityFactory(title="已关联")
    SessionFactory(activity=linked, date=dt.date(2026, 5, 1))
    services.link_create(actor=None, item=plan.items.get(), activity=linked)
    outside = ActivityFactory(title="计划外专题培训", kind=ActivityKindFactory(name="专题培训班"))
    SessionFactory(activity=outside, date=dt.date(2026, 6, 1))
    SessionFactory(activity=outside, date=dt.date(2026, 6, 2))
    SessionFactory(activity=ActivityFactory(title="去年的"), date=dt.date(2025, 6, 1))
    theory = ActivityFactory(title="中心组", kind=ActivityKindFactory(name="中心组学习", classroom="theory"))
    SessionFactory(activity=theory, date=dt.date(2026, 6, 1))
    execution = plan_execution(plan, dt.date(2026, 11, 30))
    assert [(o.activity.title, o.sessions, o.first_date) for o in execution.outside] == [
        ("计划外专题培训", 2, dt.date(2026, 6, 1))
    ]


def _queries(plan) -> int:
    with CaptureQueriesContext(connection) as captured:
        plan_execution(plan, dt.date(2026, 11, 30))
    return len(captured)


def _grow(plan, n: int, tag) -> None:
    unit = plan.unit
    for i in range(n):
        item = services.item_create(
            actor=None, plan=plan, **item_fields(everyone=False, groups=["young"], tags=[tag], title=f"项目{i}")
        )
        activity = ActivityFactory(title=f"活动{plan.pk}-{i}", unit=unit)
        session = SessionFactory(activity=activity, date=dt.date(2026, 4, 1))
        AttendanceFactory(session=session, cadre=CadreFactory())
        services.link_create(actor=None, item=item, activity=activity)
        SessionFactory(activity=ActivityFactory(title=f"外{plan.pk}-{i}", unit=unit), date=dt.date(2026, 5, 1))


def test_the_execution_reads_in_queries_that_do_not_grow_with_the_plan():
    tag = TagFactory(name="内训师")
    small = make_plan(year=2026, items=0)
    large = services.plan_create(actor=None, unit=UnitFactory(name="下属单位", code="SUB", parent=home()), year=2026)
    _grow(small, 1, tag)
    _grow(large, 6, tag)
    _queries(small)  # settings read once and cached
    with CaptureQueriesContext(connection) as a:
        plan_execution(small, dt.date(2026, 11, 30))
    with CaptureQueriesContext(connection) as b:
        plan_execution(large, dt.date(2026, 11, 30))
    assert len(a) == len(b)
