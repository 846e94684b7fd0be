"""Destructive buttons ask first: dismissing the dialog keeps the record, confirming removes it.

Drives Debian's /usr/bin/chromium (a missing browser FAILS the test); screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from ganxun.accounts.models import Role
from ganxun.attendance.tests.test_browser_checkin import browser, seed_rules_and_kinds  # noqa: F401
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.hours.tests.factories import LedgerEntryFactory, OutsideClassFactory
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import TIMEOUT_MS, shot
from ganxun.training.models import Enrolment, Lecturer, Session
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, LecturerFactory, SessionFactory

pytestmark = pytest.mark.browser


def log_in(page: Page, live_server) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", "peixun")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + reverse("core:home"))


def ask_twice(page: Page, button: Locator, names: str, still_there: Callable[[], bool], shot_name: str = "") -> None:
    """Click, read the dialog, cancel (nothing changes), click again, confirm (it is gone)."""
    dialog = page.get_by_role("dialog")
    button.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(names)
    if shot_name:
        expect(page.locator("#confirm-dialog.show")).to_have_count(1)
        page.wait_for_timeout(400)  # the picture only: let the fade-in finish
        shot(page, shot_name)
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    assert still_there(), "dismissing the dialog must change nothing"
    button.click()
    expect(dialog).to_be_visible()
    with page.expect_navigation():
        dialog.locator("[data-confirm-ok]").click()
    assert not still_there(), "confirming must go through"


@pytest.mark.django_db(transaction=True)
def test_removing_asks_first_and_only_confirming_removes(live_server, browser: Browser):  # noqa: F811
    try:
        seed_rules_and_kinds(2026)
        UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
        section = SectionFactory(name="住房保障科")
        cadre = CadreFactory(name="沈佳怡", section=section)
        activity = ActivityFactory(title="2026年党务干部培训班")
        enrolment = EnrolmentFactory(activity=activity, cadre=cadre, section=section)
        lecturer = LecturerFactory(activity=activity, outside_name="王教授")
        session = SessionFactory(
            activity=activity, date=dt.date(2026, 12, 3), start_time=dt.time(14), end_time=dt.time(16)
        )
        outside = OutsideClassFactory(title="区委党校青干班第12期")
        entry = LedgerEntryFactory(
            cadre=cadre, source=Source.OUTSIDE_CLASS, source_id=outside.pk, title=outside.title, hours=Decimal(40)
        )

        page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
        page.set_default_timeout(TIMEOUT_MS)
        log_in(page, live_server)

        page.goto(live_server.url + reverse("training:enrolment_list", args=[activity.pk]))
        remove = page.locator(f"form[action='{reverse('training:enrolment_remove', args=[enrolment.pk])}'] button")
        ask_twice(page, remove, "沈佳怡", lambda: Enrolment.objects.filter(pk=enrolment.pk).exists(), "confirm-dialog")

        page.goto(live_server.url + activity.get_absolute_url())
        remove = page.locator(f"form[action='{reverse('training:lecturer_delete', args=[lecturer.pk])}'] button")
        ask_twice(page, remove, "王教授", lambda: Lecturer.objects.filter(pk=lecturer.pk).exists())

        page.goto(live_server.url + reverse("training:session_update", args=[session.pk]))
        remove = page.locator(f"form[action='{reverse('training:session_delete', args=[session.pk])}'] button")
        ask_twice(page, remove, "2026-12-03 14:00", lambda: Session.objects.filter(pk=session.pk).exists())

        page.goto(live_server.url + outside.get_absolute_url())
        remove = page.get_by_role("button", name="未参加")
        ask_twice(
            page,
            remove,
            "沈佳怡",
            lambda: LedgerEntry.objects.get(pk=entry.pk).status == EntryStatus.CONFIRMED,
        )
    finally:
        connections.close_all()
