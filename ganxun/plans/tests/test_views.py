"""The plan's pages over HTTP: drafting an item with a clear message, the page's planned vs done, linking and
unlinking from it, a change after approval asking for its reason, and the page's queries not growing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, AttendanceFactory, SessionFactory

from .. import services
from ..models import PlanLink, PlanRevision
from .helpers import admin, item_fields, make_plan

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


@pytest.fixture
def admin_client(client):
    client.force_login(admin())
    return client


def test_an_item_is_added_through_the_form_and_bad_months_are_named(admin_client):
    plan = make_plan(year=YEAR, items=0)
    kind = ActivityKindFactory(name="初任培训班")
    url = reverse("plans:item_create", args=[plan.pk])
    data = {"kind": kind.pk, "title": "新录用人员初任培训", "groups": ["new_recruit"], "sessions": 6, "hours": "24"}
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert "计划月份" in response.content.decode() and "这个字段是必填项" in response.content.decode()
    response = admin_client.post(url, {**data, "months": ["4", "5"]})
    assert response.status_code == 302
    item = plan.items.get()
    assert item.months == [4, 5] and item.groups == ["new_recruit"] and item.number == 1
    response = admin_client.post(url, {**data, "groups": [], "months": ["4"]})
    assert response.status_code == 400 and "培训对象：请选择" in response.content.decode()


def test_the_plan_page_shows_planned_against_done_and_links_from_it(admin_client):
    plan = make_plan(year=YEAR, items=1)
    item = plan.items.get()
    activity = ActivityFactory(title="全员培训第一期")
    session = SessionFactory(activity=activity, date=dt.date(YEAR, 1, 5), hours=Decimal(4))
    AttendanceFactory(session=session)
    url = reverse("plans:plan_detail", args=[plan.pk])
    page = admin_client.get(url).content.decode()
    assert "计划外活动" in page and "全员培训第一期" in page
    response = admin_client.post(
        reverse("plans:link_create", args=[plan.pk]), {"activity": activity.pk, "item": item.pk}
    )
    assert response.status_code == 302
    link = PlanLink.objects.get()
    response = admin_client.get(url)
    row = response.context["execution"].rows[0]
    assert (row.sessions_done, row.hours_done, row.reached) == (1, Decimal(4), 1)
    assert response.context["execution"].outside == []
    assert "1 / 2" in response.content.decode()
    admin_client.post(reverse("plans:link_delete", args=[link.pk]))
    assert not PlanLink.objects.exists()


def test_a_link_to_an_activity_of_another_year_gives_a_message(admin_client):
    plan = make_plan(year=YEAR, items=1)
    old = ActivityFactory(title="前年的培训")
    SessionFactory(activity=old, date=dt.date(YEAR - 2, 5, 1))
    response = admin_client.post(
        reverse("plans:link_create", args=[plan.pk]), {"activity": old.pk, "item": plan.items.get().pk}, follow=True
    )
    assert "活动：" in response.content.decode() and not PlanLink.objects.exists()


def test_after_approval_an_item_change_asks_for_its_reason(admin_client):
    plan = make_plan(year=YEAR, items=1)
    services.plan_submit(actor=None, plan=plan)
    services.plan_approve(actor=None, plan=plan)
    item = plan.items.get()
    url = reverse("plans:item_update", args=[item.pk])
    data = {"number": 1, "kind": item.kind_id, "title": "全员培训（调整）", "everyone": "on", "months": ["3", "4"]}
    data.update(sessions=3, hours="12")
    response = admin_client.post(url, data)
    assert response.status_code == 400 and "变动原因" in response.content.decode()
    assert admin_client.post(url, {**data, "reason": "增加一期"}).status_code == 302
    revision = PlanRevision.objects.get(plan=plan, version=2)
    assert revision.reason == "增加一期" and "计划场次" in revision.summary
    assert "增加一期" in admin_client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()


def _grow(plan, n: int) -> None:
    for i in range(n):
        item = services.item_create(
            actor=None, plan=plan, **item_fields(title=f"项目{i}", everyone=False, groups=["young"])
        )
        activity = ActivityFactory(title=f"活动{i}")
        AttendanceFactory(session=SessionFactory(activity=activity, date=dt.date(YEAR, 1, 2)))
        services.link_create(actor=None, item=item, activity=activity)
        SessionFactory(activity=ActivityFactory(title=f"计划外{i}"), date=dt.date(YEAR, 1, 3))


def test_the_plan_page_and_list_do_not_grow_in_queries(admin_client, django_assert_max_num_queries):
    plan = make_plan(year=YEAR, items=0)
    _grow(plan, 1)
    url = reverse("plans:plan_detail", args=[plan.pk])
    admin_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    _grow(plan, 5)
    with django_assert_max_num_queries(len(small)):
        admin_client.get(url)
    for year in range(2000, 2010):
        services.plan_create(actor=None, unit=plan.unit, year=year)
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("plans:plan_list"))
