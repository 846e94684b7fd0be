"""The training administrator of 区房管局 opens the statistics tables and the 考核 list for 2025 in Chromium,
filters the list by 科室 and result, and downloads both workbooks.  Desktop and phone screenshots go to
test-artifacts/orgstats/.  Runs against Debian's /usr/bin/chromium; when it is missing the test FAILS."""

from __future__ import annotations

import io

import pytest
from django.db import connections
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from ganxun.roster.tests.test_browser import ARTIFACTS, TIMEOUT_MS, browser  # noqa: F401  (the browser fixture)
from ganxun.training.tests.factories import ActivityKindFactory

from ...plans.tests.test_browser_journey import DESKTOP, PHONE, login
from .world import YEAR, StatsWorld

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "orgstats"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db(transaction=True)
def test_admin_reads_the_tables_and_the_assessment(live_server, browser):  # noqa: F811
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser) -> None:  # noqa: F811
    ActivityKindFactory(name="全员培训班")  # the seeded kind (a live-server test may follow a flush)
    StatsWorld()
    page = login(browser, live_server, "os_admin")
    page.goto(live_server.url + reverse("orgstats:tables") + f"?year={YEAR}")
    expect(page.locator("h1")).to_have_text("统计报表")
    total = page.locator('[data-table="1"] tr[data-line="total"] td')
    expect(total.nth(0)).to_have_text("7")
    expect(page.locator('[data-table="2"]')).to_contain_text("房管所")
    shot(page, "tables")
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "tables-print.png"), full_page=True)
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.locator("[data-export]").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames == ["本单位", "下属单位"]

    page.get_by_role("link", name="年度考核").click()
    expect(page.locator("h1")).to_have_text("年度考核")
    shot(page, "assessment")
    page.locator("#id_section").select_option(label="业务科")
    page.locator("#id_result").select_option(value="not_met")
    page.locator("form[data-choose] button[type=submit]").click()
    expect(page.locator("[data-assessment] tbody tr")).to_have_count(2)
    shot(page, "assessment-filtered")
    with page.expect_download() as download:
        page.locator("[data-export]").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert [row[1] for row in sheet.iter_rows(min_row=6, values_only=True)] == ["丁", "戊"]
