"""QR check-in through HTTP: the phone page, the rules a scan must pass, and that a refusal writes nothing but
its own entry in the audit trail."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest import mock

from django.db import IntegrityError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus, Enrolment
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

from .. import checkin as tokens
from ..models import Attendance
from ..services import checkin as service
from ..services import checkin_record

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 2)


def moment(hour: int, minute: int = 0, second: int = 0) -> float:
    """The epoch seconds of a time on the session's day, in the bureau's time zone."""
    return dt.datetime.combine(DAY, dt.time(hour, minute, second), SHANGHAI).timestamp()


def clock_at(epoch: float):
    return mock.patch.object(tokens, "clock", return_value=epoch)


def rows() -> dict[str, int]:
    """Everything a check-in may write; the refusals logged for the admins apart."""
    refusals = AuditEvent.objects.filter(action=Action.CHECKIN_REFUSED)
    return {
        "attendance": Attendance.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "enrolment": Enrolment.objects.count(),
        "audit": AuditEvent.objects.exclude(pk__in=refusals.values("pk")).count(),
        "refusals": refusals.count(),
    }


def plus_refusals(before: dict[str, int], count: int = 1) -> dict[str, int]:
    return {**before, "refusals": before["refusals"] + count}


class CheckinTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.activity = ActivityFactory(title="月末讲坛：物业管理新规", kind__name="月末讲坛")
        cls.session = SessionFactory(activity=cls.activity, date=DAY, start_time=dt.time(9), end_time=dt.time(11))
        cls.other_session = SessionFactory(
            activity=cls.activity, date=DAY, start_time=dt.time(14), end_time=dt.time(16)
        )
        cls.cadre = CadreFactory(name="王晓东")
        cls.user = UserFactory(username="wangxd", role=Role.CADRE, cadre=cls.cadre)
        EnrolmentFactory(activity=cls.activity, cadre=cls.cadre)

    def setUp(self):
        self.client.force_login(self.user)

    def token(self, at: float, session=None) -> str:
        with clock_at(at):
            return tokens.make_token((session or self.session).pk)

    def url(self, token: str) -> str:
        return reverse("attendance:checkin", args=[token])

    def get(self, token: str, at: float):
        with clock_at(at):
            return self.client.get(self.url(token))

    def post(self, token: str, at: float, session=None):
        with clock_at(at):
            return self.client.post(self.url(token), {"session": (session or self.session).pk})

    def assert_refused(self, response, reason: str, text: str, status: int = 200):
        self.assertEqual(response.status_code, status)
        self.assertContains(response, f'data-refusal="{reason}"', status_code=status)
        self.assertContains(response, text, status_code=status)
        self.assertNotContains(response, 'name="session"', status_code=status)


class CheckinTests(CheckinTestCase):
    def test_the_scan_shows_a_confirm_button_and_writes_nothing(self):
        before = rows()
        response = self.get(self.token(moment(9, 5)), moment(9, 5))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "月末讲坛：物业管理新规")
        self.assertContains(response, f'name="session" value="{self.session.pk}"')
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertEqual(rows(), before)

    def test_confirming_checks_in_with_the_ledger_entry(self):
        token = self.token(moment(9, 5))
        response = self.post(token, moment(9, 5, 20))
        self.assertContains(response, "签到成功")
        attendance = Attendance.objects.get(session=self.session, cadre=self.cadre)
        self.assertEqual(attendance.status, AttendanceStatus.PRESENT)
        self.assertEqual(attendance.method, AttendanceMethod.QR)
        self.assertEqual(attendance.recorded_by, self.user)
        self.assertIsNotNone(attendance.checked_in_at)
        entry = LedgerEntry.objects.get(cadre=self.cadre, source=Source.SESSION, source_id=self.session.pk)
        self.assertEqual(entry.status, EntryStatus.CONFIRMED)
        self.assertEqual(entry.hours, self.session.hours)

    def test_the_phone_says_checked_in_with_the_time(self):
        response = self.post(self.token(moment(9, 5)), moment(9, 5, 20))
        attendance = Attendance.objects.get(session=self.session, cadre=self.cadre)
        self.assertContains(response, 'data-checkin-state="new"')
        self.assertContains(response, '<div class="fs-2 fw-bold">已签到</div>', html=False)
        self.assertContains(response, f"签到时间 {timezone.localtime(attendance.checked_in_at):%H:%M:%S}")
        self.assertContains(response, "签到成功")

    def test_a_second_scan_says_already_checked_in_with_the_time_and_writes_nothing(self):
        self.post(self.token(moment(9, 5)), moment(9, 5))
        first = Attendance.objects.get(session=self.session, cadre=self.cadre)
        before = rows()
        later = self.token(moment(9, 40))
        for response in (self.get(later, moment(9, 40)), self.post(later, moment(9, 40))):
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "已签到")
            self.assertContains(response, f"签到时间 {timezone.localtime(first.checked_in_at):%H:%M:%S}")
            self.assertNotContains(response, 'name="session"')
        self.assertEqual(rows(), before)
        self.assertEqual(Attendance.objects.get(pk=first.pk).updated_at, first.updated_at)

    def test_an_expired_code_is_refused(self):
        token = self.token(moment(9, 5))
        before = rows()
        self.assert_refused(self.get(token, moment(9, 7)), "expired", "已过期")
        response = self.post(token, moment(9, 7))
        self.assert_refused(response, "expired", "已过期", status=400)
        self.assertContains(response, "月末讲坛：物业管理新规", status_code=400)  # which session's code it was
        self.assertEqual(rows(), plus_refusals(before))  # the scan and the press, one minute: logged once

    def test_a_forged_or_garbled_code_is_refused(self):
        token = self.token(moment(9, 5))
        value, signature = token.split(":")
        before = rows()
        for bad in (
            "not-a-token",
            value + ":" + "A" * len(signature),
            f"{self.other_session.pk}.{value.split('.')[1]}:{signature}",
        ):
            with self.subTest(bad=bad):
                self.assert_refused(self.get(bad, moment(9, 5)), "forged", "无效")
                self.assert_refused(self.post(bad, moment(9, 5)), "forged", "无效", status=400)
        self.assertEqual(rows(), plus_refusals(before))

    def test_a_code_of_another_session_is_refused(self):
        token = self.token(moment(9, 5))  # the morning's code, sent in for the afternoon session
        before = rows()
        self.assert_refused(
            self.post(token, moment(9, 5), session=self.other_session), "other_session", "其他场次", 400
        )
        self.assertEqual(rows(), plus_refusals(before))

    def test_check_in_opens_thirty_minutes_before_and_closes_at_the_end(self):
        before = rows()
        self.assert_refused(self.post(self.token(moment(8, 29)), moment(8, 29)), "too_early", "08:30", 400)
        self.assert_refused(self.post(self.token(moment(11, 1)), moment(11, 1)), "closed", "11:00", 400)
        self.assertEqual(rows(), plus_refusals(before, 2))
        self.assertContains(self.post(self.token(moment(8, 31)), moment(8, 31)), "签到成功")

    def test_a_cadre_not_enrolled_is_refused_without_walk_ins(self):
        stranger = UserFactory(username="stranger", role=Role.CADRE)
        self.client.force_login(stranger)
        before = rows()
        self.assert_refused(self.get(self.token(moment(9)), moment(9)), "not_enrolled", "未报名")
        self.assert_refused(self.post(self.token(moment(9)), moment(9)), "not_enrolled", "未报名", 400)
        self.assertEqual(rows(), plus_refusals(before))

    def test_a_walk_in_is_enrolled_then_checked_in_where_allowed(self):
        self.activity.allow_walk_in = True
        self.activity.save()
        walker = UserFactory(username="walker", role=Role.CADRE)
        self.client.force_login(walker)
        self.assertContains(self.get(self.token(moment(9)), moment(9)), "现场签到")
        self.assertFalse(Enrolment.objects.filter(cadre=walker.cadre).exists())
        response = self.post(self.token(moment(9)), moment(9))
        self.assertContains(response, "签到成功")
        enrolment = Enrolment.objects.get(activity=self.activity, cadre=walker.cadre)
        self.assertEqual(enrolment.via, "现场签到")
        self.assertEqual(enrolment.section, walker.cadre.section)
        self.assertTrue(
            Attendance.objects.filter(
                session=self.session, cadre=walker.cadre, status=AttendanceStatus.PRESENT
            ).exists()
        )
        self.assertTrue(AuditEvent.objects.filter(object_type="activity", summary__contains="现场签到").exists())

    def test_an_account_without_a_cadre_cannot_check_in(self):
        self.client.force_login(UserFactory(username="admin1", role=Role.TRAINING_ADMIN, cadre=None))
        before = rows()
        self.assert_refused(self.get(self.token(moment(9)), moment(9)), "no_cadre", "未关联")
        self.assert_refused(self.post(self.token(moment(9)), moment(9)), "no_cadre", "未关联", 400)
        self.assertEqual(rows(), plus_refusals(before))

    def test_leave_recorded_beforehand_turns_into_present_on_scanning(self):
        Attendance.objects.create(
            session=self.session, cadre=self.cadre, status=AttendanceStatus.LEAVE, method=AttendanceMethod.MANUAL
        )
        self.assertContains(self.post(self.token(moment(9)), moment(9)), "签到成功")
        attendance = Attendance.objects.get(session=self.session, cadre=self.cadre)
        self.assertEqual((attendance.status, attendance.method), (AttendanceStatus.PRESENT, AttendanceMethod.QR))

    def test_the_form_needs_the_session(self):
        with clock_at(moment(9)):
            response = self.client.post(self.url(self.token(moment(9))), {})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Attendance.objects.exists())

    def test_csrf_is_required(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.user)
        with clock_at(moment(9)):
            response = client.post(self.url(self.token(moment(9))), {"session": self.session.pk})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Attendance.objects.exists())


class LoginOnThePhoneTests(CheckinTestCase):
    """Scanning sends an anonymous phone to log in; the scan made while the code was valid still counts after."""

    def setUp(self):
        pass  # anonymous

    def test_the_scan_goes_to_login_and_back(self):
        token = self.token(moment(9))
        response = self.get(token, moment(9))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        self.assertIn("next=", response["Location"])
        self.assertFalse(Attendance.objects.exists())
        # Logging in on a phone takes longer than a code lives.
        self.client.force_login(self.user)
        response = self.get(token, moment(9, 4))
        self.assertContains(response, f'name="session" value="{self.session.pk}"')
        self.assertContains(self.post(token, moment(9, 5)), "签到成功")

    def test_without_the_earlier_scan_the_old_code_has_expired(self):
        token = self.token(moment(9))
        self.client.force_login(self.user)
        self.assert_refused(self.get(token, moment(9, 4)), "expired", "已过期")

    def test_the_earlier_scan_counts_for_a_while_only(self):
        token = self.token(moment(9))
        self.get(token, moment(9))
        self.client.force_login(self.user)
        self.assert_refused(self.get(token, moment(9, 11)), "expired", "已过期")

    def test_a_scan_remembered_for_one_session_does_not_open_another(self):
        self.get(self.token(moment(9)), moment(9))
        self.client.force_login(self.user)
        stale_other = self.token(moment(9), session=self.other_session)
        self.assert_refused(self.get(stale_other, moment(9, 4)), "expired", "已过期")

    def test_the_window_is_judged_at_the_time_of_the_scan(self):
        token = self.token(moment(10, 58))
        self.get(token, moment(10, 58))
        self.client.force_login(self.user)
        self.assertContains(self.post(token, moment(11, 3)), "签到成功")

    def test_a_bad_code_still_goes_to_login_first(self):
        response = self.get("rubbish", moment(9))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])


class ScanStampTests(CheckinTestCase):
    """A phone already logged in writes nothing when it scans; the confirm form carries the scan's moment."""

    def scan(self, at: float) -> str:
        response = self.get(self.token(at), at)
        stamp = response.context["scan"]
        self.assertContains(response, f'name="scan" value="{stamp}"')
        return stamp

    def press(self, token: str, at: float, stamp: str | None):
        data = {"session": self.session.pk, **({"scan": stamp} if stamp is not None else {})}
        with clock_at(at):
            return self.client.post(self.url(token), data)

    def test_opening_the_page_keeps_nothing_in_the_session(self):
        self.scan(moment(9, 5))
        self.assertNotIn("checkin_scans", self.client.session)

    def test_pressing_after_the_code_changed_counts_the_scan_made_in_time(self):
        stamp = self.scan(moment(10, 58))
        response = self.press(self.token(moment(10, 58)), moment(11, 3), stamp)  # closed at 11:00, scanned before
        self.assertContains(response, 'data-checkin-state="new"')
        self.assertTrue(Attendance.objects.filter(session=self.session, cadre=self.cadre).exists())

    def test_without_the_stamp_a_late_press_is_refused(self):
        self.scan(moment(10, 58))
        self.assert_refused(self.press(self.token(moment(10, 58)), moment(11, 3), None), "expired", "已过期", 400)

    def test_the_stamp_lasts_ten_minutes(self):
        token = self.token(moment(9))
        stamp = self.scan(moment(9))
        self.assert_refused(self.press(token, moment(9, 10), stamp), "expired", "已过期", 400)
        self.assertContains(self.press(token, moment(9, 9, 59), stamp), 'data-checkin-state="new"')

    def test_another_users_stamp_does_not_count(self):
        stamp = self.scan(moment(9))
        other = UserFactory(username="other", role=Role.CADRE)
        EnrolmentFactory(activity=self.activity, cadre=other.cadre)
        self.client.force_login(other)
        self.assert_refused(self.press(self.token(moment(9)), moment(9, 5), stamp), "expired", "已过期", 400)


