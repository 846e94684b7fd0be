"""An administrator filters the audit trail in Chromium: the page updates in place, and the browser keeps no copy.

htmx keeps copies of pages in the tab's storage for the back button unless told not to; on a shared office PC the
back button would bring them back after logging out, without asking the server.
"""

from __future__ import annotations

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, expect

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.tests.factories import PASSWORD, UserFactory
from ganxun.roster.tests.test_browser import TIMEOUT_MS, browser, shot  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_filtering_the_audit_trail_leaves_nothing_in_the_browser(live_server, browser: Browser):  # noqa: F811
    try:
        UserFactory(username="shenji", role=Role.TRAINING_ADMIN, cadre=None)
        AuditEvent.objects.create(
            actor_name="shenji",
            action=Action.UPDATE,
            object_type="activity",
            object_repr="月末讲坛",
            changes={"lecturers": [[], ["徐亮"]]},
        )
        AuditEvent.objects.create(actor_name="shenji", action=Action.STATUS, object_type="cadre", object_repr="周敏")
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(live_server.url + reverse("accounts:login"))
        page.fill("#id_username", "shenji")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(live_server.url + reverse("audit:event_list"))
        expect(page.locator("#event-table")).to_contain_text("周敏")
        page.select_option("#id_object_type", "activity")
        expect(page.locator("#event-table")).not_to_contain_text("周敏")
        expect(page.locator("#event-table")).to_contain_text("授课人: — → 徐亮")
        assert "object_type=activity" in page.url
        page.go_back()
        expect(page.locator("#event-table")).to_contain_text("周敏")
        shot(page, "audit-trail-after-back")
        for storage in ("sessionStorage", "localStorage"):
            assert page.evaluate(f"() => {storage}.getItem('htmx-history-cache')") is None, storage
        assert "ganxun_seen" not in page.evaluate("() => document.cookie")  # HttpOnly
    finally:
        connections.close_all()
