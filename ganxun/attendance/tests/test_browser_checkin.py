"""An administrator sets up a lecture and puts the QR code on the screen; a cadre checks in on a phone.

Runs against Debian's /usr/bin/chromium (``apt-get install chromium``); when it is missing the test FAILS
rather than skips, so that CI cannot pass without the browser journeys.  Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ganxun.accounts.models import Role
from ganxun.hours.models import ConversionRule, EntryStatus, LedgerEntry, Source, Unit
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, shot
from ganxun.training.models import Activity, AttendanceStatus

from .. import checkin as tokens
from ..checkin import make_token
from ..models import Attendance

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
TITLE = "杨房月末讲坛第99讲：保障性租赁住房政策解读"


@pytest.fixture
def browser(monkeypatch) -> Browser:
    """The foundation's browser: Debian's Chromium, a failure (not a skip) when it is missing."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is needed for the browser tests and was not found at {CHROMIUM}: apt-get install chromium"
        )
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def seed_rules_and_kinds(year: int) -> None:
    """The kinds and the conversion rules the migrations seed: a transactional test may start after a flush."""
    for module in (
        "ganxun.training.migrations.0002_seed_kinds_and_topics",
        "ganxun.hours.migrations.0002_default_rules_2023_2027",
    ):
        importlib.import_module(module).seed(apps, None)
    ConversionRule.objects.get_or_create(
        year=year, unit=Unit.HOUR, defaults={"hours": Decimal(1), "rounding": "half_nearest"}
    )


def session_times() -> tuple[dt.date, dt.time, dt.time]:
    """A session under way now: begun a quarter of an hour ago, ending within the day."""
    now = timezone.localtime()
    start = max(now - dt.timedelta(minutes=15), now.replace(hour=0, minute=0, second=0, microsecond=0))
    end = min(start + dt.timedelta(hours=2), now.replace(hour=23, minute=59, second=0, microsecond=0))
    return now.date(), start.time().replace(second=0, microsecond=0), end.time().replace(second=0, microsecond=0)


