"""An administrator sets nothing by hand: the menu exists; they open the gaps, drill down to a 科室's cadres,
enrol those lacking a topic into the coming class in one step, and a cadre sees on their menu what they lack and
that they are enrolled.  Desktop and phone screenshots go to /tmp/shots-menu/.  Runs against Debian's
/usr/bin/chromium; when it is missing the test FAILS."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import TIMEOUT_MS, browser  # noqa: F401  (the browser fixture)
from ganxun.training.models import Enrolment, TopicModule
from ganxun.training.tests.factories import ActivityFactory, AttendanceFactory, SessionFactory

from .factories import NeedFactory, PostFamilyFactory, PostNameFactory

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path("/tmp/shots-menu")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"menu-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"menu-{name}-phone.png"), full_page=True)
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
def test_admin_enrols_the_cadres_lacking_a_topic_and_the_cadre_sees_it(live_server, browser):  # noqa: F811
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser) -> None:  # noqa: F811
    # The kinds and topic modules training's migration seeds: a live-server test may start after a flush.
    importlib.import_module("ganxun.training.migrations.0002_seed_kinds_and_topics").seed(apps, None)
    today = timezone.localdate()
    housing, law = TopicModule.objects.get(name="住房保障"), TopicModule.objects.get(name="依法行政")
    family = PostFamilyFactory(name="业务科员")
    PostNameFactory(family=family, name="科员")
    NeedFactory(family=family, topic=housing, requirement="required", every_years=2)
    NeedFactory(family=family, topic=law, requirement="elective", every_years=3)
    one, two = SectionFactory(name="住房保障科"), SectionFactory(name="法规科")
    ouyang = CadreFactory(section=one, post="科员", name="欧阳明轩")
    CadreFactory(section=one, post="科员", name="沈佳怡")
    done = CadreFactory(section=two, post="科员", name="李建国")
    AttendanceFactory(cadre=done, session=SessionFactory(activity=ActivityFactory(topic=housing), date=today))
    coming = ActivityFactory(topic=housing, title="保障性租赁住房专题培训班", unit=one.unit)
    SessionFactory(activity=coming, date=today + dt.timedelta(days=9))
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    UserFactory(username="ouyang", role=Role.CADRE, cadre=ouyang)

    page = login(browser, live_server, "peixun")
    page.goto(live_server.url + reverse("menu:menu_list"))
    expect(page.locator('[data-family="业务科员"] [data-need]')).to_have_count(2)
    shot(page, "menu")
    page.goto(live_server.url + reverse("menu:gaps"))
    expect(page.locator('[data-figure="with-menu"]')).to_have_text("3")
    expect(page.locator('[data-figure="with-required-gap"]')).to_have_text("2")
    expect(page.locator('[data-section="住房保障科"] [data-required-cadres]')).to_have_text("2")
    shot(page, "gaps")
    page.locator('[data-section="住房保障科"] a').click()
    expect(page.locator("[data-cadre]")).to_have_count(2)
    expect(page.locator('[data-cadre="欧阳明轩"]')).to_contain_text("住房保障")
    shot(page, "cadres")
    page.goto(live_server.url + reverse("menu:gaps"))
    page.locator('[data-need="业务科员·住房保障"]').get_by_role("link", name="一键报名").click()
    expect(page.locator('[data-figure="lacking"]')).to_contain_text("2")
    page.get_by_label("活动").select_option(value=str(coming.pk))
    shot(page, "enrol")
    page.get_by_role("button", name="一键报名").click()
    expect(page.locator(".alert-success, .alert")).to_contain_text("已为2人报名")
    assert Enrolment.objects.filter(activity=coming).count() == 2
    page.close()

    page = login(browser, live_server, "ouyang")
    page.goto(live_server.url + reverse("menu:my_menu"))
    line = page.locator('[data-topic="住房保障"]')
    expect(line).to_have_attribute("data-gap", "1")
    expect(line).to_contain_text("保障性租赁住房专题培训班")
    expect(line).to_contain_text("已报名")
    shot(page, "mine")
    page.close()
