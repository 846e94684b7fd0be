"""The training administrator records a 加装电梯 site in Chromium, links the 现场教学 held there from the site's page
and sees its sessions, people and 学时; the activity's page names the site.  Desktop and phone screenshots go to
test-artifacts/sites/.  Runs against Debian's /usr/bin/chromium; when it is missing the test FAILS."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from ganxun.accounts.models import Role
from ganxun.core.tests.browser import PHONE, login, screenshots
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, AttendanceFactory, SessionFactory

from ..models import Site

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "sites"
shot = screenshots("sites")


@pytest.mark.django_db(transaction=True)
def test_admin_records_a_site_links_the_activity_held_there_and_a_cadre_reads_it(live_server, browser):  # noqa: F811
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser) -> None:  # noqa: F811
    year = timezone.localdate().year
    onsite = ActivityKindFactory(name="现场教学")
    section = SectionFactory(name="物业管理科")
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    people = [CadreFactory(section=section) for _ in range(5)]
    UserFactory(username="ganbu", role=Role.CADRE, cadre=people[0])
    activity = ActivityFactory(title="加装电梯民生实事项目现场教学", kind=onsite, place="鞍山七村")
    for day, hours, present in ((dt.date(year, 5, 12), Decimal("3.5"), people[:4]), (dt.date(year, 5, 19), 2, people)):
        session = SessionFactory(activity=activity, date=day, hours=hours)
        for cadre in present:
            AttendanceFactory(session=session, cadre=cadre)
    ActivityFactory(title="“美丽家园”旧住房综合改造现场教学", kind=onsite)

    page = login(browser, live_server, "peixun")
    page.goto(live_server.url + reverse("sites:site_list"))
    expect(page.locator("h1")).to_have_text("现场教学点")
    page.get_by_role("link", name="新建教学点").click()
    page.fill("#id_name", "鞍山七村加装电梯项目")
    page.select_option("#id_kind", label="加装电梯")
    page.fill("#id_address", "长白新村街道 鞍山七村")
    page.select_option("#id_section", label="物业管理科")
    page.fill("#id_contact", "陈经理")
    page.fill("#id_contact_phone", "13816620731")
    shot(page, "site-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("鞍山七村加装电梯项目")
    site = Site.objects.get()
    page.select_option("#id_activity", label=f"{year}-05-12 加装电梯民生实事项目现场教学（现场教学）")
    page.get_by_role("button", name="关联").click()
    row = page.locator("[data-links] tbody tr").first
    expect(row).to_contain_text("加装电梯民生实事项目现场教学")
    expect(row.locator("td").nth(2)).to_have_text("2")  # sessions
    expect(row.locator("td").nth(3)).to_have_text("5")  # people present, each once
    expect(row.locator("td").nth(4)).to_have_text("5.5")  # 学时
    expect(page.locator(f"[data-years] tr[data-year='{year}']")).to_contain_text("5.5")
    expect(page.locator("[data-phone]")).to_have_text("138****0731")
    shot(page, "site-detail")

    page.goto(live_server.url + activity.get_absolute_url())
    expect(page.locator("[data-part=site]")).to_contain_text("鞍山七村加装电梯项目")
    shot(page, "activity-part")

    page.goto(live_server.url + reverse("sites:site_list") + f"?year={year}")
    expect(page.locator(f"[data-site='{site.pk}']")).to_contain_text("1")
    shot(page, "site-list")

    reader = login(browser, live_server, "ganbu")
    reader.goto(live_server.url + site.get_absolute_url())
    expect(reader.locator("h1")).to_have_text("鞍山七村加装电梯项目")
    expect(reader.locator("#id_activity")).to_have_count(0)
    reader.set_viewport_size(PHONE)
    reader.screenshot(path=str(SHOTS / "site-detail-cadre-phone.png"), full_page=True)
