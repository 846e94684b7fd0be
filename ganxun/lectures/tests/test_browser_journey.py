"""An administrator generates this year's schedule of 杨房课堂·月末讲坛 in Chromium, moves a lecture onto a Sunday
with a reason and sees the warning on the schedule; a cadre reads the printable schedule.  Desktop and phone
screenshots go to test-artifacts/ (lectures-*.png).  Runs against Debian's /usr/bin/chromium."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from ganxun.accounts.models import Role
from ganxun.attendance.models import Evaluation
from ganxun.lectures.models import LecturerKind, LecturerProfile, ScheduledLecture
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, UserFactory
from ganxun.roster.tests.test_browser import ARTIFACTS, TIMEOUT_MS, browser  # noqa: F401  (the browser fixture)
from ganxun.training.models import TopicModule
from ganxun.training.tests.factories import ActivityFactory, LecturerFactory, SessionFactory

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
YEAR = 2026  # covered by chinese-calendar 1.11.0; 2026-05-31 is a Sunday


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"lectures-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"lectures-{name}-phone.png"), full_page=True)
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
def test_admin_generates_the_year_and_moves_a_lecture_onto_a_sunday(live_server, browser):  # noqa: F811
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser) -> None:  # noqa: F811
    # The topic modules training's migration seeds: a live-server test may start after another one's flush.
    importlib.import_module("ganxun.training.migrations.0002_seed_kinds_and_topics").seed(apps, None)
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    UserFactory(username="xiaowang", role=Role.CADRE)
    head = CadreFactory(name="李科长")
    LecturerProfile.objects.create(cadre=head, kind=LecturerKind.SECTION_HEAD)
    held = SessionFactory(
        activity=ActivityFactory(title="保障性租赁住房政策解读", topic=TopicModule.objects.get(name="住房保障")),
        date=dt.date(YEAR, 4, 30),
    )
    LecturerFactory(activity=held.activity, cadre=head, outside_name="")
    Evaluation.objects.create(session=held, cadre=CadreFactory(), content=5, delivery=4, usefulness=5)

    page = login(browser, live_server, "peixun")
    page.goto(f"{live_server.url}{reverse('lectures:schedule')}?year={YEAR}")
    page.get_by_role("button", name=f"生成{YEAR}年讲坛安排").click()
    expect(page.get_by_text(f"已生成{YEAR}年讲坛安排。")).to_be_visible()
    expect(page.locator("tr[data-month]")).to_have_count(12)
    expect(page.locator('[data-date="2026-02-28"]')).to_contain_text("星期六")
    expect(page.locator("[data-source]")).to_contain_text("chinese-calendar 1.11.0")

    page.locator('tr[data-month="5"]').get_by_role("link", name="编辑").click()
    page.fill("#id_date", "2026-05-31")
    page.select_option("#id_topic", label="住房保障")
    page.fill("#id_title", "保障性租赁住房的筹集与管理")
    page.get_by_label("李科长").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("请填写将讲座从2026-05-29调整的原因")).to_be_visible()
    shot(page, "lecture-form")
    page.fill("#id_moved_reason", "主讲人工作日外出调研")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("2026-05-31（星期日）不是工作日")).to_be_visible()
    may = page.locator('tr[data-month="5"]')
    expect(may.locator("[data-warning]")).to_contain_text("非工作日")
    expect(may).to_contain_text("由2026-05-29调整")
    expect(may).to_contain_text("李科长")
    lecture = ScheduledLecture.objects.get(year=YEAR, month=5)
    assert (lecture.date, lecture.moved_reason) == (dt.date(2026, 5, 31), "主讲人工作日外出调研")
    shot(page, "schedule")
    page.goto(live_server.url + reverse("lectures:lecturer_list"))
    shot(page, "lecturers")
    page.get_by_role("link", name="李科长").click()
    expect(page.locator(f'[data-year="{YEAR}"] [data-scores]')).to_contain_text("内容 5.00")
    shot(page, "lecturer")
    page.goto(f"{live_server.url}{reverse('lectures:topic_lectures')}?year={YEAR}")
    topic = page.locator('tr[data-topic="住房保障"]')
    expect(topic).to_contain_text("保障性租赁住房的筹集与管理")
    expect(topic).to_contain_text("保障性租赁住房政策解读")
    shot(page, "topics")
    page.goto(f"{live_server.url}{reverse('lectures:calendar_list')}?year=2027")
    expect(page.locator("[data-source]")).to_contain_text("工作日未知")
    shot(page, "calendar")
    page.close()

    page = login(browser, live_server, "xiaowang")
    page.goto(f"{live_server.url}{reverse('lectures:schedule')}?year={YEAR}")
    expect(page.locator("tr[data-month]")).to_have_count(12)
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)
    shot(page, "schedule-cadre")
    page.emulate_media(media="print")
    expect(page.locator(".nav-tabs")).to_be_hidden()
    expect(page.locator("#year-picker")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "lectures-schedule-print.png"), full_page=True)
    page.close()
