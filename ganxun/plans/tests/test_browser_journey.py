"""The training administrator drafts this year's plan in Chromium, adds an item, links an activity already held
from the plan page and sees planned against done.  Desktop and phone screenshots go to test-artifacts/
(plans-*.png).  Runs against Debian's /usr/bin/chromium; when it is missing the test FAILS."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, UserFactory
from ganxun.roster.tests.test_browser import ARTIFACTS, TIMEOUT_MS, browser  # noqa: F401  (the browser fixture)
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, AttendanceFactory, SessionFactory

from ..models import PlanLink, TrainingPlan

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"plans-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"plans-{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def login(browser: Browser, live_server, username: str) -> Page:  # noqa: F811
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/(?!accounts/login).*"))
    return page


@pytest.mark.django_db(transaction=True)
def test_admin_drafts_the_plan_links_an_activity_and_sees_planned_vs_done(live_server, browser):  # noqa: F811
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser) -> None:  # noqa: F811
    year = timezone.localdate().year
    kind = ActivityKindFactory(name="全员培训班")  # the seeded kind (a live-server test may follow a flush)
    ActivityKindFactory(name="现场教学")
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    people = [CadreFactory() for _ in range(4)]
    activity = ActivityFactory(title="全员业务能力提升培训（第一期）", kind=kind)
    session = SessionFactory(activity=activity, date=dt.date(year, 1, 8), hours=Decimal(4))
    for cadre in people[:3]:
        AttendanceFactory(session=session, cadre=cadre)

    page = login(browser, live_server, "peixun")
    page.goto(live_server.url + reverse("plans:plan_list"))
    expect(page.locator("h1")).to_have_text("年度干教计划")
    page.locator("#plan-create").click()
    expect(page.locator("#plan-title")).to_contain_text(f"{year}年度干部教育培训计划")
    expect(page.locator("#plan-status")).to_contain_text("草稿")

    page.locator("#item-add").click()
    form = page.locator("#item-form")
    form.locator("select[name=kind]").select_option(label="全员培训班")
    form.locator("input[name=title]").fill("全员业务能力提升培训")
    form.locator("input[name=everyone]").check()
    form.locator("input[name=sessions]").fill("2")
    form.locator("input[name=hours]").fill("8")
    form.locator("button[type=submit]").first.click()
    expect(page.locator("#item-form .invalid-feedback").first).to_contain_text("必填")  # no month chosen
    form.locator("input[name=months][value='1']").check()
    form.locator("input[name=months][value='6']").check()
    shot(page, "1-item-form")
    form.locator("button[type=submit]").first.click()
    expect(page.locator(".alert-success")).to_contain_text("项目已添加")
    expect(page.locator("#outside")).to_contain_text("全员业务能力提升培训（第一期）")
    shot(page, "2-drafted")

    link = page.locator("#link-form")
    link.locator("select[name=activity]").select_option(label="全员业务能力提升培训（第一期）")
    link.locator("select[name=item]").select_option(index=1)
    link.locator("#link-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已关联计划项目")
    row = page.locator("#plan-items tr[data-item='1']")
    expect(row).to_contain_text("1 / 2")  # sessions done / planned
    expect(row).to_contain_text("4 / 8")  # 学时
    expect(row).to_contain_text("3 / 4")  # people reached / audience
    expect(row).to_contain_text("75.0%")
    expect(row.locator(".linked-activity")).to_contain_text("全员业务能力提升培训（第一期）")
    expect(page.locator("#outside")).to_have_count(0)
    shot(page, "3-planned-vs-done")
    plan = TrainingPlan.objects.get(year=year)
    assert PlanLink.objects.get().item.plan == plan
    page.close()
