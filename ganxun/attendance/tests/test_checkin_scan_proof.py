"""A signed-in phone's scan is remembered by the confirm form, not by writing the session on a page view."""

from __future__ import annotations

import re

from django.test.utils import CaptureQueriesContext

from ganxun.attendance.tests.test_checkin import CheckinTestCase, clock_at, moment

from ..models import Attendance


class ScanProofTests(CheckinTestCase):
    def confirm_page(self, token: str, at: float):
        with clock_at(at):
            return self.client.get(self.url(token))

    def scan_field(self, response) -> str:
        found = re.search(r'name="scan" value="([^"]+)"', response.content.decode())
        self.assertIsNotNone(found, "the confirm form carries the scan")
        return found.group(1)

    def confirm(self, token: str, at: float, scan: str | None):
        data = {"session": self.session.pk} | ({"scan": scan} if scan is not None else {})
        with clock_at(at):
            return self.client.post(self.url(token), data)

    def test_viewing_the_confirm_page_does_not_write_the_session(self):
        from django.db import connection

        token = self.token(moment(9))
        with CaptureQueriesContext(connection) as queries:
            response = self.confirm_page(token, moment(9))
        self.assertContains(response, 'name="session"')
        self.assertFalse([q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]])

    def test_the_form_confirms_after_the_code_has_expired(self):
        token = self.token(moment(9))
        scan = self.scan_field(self.confirm_page(token, moment(9)))
        self.assertContains(self.confirm(token, moment(9, 5), scan), "签到成功")
        self.assertTrue(Attendance.objects.filter(session=self.session, cadre=self.cadre).exists())

    def test_without_the_scan_an_expired_code_is_refused(self):
        token = self.token(moment(9))
        self.confirm_page(token, moment(9))
        self.assert_refused(self.confirm(token, moment(9, 5), None), "expired", "已过期", status=400)

    def test_the_scan_counts_for_the_grace_period_only(self):
        token = self.token(moment(9))
        scan = self.scan_field(self.confirm_page(token, moment(9)))
        self.assert_refused(self.confirm(token, moment(9, 10), scan), "expired", "已过期", status=400)
        self.assertFalse(Attendance.objects.exists())

    def test_a_forged_or_foreign_scan_is_refused(self):
        token = self.token(moment(9))
        scan = self.scan_field(self.confirm_page(token, moment(9)))
        self.assert_refused(self.confirm(token, moment(9, 5), scan[:-2] + "xx"), "expired", "已过期", status=400)
        # Another user's proof does not work for this one.
        from ganxun.accounts.models import Role
        from ganxun.roster.tests.factories import CadreFactory, UserFactory

        self.client.force_login(UserFactory(username="other_phone", role=Role.CADRE, cadre=CadreFactory()))
        self.assert_refused(self.confirm(token, moment(9, 5), scan), "expired", "已过期", status=400)