def log_in(page: Page, username: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.mark.django_db(transaction=True)
def test_admin_puts_up_a_lecture_and_a_cadre_checks_in_on_a_phone(live_server, browser):
    try:
        checkin_journey(live_server, browser)
    finally:
        # While Playwright's loop runs, the ORM works on a connection of its own (asgiref's context-local
        # storage); close it here, or on PostgreSQL it outlives the test database and blocks its removal.
        connections.close_all()


def checkin_journey(live_server, browser: Browser) -> None:
    day, start, end = session_times()
    seed_rules_and_kinds(day.year)
    SectionFactory(name="组织人事科")
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    cadre = CadreFactory(name="沈佳怡", section=SectionFactory(name="住房保障科"))
    UserFactory(username="shenjiayi", role=Role.CADRE, cadre=cadre)

    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    admin.set_default_timeout(TIMEOUT_MS)
    admin.goto(live_server.url + reverse("accounts:login"))
    log_in(admin, "peixun")
    admin.wait_for_url(live_server.url + reverse("core:home"))

    # A new 月末讲坛 from the activity list.
    admin.goto(live_server.url + reverse("training:activity_list"))
    admin.locator(f"a[href='{reverse('training:activity_create')}']").first.click()
    admin.fill("#id_title", TITLE)
    admin.select_option("#id_kind", label="月末讲坛")
    admin.select_option("#id_topic", label="住房保障")
    admin.select_option("#id_organiser", label="组织人事科")
    admin.fill("#id_place", "局机关四楼大会议室")
    admin.locator("main form button[type=submit]").first.click()
    activity = Activity.objects.get(title=TITLE)
    admin.wait_for_url(re.compile(re.escape(activity.get_absolute_url()) + "$"))

    # Its session, under way now; the hours come from the conversion rule.
    admin.locator(f"a[href='{reverse('training:session_create', args=[activity.pk])}']").first.click()
    admin.fill("#id_date", day.isoformat())
    admin.fill("#id_start_time", start.strftime("%H:%M"))
    admin.fill("#id_end_time", end.strftime("%H:%M"))
    admin.locator("main form button[type=submit]").first.click()
    admin.wait_for_url(re.compile(re.escape(activity.get_absolute_url()) + r"(#sessions)?$"))
    session = activity.sessions.get()
    assert session.hours > 0 and not session.hours_overridden

    # Enrol the cadre by name.
    enrol = admin.locator(f"form[action='{reverse('training:activity_enrol', args=[activity.pk])}']")
    enrol.locator("textarea[name=names]").fill("沈佳怡")
    enrol.locator("button[type=submit]").click()
    expect(admin.locator(".alert-success")).to_contain_text("1")
    assert activity.enrolments.filter(cadre=cadre).exists()

    # The projector screen, with the code and nobody checked in yet.
    screen_url = reverse("attendance:checkin_screen", args=[session.pk])
    admin.locator(f"a[href='{screen_url}']").first.click()
    admin.wait_for_url(live_server.url + screen_url)
    expect(admin.locator("svg.checkin-qr")).to_be_visible()
    expect(admin.locator("[data-present]")).to_have_attribute("data-present", "0")
    shot(admin, "checkin-1-screen")
    # What the phone's camera reads from the code (the screen may announce a PUBLIC_BASE_URL host: keep the path).
    checkin_url = admin.locator("[data-checkin-url]").get_attribute("data-checkin-url")
    assert checkin_url and reverse("attendance:checkin", args=["x"]).rsplit("x", 1)[0] in checkin_url

    # The cadre scans it on a phone, logs in, confirms.
    phone = browser.new_context(**PHONE).new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    phone.goto(live_server.url + urlsplit(checkin_url).path)
    expect(phone.locator("#id_username")).to_be_visible()
    log_in(phone, "shenjiayi")
    expect(phone.locator("main")).to_contain_text(TITLE)
    confirm = phone.get_by_role("button", name="签到")
    expect(confirm).to_be_visible()
    assert not Attendance.objects.filter(session=session).exists()  # opening the link writes nothing
    shot(phone, "checkin-2-phone-confirm")
    confirm.click()
    done = phone.locator("[data-checked-in]")
    attendance = Attendance.objects.get(session=session, cadre=cadre)
    expect(done).to_contain_text("已签到")
    expect(done).to_contain_text(f"签到时间 {timezone.localtime(attendance.checked_in_at):%H:%M:%S}")
    expect(done).to_contain_text("签到成功")
    shot(phone, "checkin-3-phone-done")
    assert attendance.status == AttendanceStatus.PRESENT and attendance.method == "qr"
    entry = LedgerEntry.objects.get(cadre=cadre, source=Source.SESSION, source_id=session.pk)
    assert entry.status == EntryStatus.CONFIRMED and entry.hours == session.hours

    # Scanning again says so, with the first time; a bad code is refused, and the refusal is logged.
    phone.goto(live_server.url + urlsplit(checkin_url).path)
    expect(phone.locator("[data-checkin-state]")).to_have_attribute("data-checkin-state", "already")
    phone.goto(live_server.url + reverse("attendance:checkin", args=["forged.1:abc"]))
    expect(phone.locator("[data-refusal]")).to_have_attribute("data-refusal", "forged")
    expect(phone.locator("[data-refusal]")).to_contain_text("签到未成功")
    shot(phone, "checkin-3b-phone-refused")

    # The screen counts the check-in, and the refusal naming this session (a stale code, sent in after a minute).
    stale = reverse("attendance:checkin", args=[make_token(session.pk, tokens.clock() - 120)])
    other_phone = browser.new_context(**PHONE).new_page()
    other_phone.goto(live_server.url + stale)
    expect(other_phone.locator("#id_username")).to_be_visible()
    admin.reload()
    expect(admin.locator("[data-present]")).to_have_attribute("data-present", "1")
    expect(admin.locator(".checkin-recent")).to_contain_text("沈佳怡")
    expect(admin.locator("[data-refusals]")).to_have_attribute("data-refusals", "1")
    shot(admin, "checkin-3c-screen-refusals")
    with admin.context.expect_page() as opened:  # a tab of its own: the screen stays on the projector
        admin.locator("[data-refusals] a").click()
    audit = opened.value
    audit.wait_for_load_state()
    assert urlsplit(audit.url).path == reverse("audit:event_list")
    expect(audit.locator("main table tbody tr")).to_have_count(1)
    expect(audit.locator("main table tbody")).to_contain_text("签到被拒：签到码已过期")
    audit.close()

    # The hours are in the cadre's own training archive.
    phone.goto(live_server.url + reverse("hours:cadre_archive", args=[cadre.pk]))
    expect(phone.locator("main")).to_contain_text(TITLE)
    row = phone.locator(f"tr[data-entry='{entry.pk}']")
    expect(row).to_contain_text(TITLE)
    expect(row.locator("[data-hours]")).to_have_text(f"{entry.hours.normalize():f}")
    expect(phone.locator("[data-counted]")).to_contain_text(TITLE)  # among the confirmed hours that count
    shot(phone, "checkin-4-archive")
