"""A 领导干部 opens the home page in Chromium: the charts are drawn (SVG), no console error, the table behind a chart
shows on request; then the training administrator's home.  Desktop and phone screenshots go to
test-artifacts/dashboard/.  Runs against Debian's /usr/bin/chromium; when it is missing the test FAILS."""

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
from ganxun.hours.models import Bucket
from ganxun.hours.tests.factories import LedgerEntryFactory
from ganxun.plans.models import PlanItem, PlanLink, TrainingPlan
from ganxun.roster.models import Unit
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, SectionFactory, UnitFactory, UserFactory
from ganxun.roster.tests.test_browser import ARTIFACTS, TIMEOUT_MS, browser  # noqa: F401  (the browser fixture)
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, SessionFactory

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = ARTIFACTS / "dashboard"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)  # the charts follow the width (ResizeObserver)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def login(browser: Browser, live_server, username: str, errors: list[str]) -> Page:  # noqa: F811
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/(?!accounts/login).*"))
    return page


def year_of_records() -> None:
    year = timezone.localdate().year
    home = Unit.objects.get(parent=None)
    below = [
        UnitFactory(name=name, code=f"DB{n}", parent=home) for n, name in enumerate(("征收事务所", "物业管理中心"))
    ]
    sections = [SectionFactory(name=name, unit=home) for name in ("办公室", "住房保障科", "房屋征收科", "物业管理科")]
    sections += [SectionFactory(name=f"{unit.name}综合科", unit=unit) for unit in below]
    theory = ActivityKindFactory(name="中心组学习", classroom="theory", bucket="study_group", unit="hour")
    professional = ActivityKindFactory(name="全员培训班")
    practice = ActivityKindFactory(name="看板实践活动", classroom="practice", bucket="practice", unit="hour")
    # Each month a cadre attends a class, learns online, and now and then studies in the group or in practice.
    month_plan = [(Bucket.CENTRALISED, 4), (Bucket.ONLINE, 3), (Bucket.STUDY_GROUP, 2), (Bucket.PRACTICE, 2)]
    for s, section in enumerate(sections):
        for c in range(3 + s % 3):
            cadre = CadreFactory(section=section, name=f"干部{s}{c}")
            keen = (s + c) % 3 == 0  # a third of them well ahead
            for month in range(1, 12):
                for b, (bucket, hours) in enumerate(month_plan):
                    if (month + b + c) % (2 if keen else 3) == 0 or (bucket == Bucket.ONLINE and (month + c) % 2):
                        LedgerEntryFactory(
                            cadre=cadre,
                            date=dt.date(year, month, 1 + (s + c + b) % 27),
                            hours=Decimal(hours * (3 if keen else 2)),
                            bucket=bucket,
                        )
    plan = TrainingPlan.objects.create(unit=home, year=year, title=f"{year}年度干部教育培训计划")
    titles = ("习近平新时代中国特色社会主义思想专题学习", "全员业务能力提升培训", "民生实事项目现场教学")
    for number, (kind, title) in enumerate(zip((theory, professional, practice), titles, strict=True), start=1):
        item = PlanItem.objects.create(
            plan=plan, number=number, kind=kind, title=title, everyone=True, months=[3, 6, 9], sessions=4,
            hours=Decimal(12),
        )  # fmt: skip
        activity = ActivityFactory(kind=kind, unit=home, title=title)
        PlanLink.objects.create(activity=activity, item=item)
        for month in range(number, 12, 2 + number):
            SessionFactory(activity=activity, date=dt.date(year, month, 10))
    for month in range(1, 12):
        SessionFactory(activity=ActivityFactory(kind=professional, unit=below[0]), date=dt.date(year, month, 15))
    leader = CadreFactory(section=sections[0], name="王局长", leadership_level="division_chief")
    UserFactory(username="juzhang", role=Role.CADRE, cadre=leader)
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)


@pytest.mark.django_db(transaction=True)
def test_a_leader_opens_the_dashboard(live_server, browser):  # noqa: F811
    try:
        year_of_records()
        errors: list[str] = []
        page = login(browser, live_server, "juzhang", errors)
        page.goto(live_server.url + reverse("core:home"))
        expect(page.locator("#dashboard-heading")).to_contain_text("数据看板")
        for key in ("hours", "activities", "sections", "tiers", "online", "plan", "units"):
            card = page.locator(f'[data-chart-card="{key}"]')
            expect(card.locator(".dash-chart svg").first).to_be_visible()
        card = page.locator('[data-chart-card="units"]')
        table = card.locator(".dash-table")
        expect(table).to_have_class(re.compile("visually-hidden"))  # kept for screen readers, shown on request
        card.get_by_role("button", name="显示数据表").click()
        expect(table).not_to_have_class(re.compile("visually-hidden"))
        expect(table.locator("tbody tr").first).to_contain_text("（本级）")
        expect(card.get_by_role("button", name="收起数据表")).to_be_visible()
        shot(page, "leader-home")
        page.set_viewport_size(PHONE)
        for key in ("hours", "sections", "plan", "units"):  # each card on a phone, to look at closely
            page.locator(f'[data-chart-card="{key}"]').screenshot(path=str(SHOTS / f"phone-card-{key}.png"))
        page.set_viewport_size(DESKTOP)
        page.emulate_media(media="print")
        page.screenshot(path=str(SHOTS / "leader-home-print.png"), full_page=True)
        page.emulate_media(media="screen")
        assert not errors, errors

        admin = login(browser, live_server, "peixun", errors)
        admin.goto(live_server.url + reverse("core:home"))
        expect(admin.locator('[data-chart-card="sections"] .dash-chart svg').first).to_be_visible()
        admin.locator('[data-chart-card="hours"]').scroll_into_view_if_needed()
        shot(admin, "admin-home")
        assert not errors, errors
    finally:
        connections.close_all()