class RaceTests(CheckinTestCase):
    def test_losing_the_race_on_the_unique_constraint_is_already_checked_in(self):
        """Two requests passed the checks together; the other one committed first, this insert hits the constraint."""
        winner = Attendance.objects.create(
            session=self.session,
            cadre=self.cadre,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.QR,
            checked_in_at=dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC),
        )
        not_seen_yet = service.CheckinPlan(self.cadre, None, walk_in=False)
        before = rows()
        with (
            mock.patch.object(service, "checkin_plan", return_value=not_seen_yet),
            mock.patch.object(service, "_locked_attendance", return_value=None),
            mock.patch.object(service, "attendance_set", side_effect=IntegrityError("attendance_once_per_session")),
        ):
            outcome = checkin_record(user=self.user, session=self.session)
        self.assertTrue(outcome.already)
        self.assertEqual(outcome.attendance, winner)
        self.assertEqual(rows(), before)

    def test_a_row_written_meanwhile_by_the_sheet_is_checked_in_the_careful_way(self):
        """The plan saw no row; the sheet marked the cadre on leave before the insert: the row is turned present."""
        Attendance.objects.create(
            session=self.session, cadre=self.cadre, status=AttendanceStatus.LEAVE, method=AttendanceMethod.MANUAL
        )
        not_seen = service.CheckinPlan(self.cadre, None, walk_in=False)
        with mock.patch.object(service, "checkin_plan", return_value=not_seen):
            outcome = checkin_record(user=self.user, session=self.session)
        self.assertFalse(outcome.already)
        attendance = Attendance.objects.get(session=self.session, cadre=self.cadre)
        self.assertEqual((attendance.status, attendance.method), (AttendanceStatus.PRESENT, AttendanceMethod.QR))
        self.assertTrue(LedgerEntry.objects.filter(cadre=self.cadre, source_id=self.session.pk).exists())

    def test_other_integrity_errors_are_not_swallowed(self):
        with (
            mock.patch.object(service, "attendance_set", side_effect=IntegrityError("something else")),
            self.assertRaises(IntegrityError),
        ):
            checkin_record(user=self.user, session=self.session, at=dt.datetime.fromtimestamp(moment(9), dt.UTC))
