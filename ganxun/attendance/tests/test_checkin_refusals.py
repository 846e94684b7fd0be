"""Refused check-ins are logged for the admins: who, why, when, which session, from where; and not too often."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.attendance.tests.test_checkin import CheckinTestCase, clock_at, moment, plus_refusals, rows
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.tests.factories import UserFactory
from ganxun.training.tests.factories import ActivityFactory, SessionFactory

from ..services.checkin import REFUSAL_LOG_SECONDS, Refusal, checkin_refusal_record

ADDRESS = "10.20.30.40"


def refusals():
    return AuditEvent.objects.filter(action=Action.CHECKIN_REFUSED)


class RefusalLogTests(CheckinTestCase):
    """Every kind of refusal, through the phone page: exactly one event, and nothing else written."""

    def get(self, token: str, at: float):
        with clock_at(at):
            return self.client.get(self.url(token), REMOTE_ADDR=ADDRESS)

    def post(self, token: str, at: float, session=None, data=None):
        form = {"session": (session or self.session).pk} if data is None else data
        with clock_at(at):
            return self.client.post(self.url(token), form, REMOTE_ADDR=ADDRESS)

    def assert_logged(self, response, reason: Refusal, *, session, summary: str, actor=None, actor_name=None):
        self.assertContains(response, f'data-refusal="{reason}"', status_code=response.status_code)
        event = refusals().get()
        self.assertEqual(event.actor, actor)
        self.assertEqual(event.actor_name, actor_name if actor_name is not None else actor.get_username())
        self.assertEqual(event.summary, summary)
        self.assertEqual(event.ip_address, ADDRESS)
        self.assertEqual(event.object_type, "session" if session else "")
        self.assertEqual(event.object_id, str(session.pk) if session else "")
        self.assertEqual(event.object_repr, str(session) if session else "")
        self.assertLess(abs(event.at - timezone.now()), dt.timedelta(minutes=1))
        return event

    def test_a_forged_code(self):
        before = rows()
        response = self.post("forged.123:abc", moment(9, 5))
        self.assert_logged(
            response,
            Refusal.FORGED,
            session=None,
            actor=self.user,
            summary="王晓东 签到被拒：签到码无效（伪造、残缺或场次已删除）",
        )
        self.assertEqual(rows(), plus_refusals(before))

    def test_an_expired_code_names_its_session(self):
        before = rows()
        response = self.get(self.token(moment(9, 5)), moment(9, 7))
        self.assert_logged(
            response, Refusal.EXPIRED, session=self.session, actor=self.user, summary="王晓东 签到被拒：签到码已过期"
        )
        self.assertEqual(rows(), plus_refusals(before))

    def test_a_code_of_another_session_names_the_session_tried(self):
        before = rows()
        response = self.post(self.token(moment(9, 5)), moment(9, 5), session=self.other_session)
        self.assert_logged(
            response,
            Refusal.OTHER_SESSION,
            session=self.other_session,
            actor=self.user,
            summary="王晓东 签到被拒：其他场次的签到码",
        )
        self.assertEqual(rows(), plus_refusals(before))

    def test_an_incomplete_form(self):
        before = rows()
        response = self.post(self.token(moment(9, 5)), moment(9, 5), data={})
        self.assertEqual(response.status_code, 400)
        self.assert_logged(
            response,
            Refusal.FORGED,
            session=self.session,
            actor=self.user,
            summary="王晓东 签到被拒：签到码无效（伪造、残缺或场次已删除）",
        )
        self.assertEqual(rows(), plus_refusals(before))

    def test_an_account_without_a_cadre(self):
        admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
        self.client.force_login(admin)
        before = rows()
        response = self.post(self.token(moment(9, 5)), moment(9, 5))
        self.assert_logged(
            response, Refusal.NO_CADRE, session=self.session, actor=admin, summary="签到被拒：账号未关联干部"
        )
        self.assertEqual(rows(), plus_refusals(before))

    def test_too_early(self):
        before = rows()
        response = self.post(self.token(moment(8, 29)), moment(8, 29))
        self.assert_logged(
            response, Refusal.TOO_EARLY, session=self.session, actor=self.user, summary="王晓东 签到被拒：签到尚未开始"
        )
        self.assertEqual(rows(), plus_refusals(before))

    def test_closed(self):
        before = rows()
        response = self.get(self.token(moment(11, 1)), moment(11, 1))
        self.assert_logged(
            response, Refusal.CLOSED, session=self.session, actor=self.user, summary="王晓东 签到被拒：签到已结束"
        )
        self.assertEqual(rows(), plus_refusals(before))

    def test_not_enrolled(self):
        stranger = UserFactory(username="stranger", role=Role.CADRE, cadre__name="李四")
        self.client.force_login(stranger)
        before = rows()
        response = self.post(self.token(moment(9)), moment(9))
        self.assert_logged(
            response, Refusal.NOT_ENROLLED, session=self.session, actor=stranger, summary="李四 签到被拒：未报名"
        )
        self.assertEqual(rows(), plus_refusals(before))

    def test_an_anonymous_phone_with_a_bad_code_is_logged_by_its_address(self):
        self.client.logout()
        before = rows()
        response = self.get("rubbish", moment(9))
        self.assertEqual(response.status_code, 302)  # still sent to log in first
        event = refusals().get()
        self.assertEqual((event.actor, event.actor_name, event.ip_address), (None, "未登录", ADDRESS))
        self.assertEqual(event.summary, "签到被拒：签到码无效（伪造、残缺或场次已删除）")
        self.assertEqual(rows(), plus_refusals(before))

    def test_an_anonymous_phone_with_a_stale_code_is_logged_with_the_session(self):
        self.client.logout()
        self.get(self.token(moment(9)), moment(9, 5))
        event = refusals().get()
        self.assertEqual(
            (event.actor, event.object_id, event.summary), (None, str(self.session.pk), "签到被拒：签到码已过期")
        )

    def test_a_good_scan_and_a_check_in_log_nothing(self):
        token = self.token(moment(9))
        self.get(token, moment(9))
        self.post(token, moment(9))
        self.get(token, moment(9, 0, 30))  # already checked in: not a refusal
        self.assertFalse(refusals().exists())

    def test_the_audit_list_filters_the_refusals(self):
        self.post(self.token(moment(8, 29)), moment(8, 29))
        admin = UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, cadre=None)
        self.client.force_login(admin)
        response = self.client.get("/audit/", {"action": Action.CHECKIN_REFUSED})
        self.assertContains(response, "王晓东 签到被拒：签到尚未开始")
        self.assertContains(response, ADDRESS)


T = dt.datetime(2026, 3, 2, 1, 5, tzinfo=dt.UTC)


class RefusalFloodTests(TestCase):
    """At most one event per person, reason and session in REFUSAL_LOG_SECONDS (60): a retrying phone or a
    script posting bad codes cannot flood the trail."""

    @classmethod
    def setUpTestData(cls):
        activity = ActivityFactory(kind__name="月末讲坛")
        cls.session = SessionFactory(activity=activity, date=dt.date(2026, 3, 2))
        cls.other = SessionFactory(activity=activity, date=dt.date(2026, 3, 3))
        cls.user = UserFactory(username="wangxd", role=Role.CADRE, cadre__name="王晓东")
        cls.other_user = UserFactory(username="lisi", role=Role.CADRE, cadre__name="李四")

    def log(self, at: dt.datetime, *, user=None, reason=Refusal.EXPIRED, session=None, ip="10.0.0.1"):
        from django.contrib.auth.models import AnonymousUser

        with mock.patch("django.utils.timezone.now", return_value=at):
            return checkin_refusal_record(
                user=user or AnonymousUser(),
                reason=reason,
                session=self.session if session is None else session,
                ip_address=ip,
            )

    def test_the_window_is_sixty_seconds(self):
        self.assertEqual(REFUSAL_LOG_SECONDS, 60)

    def test_again_within_the_minute_is_not_logged_at_exactly_the_minute_neither_just_after_it_is(self):
        self.assertIsNotNone(self.log(T, user=self.user))
        self.assertIsNone(self.log(T + dt.timedelta(seconds=1), user=self.user))
        self.assertIsNone(self.log(T + dt.timedelta(seconds=60), user=self.user))
        self.assertEqual(refusals().count(), 1)
        self.assertIsNotNone(self.log(T + dt.timedelta(seconds=60, microseconds=1), user=self.user))
        self.assertEqual(refusals().count(), 2)

    def test_another_reason_session_or_person_is_logged_at_once(self):
        self.log(T, user=self.user)
        self.assertIsNotNone(self.log(T, user=self.user, reason=Refusal.CLOSED))
        self.assertIsNotNone(self.log(T, user=self.user, session=self.other))
        self.assertIsNotNone(self.log(T, user=self.other_user))
        self.assertEqual(refusals().count(), 4)

    def test_a_logged_in_person_is_counted_by_account_whatever_the_address(self):
        self.log(T, user=self.user, ip="10.0.0.1")
        self.assertIsNone(self.log(T, user=self.user, ip="10.0.0.2"))

    def test_an_anonymous_phone_is_counted_by_its_address(self):
        self.assertIsNotNone(self.log(T, ip="10.0.0.1"))
        self.assertIsNone(self.log(T + dt.timedelta(seconds=30), ip="10.0.0.1"))
        self.assertIsNotNone(self.log(T + dt.timedelta(seconds=30), ip="10.0.0.2"))
        self.assertEqual(list(refusals().order_by("pk").values_list("ip_address", flat=True)), ["10.0.0.1", "10.0.0.2"])

    def test_a_flood_costs_one_read_each_and_takes_no_write_lock(self):
        self.log(T, user=self.user)
        with self.assertNumQueries(1):
            self.assertIsNone(self.log(T + dt.timedelta(seconds=5), user=self.user))
