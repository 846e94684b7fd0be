"""A recruit opens their reminders in Chromium on a phone and marks one read; the section head opens the behind
list and the weekly digest.  Desktop and phone screenshots go to test-artifacts/reminders/.  Runs against
Debian's /usr/bin/chromium; when it is missing the test FAILS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from ganxun.accounts.models import Role
from ganxun.core.tests.browser import login, screenshots
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import browser  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.browser
shot = screenshots("reminders")


@pytest.mark.django_db(transaction=True)
def test_a_recruit_reads_their_reminders_and_the_head_sees_the_section(live_server, browser):  # noqa: F811
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser) -> None:  # noqa: F811
    today = timezone.localdate()
    section = SectionFactory(name="旧区改造科")
    recruit = CadreFactory(
        section=section,
        name="王小明",
        hire_date=today - dt.timedelta(days=350),
        probation_end=today + dt.timedelta(days=14),
    )
    CadreFactory(section=section, name="陈晓红", hire_date=dt.date(2012, 3, 1))
    head = CadreFactory(section=section, name="李科长", leadership_level="section_chief")
    UserFactory(username="xiaoming", role=Role.CADRE, cadre=recruit)
    UserFactory(username="kezhang", role=Role.SECTION_HEAD, cadre=head)

    page = login(browser, live_server, "xiaoming")
    page.goto(live_server.url + reverse("reminders:mine"))
    expect(page.locator("h1")).to_contain_text("我的提醒")
    induction = page.locator('[data-deadline="induction"]')
    expect(induction).to_contain_text("试用期内参加初任培训")
    expect(induction).to_contain_text("即将到期")
    shot(page, "mine")
    unread = int(page.locator("[data-unread]").inner_text())
    induction.get_by_role("button", name="标为已读").click()
    expect(page.locator(".alert-success, .alert")).to_contain_text("已标为已读")
    expect(page.locator("[data-unread]")).to_have_text(str(unread - 1))
    page.close()

    page = login(browser, live_server, "kezhang")
    page.goto(live_server.url + reverse("reminders:behind"))
    expect(page.locator("[data-behind]")).to_contain_text("王小明")
    shot(page, "behind")
    page.get_by_role("link", name="每周提醒汇总").first.click()
    expect(page.locator("h1")).to_contain_text("每周提醒汇总")
    shot(page, "digest")
    page.close()
