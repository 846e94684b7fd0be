"""The projector screen: the QR code of the current token, the live count, HTMX refresh, access, query budget."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from ganxun.accounts.models import Role
from ganxun.attendance.tests.test_checkin import clock_at, moment
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from .. import checkin as tokens
from ..services import attendance_set


class ScreenTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.activity = ActivityFactory(title="党课：滨江工业遗存里的初心", kind__name="党课", place="杨浦滨江")
        cls.session = SessionFactory(
            activity=cls.activity, date=dt.date(2026, 3, 2), start_time=dt.time(9), end_time=dt.time(11)
        )
        cls.cadres = [CadreFactory() for _ in range(3)]
        for cadre in cls.cadres:
            EnrolmentFactory(activity=cls.activity, cadre=cadre)
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        cls.url = reverse("attendance:checkin_screen", args=[cls.session.pk])

    def setUp(self):
        self.client.force_login(self.admin)

    def screen(self, at: float, **headers):
        with clock_at(at):
            return self.client.get(self.url, **headers)

    def test_the_screen_shows_a_qr_code_of_the_current_check_in_address(self):
        response = self.screen(moment(9, 5))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "党课：滨江工业遗存里的初心")
        self.assertContains(response, '<svg viewBox="0 0 ')
        self.assertContains(response, 'class="checkin-qr"')
        self.assertContains(response, 'hx-trigger="every 5s"')
        address = urlsplit(response.context["checkin_url"])
        self.assertEqual((address.scheme, address.netloc), ("http", "testserver"))
        match = resolve(address.path)
        self.assertEqual(match.view_name, "attendance:checkin")
        self.assertEqual(tokens.read_token(match.kwargs["token"], moment(9, 5)).session_id, self.session.pk)

    def test_the_code_carries_the_public_address_when_one_is_set(self):
        with self.settings(GANXUN={**settings.GANXUN, "PUBLIC_BASE_URL": "https://ganxun.fgj.example"}):
            address = urlsplit(self.screen(moment(9, 5)).context["checkin_url"])
        self.assertEqual((address.scheme, address.netloc), ("https", "ganxun.fgj.example"))
        self.assertEqual(resolve(address.path).view_name, "attendance:checkin")

    def test_the_code_rotates(self):
        first = self.screen(moment(9, 5)).context["checkin_url"]
        self.assertEqual(self.screen(moment(9, 5, 1)).context["checkin_url"], first)
        self.assertNotEqual(self.screen(moment(9, 6)).context["checkin_url"], first)

    def test_the_count_of_checked_in_against_enrolled(self):
        for cadre in self.cadres[:2]:
            attendance_set(
                actor=self.admin,
                session=self.session,
                cadre=cadre,
                status=AttendanceStatus.PRESENT,
                method=AttendanceMethod.QR,
            )
        attendance_set(
            actor=self.admin,
            session=self.session,
            cadre=self.cadres[2],
            status=AttendanceStatus.LEAVE,
            method=AttendanceMethod.MANUAL,
        )
        response = self.screen(moment(9, 5))
        self.assertEqual((response.context["present"], response.context["enrolled"]), (2, 3))
        self.assertContains(response, 'data-present="2"')
        self.assertContains(response, self.cadres[0].name)
        self.assertNotContains(response, self.cadres[2].name)

    def test_htmx_gets_only_the_live_part(self):
        response = self.screen(moment(9, 5), HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertTrue(body.lstrip().startswith('<div id="checkin-live"'))
        self.assertNotIn("<html", body)
        self.assertIn("<svg", body)

    def test_outside_the_window_the_screen_says_so(self):
        self.assertContains(self.screen(moment(8)), "签到将于 08:30 开始")
        self.assertContains(self.screen(moment(11, 1)), "签到已于 11:00 结束")
        self.assertNotContains(self.screen(moment(9)), 'class="alert')

    def test_only_administrators_open_the_screen(self):
        head = UserFactory(role=Role.SECTION_HEAD, cadre=self.cadres[0])
        for user in (UserFactory(role=Role.CADRE, cadre=self.cadres[1]), head):
            self.client.force_login(user)
            self.assertEqual(self.screen(moment(9)).status_code, 403)

    def test_the_screen_costs_the_same_queries_however_many_checked_in(self):
        with CaptureQueriesContext(connection) as empty:
            self.screen(moment(9), HTTP_HX_REQUEST="true")
        for _ in range(10):
            cadre = CadreFactory()
            EnrolmentFactory(activity=self.activity, cadre=cadre)
            attendance_set(
                actor=self.admin,
                session=self.session,
                cadre=cadre,
                status=AttendanceStatus.PRESENT,
                method=AttendanceMethod.QR,
            )
        with self.assertNumQueries(len(empty)):
            self.screen(moment(9), HTTP_HX_REQUEST="true")
        # The login session (read, user, save) and five of its own: session, enrolled, present, latest names,
        # refusals.
        self.assertLessEqual(len(empty), 10)

    def test_the_screen_counts_the_sessions_refused_check_ins_and_links_to_them(self):
        from urllib.parse import parse_qs

        from django.contrib.auth.models import AnonymousUser

        from ..services.checkin import Refusal, checkin_refusal_record

        other = SessionFactory(
            activity=self.activity, date=dt.date(2026, 3, 3), start_time=dt.time(9), end_time=dt.time(11)
        )
        stranger = UserFactory(role=Role.CADRE, cadre__name="赵六")
        checkin_refusal_record(user=stranger, reason=Refusal.NOT_ENROLLED, session=self.session, ip_address="10.0.0.9")
        checkin_refusal_record(
            user=AnonymousUser(), reason=Refusal.EXPIRED, session=self.session, ip_address="10.0.0.8"
        )
        checkin_refusal_record(user=stranger, reason=Refusal.NOT_ENROLLED, session=other, ip_address="10.0.0.9")
        response = self.screen(moment(9, 5))
        self.assertContains(response, 'data-refusals="2"')
        self.assertContains(response, "签到被拒 2 次")
        url = response.context["refusals_url"]
        path, _, query = url.partition("?")
        self.assertEqual(path, reverse("audit:event_list"))
        self.assertEqual(parse_qs(query), {"action": ["checkin_refused"], "q": [str(self.session)]})
        self.assertContains(response, f'href="{url.replace("&", "&amp;")}"')
        listing = self.client.get(url)
        self.assertContains(listing, "赵六 签到被拒：未报名", count=1)
        self.assertContains(listing, "签到被拒：签到码已过期", count=1)
        self.assertContains(listing, "10.0.0.8")
        self.assertEqual(len(listing.context["page"].object_list), 2)

    def test_no_refusals_says_nought(self):
        self.assertContains(self.screen(moment(9, 5)), 'data-refusals="0"')
