"""The hours pages as people see them: compliance at 1366 px, the archive and 我的学习 on a 390 px phone.

Runs against Debian's /usr/bin/chromium; a missing browser FAILS the test rather than skipping it.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page

from ganxun.accounts.models import Role
from ganxun.attendance.tests.test_browser_checkin import PHONE, browser, seed_rules_and_kinds  # noqa: F401
from ganxun.hours.models import Bucket, EntryStatus, Source
from ganxun.roster.models import Rank
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import TIMEOUT_MS, shot
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from .factories import LedgerEntryFactory, SelfReportFactory

pytestmark = pytest.mark.browser
D = Decimal
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}

# Every element of the page's main part that reaches past the right edge of the window, and every
# scrolling box that hides part of what it holds: on a phone, either means the reader scrolls sideways.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll("main *")) {
    const box = el.getBoundingClientRect();
    if (box.width > 1 && box.right > width + 1) wide.push(el.tagName + "." + el.className + " " + Math.round(box.right));
    if (box.width > 1 && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible") {
      wide.push("scroller " + el.tagName + "." + el.className + " " + el.scrollWidth + ">" + el.clientWidth);
    }
  }
  return {page: document.scrollingElement.scrollWidth, width: width, wide: wide.slice(0, 10)};
}"""


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def assert_fits(page: Page) -> None:
    fit = page.evaluate(OVERFLOW)
    assert fit["page"] <= fit["width"], fit
    assert not fit["wide"], fit


@pytest.mark.django_db(transaction=True)
def test_compliance_tables_fit_a_1366_screen(live_server, browser: Browser):  # noqa: F811
    try:
        today = timezone.localdate()
        seed_rules_and_kinds(today.year)
        section = SectionFactory(name="旧区改造科")
        for n in range(6):
            cadre = CadreFactory(section=section, rank=Rank.RESEARCHER_4 if n == 0 else Rank.CLERK_1)
            LedgerEntryFactory(cadre=cadre, date=today.replace(month=1, day=2), hours=D("1234.5"), bucket=Bucket.ONLINE)
            LedgerEntryFactory(cadre=cadre, date=today.replace(month=1, day=3), hours=D(n * 7), bucket=Bucket.PRACTICE)
        UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
        page = browser.new_context(**DESKTOP).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        log_in(page, live_server, "peixun")
        for name, url in (
            ("compliance-overview", reverse("hours:compliance")),
            ("compliance-section", reverse("hours:compliance_section", args=[section.pk])),
            ("compliance-cadres", reverse("hours:compliance_cadres") + "?standing=off_track"),
        ):
            page.goto(live_server.url + url)
            standing = page.locator("main table thead th", has_text="完成情况").first
            assert standing.is_visible()
            assert standing.bounding_box()["x"] + standing.bounding_box()["width"] <= 1366
            assert_fits(page)
            shot(page, name)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_the_archive_and_my_learning_are_lists_on_a_phone(live_server, browser: Browser):  # noqa: F811
    try:
        today = timezone.localdate()
        seed_rules_and_kinds(today.year)
        cadre = CadreFactory(name="沈佳怡", section=SectionFactory(name="住房保障科"), rank=Rank.CLERK_1)
        UserFactory(username="shenjiayi", role=Role.CADRE, cadre=cadre)
        induction = ActivityFactory(title=f"{today.year}年新录用人员入职培训班（第一期）", kind__name="初任培训")
        EnrolmentFactory(activity=induction, cadre=cadre)
        first = today.replace(month=1, day=5)
        for day in range(10):
            session = SessionFactory(activity=induction, date=first + dt.timedelta(days=day))
            LedgerEntryFactory(
                cadre=cadre,
                date=session.date,
                hours=D(4),
                source=Source.SESSION,
                source_id=session.pk,
                title=f"{induction.title}（{session.date:%Y-%m-%d}）",
            )
        SessionFactory(activity=induction, date=today + dt.timedelta(days=3))
        SelfReportFactory(
            cadre=cadre,
            date=today.replace(month=1, day=20),
            title="干部在线学习：第一季度课程学习（含《习近平新时代中国特色社会主义思想》专题）",
            evidence="干部在线学习平台学时证明截图（9门课程），平台编号GX-2026-000123456789",
            bucket=Bucket.ONLINE,
            hours=D("12.5"),
        )
        SelfReportFactory(cadre=cadre, date=today.replace(month=1, day=21), status=EntryStatus.REJECTED, reason="重复")
        page = browser.new_context(**PHONE).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        log_in(page, live_server, "shenjiayi")
        page.goto(live_server.url + reverse("hours:cadre_archive", args=[cadre.pk]))
        assert page.locator("[data-counted] tbody tr").count() == 1  # ten half-days, one line
        assert_fits(page)
        shot(page, "archive-phone")
        page.goto(live_server.url + reverse("hours:my_learning"))
        assert_fits(page)
        shot(page, "my-learning-phone")
    finally:
        connections.close_all()
