"""What the browser journeys share: signing in through the login page, and a screenshot at desktop and at phone
width.  The ``browser`` fixture itself is ``ganxun.roster.tests.test_browser.browser``."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import Browser, Page

from ganxun.roster.tests.factories import PASSWORD
from ganxun.roster.tests.test_browser import ARTIFACTS, TIMEOUT_MS

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def login(browser: Browser, live_server, username: str) -> Page:
    """A desktop page signed in as ``username`` (the factories' password), on the page the login led to."""
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/(?!accounts/login).*"))
    return page


def screenshots(folder: str, prefix: str = ""):
    """``shot(page, name)`` saving ``test-artifacts/<folder>/<prefix><name>.png`` and its ``-phone`` twin."""
    where: Path = ARTIFACTS / folder

    def shot(page: Page, name: str) -> None:
        where.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(where / f"{prefix}{name}.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(where / f"{prefix}{name}-phone.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    return shot
