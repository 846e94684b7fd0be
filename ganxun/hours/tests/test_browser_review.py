"""A training administrator works through 学时审核 in Chromium: filters by 科室 (HTMX), selects every report on the
page, returns them for changes with one reason; the cadre corrects one and resubmits it.

Runs against Debian's /usr/bin/chromium like the roster's browser test (it FAILS rather than skips without it).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from ganxun.accounts.models import Role
from ganxun.hours.models import EntryStatus, LedgerEntry
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import TIMEOUT_MS, shot
from ganxun.roster.tests.test_browser import browser as browser

from .factories import SelfReportFactory

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_admin_returns_a_filtered_batch_and_the_cadre_resubmits(live_server, browser: Browser):
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()  # Playwright's loop left the ORM a connection of its own


def login(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("accounts:login") not in url)


def journey(live_server, browser: Browser) -> None:
    security, office = SectionFactory(name="房屋安全科"), SectionFactory(name="办公室")
    zhao = CadreFactory(section=security, name="赵安全")
    UserFactory(username="zhao", role=Role.CADRE, cadre=zhao)
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    day = timezone.localdate() - dt.timedelta(days=3)
    mine = [SelfReportFactory(cadre=zhao, date=day - dt.timedelta(days=n), hours=Decimal(2)) for n in range(3)]
    other = SelfReportFactory(cadre=CadreFactory(section=office, name="钱办公"), date=day)

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    login(page, live_server, "peixun")
    queue = live_server.url + reverse("hours:self_report_queue")
    page.goto(queue)
    expect(page.locator("input[name=entries]")).to_have_count(4)

    # Filter by 科室: HTMX swaps the table and the address follows.
    page.select_option("#id_section", label="房屋安全科")
    page.wait_for_url(re.compile(r"section=\d+"))
    expect(page.locator("input[name=entries]")).to_have_count(3)

    # Select all on the page, type one reason, return them together.
    page.locator("[data-select-all]").check()
    expect(page.locator("[data-selected-count] span")).to_have_text("3")
    page.fill("#batch-reason", "请补充学习笔记")
    page.get_by_role("button", name="退回所选修改").click()
    expect(page.locator(".alert")).to_contain_text("已将 3 份申报退回修改。")
    shot(page, "hours-review-batch")
    assert page.url.endswith(f"?section={security.pk}")
    for entry in mine:
        entry.refresh_from_db()
        assert (entry.status, entry.reason) == (EntryStatus.RETURNED, "请补充学习笔记")
    other.refresh_from_db()
    assert other.status == EntryStatus.PENDING

    # The cadre corrects one on their phone and sends it back.
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.set_default_timeout(TIMEOUT_MS)
    login(phone, live_server, "zhao")
    phone.goto(live_server.url + reverse("hours:self_report_detail", args=[mine[0].pk]))
    phone.get_by_role("link", name="修改并重新提交").click()
    expect(phone.locator("[data-returned]")).to_contain_text("请补充学习笔记")
    phone.fill("#id_evidence", "学习笔记三页，已补充")
    phone.get_by_role("button", name="重新提交审核").click()
    phone.wait_for_url(live_server.url + reverse("hours:my_learning"))
    mine[0].refresh_from_db()
    assert (mine[0].status, mine[0].evidence) == (EntryStatus.PENDING, "学习笔记三页，已补充")
    assert LedgerEntry.objects.filter(status=EntryStatus.RETURNED).count() == 2
