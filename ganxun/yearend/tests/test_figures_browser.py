"""The training administrator opens the records behind two year-end figures in Chromium (the 学时 entries summing to
the total, the cadres trained) and sees the label, value and definition on top.  Desktop and phone screenshots go to
test-artifacts/yearend/ (figures-*.png).  Runs against Debian's /usr/bin/chromium."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import Browser, expect

from ganxun.accounts.models import Role
from ganxun.core.tests.browser import login, screenshots
from ganxun.hours.models import Bucket
from ganxun.hours.tests.factories import LedgerEntryFactory
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.roster.tests.test_browser import browser  # noqa: F401  (the browser fixture)
from ganxun.yearend import figures

pytestmark = pytest.mark.browser
shot = screenshots("yearend", prefix="figures-")


@pytest.mark.django_db(transaction=True)
def test_admin_follows_a_figure_to_its_records(live_server, browser):  # noqa: F811
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser) -> None:  # noqa: F811
    year = timezone.localdate().year
    unit = Unit.objects.get(pk=home_unit_id())
    UserFactory(username="nianzhong", role=Role.TRAINING_ADMIN, cadre=None)
    people = [CadreFactory(name=name) for name in ("王建国", "李秀英", "张伟")]
    for n, cadre in enumerate(people[:2]):
        LedgerEntryFactory(cadre=cadre, date=dt.date(year, 1, 1), hours=Decimal("4"), title="全员培训（第一期）")
        LedgerEntryFactory(
            cadre=cadre, date=dt.date(year, 3, 5 + n), hours=Decimal("2.5"), bucket=Bucket.ONLINE, title="网络学院课程"
        )
    page = login(browser, live_server, "nianzhong")
    page.goto(live_server.url + figures.records_url("hours_total", year, unit))
    expect(page.locator("h1")).to_contain_text("学时总数")
    expect(page.locator("[data-figure-value]")).to_have_text("13.00")
    expect(page.locator("[data-figure-definition]")).to_contain_text("不计类别上限")
    expect(page.locator("[data-record]")).to_have_count(4)
    shot(page, "hours")
    page.goto(live_server.url + figures.records_url("cadres_trained", year, unit))
    expect(page.locator("[data-figure-value]")).to_have_text("2")
    expect(page.locator("[data-record]")).to_have_count(2)
    page.get_by_role("link", name="王建国").click()
    expect(page).to_have_url(re.compile(r"/roster/"))
    page.go_back()
    shot(page, "trained")
