"""The missed share is a rule of the year (CompletionRule, 1/7 by default, kept exactly), and a sitting that is
over without an attendance row counts as missed (未登记), at exactly 1/7 of a 7-学时 class and just above."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from unittest import mock

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.attendance.models import Attendance
from ganxun.attendance.services import attendance_set, class_completion
from ganxun.audit.models import AuditEvent
from ganxun.hours.models import CompletionRule, EntryStatus, LedgerEntry, Source, missed_share
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.tests.factories import ActivityFactory, EnrolmentFactory, SessionFactory

D = Decimal
YEAR = 2026


class ShareTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="ms_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.cadre = CadreFactory(name="李小红")
        cls.cadre_user = UserFactory(username="ms_li", role=Role.CADRE, cadre=cls.cadre)

    def make_class(self, *hours: str, start: dt.date = dt.date(YEAR, 3, 2)):
        activity = ActivityFactory(title="全员培训班", kind__name="全员培训班")
        EnrolmentFactory(activity=activity, cadre=self.cadre)
        return [
            SessionFactory(
                activity=activity,
                date=start + dt.timedelta(days=n),
                start_time=dt.time(9),
                end_time=dt.time(17),
                hours=D(h),
            )
            for n, h in enumerate(hours)
        ]

    def mark(self, session, status=AttendanceStatus.PRESENT):
        attendance_set(
            actor=self.admin, session=session, cadre=self.cadre, status=status, method=AttendanceMethod.MANUAL
        )

    def confirmed(self) -> Decimal:
        entries = LedgerEntry.objects.filter(cadre=self.cadre, source=Source.SESSION, status=EntryStatus.CONFIRMED)
        return sum((e.hours for e in entries), D(0))

    def test_the_default_is_one_seventh_exactly(self):
        self.assertEqual(missed_share(YEAR), Fraction(1, 7))
        rule = CompletionRule.objects.create(year=YEAR)
        self.assertEqual(rule.missed_share, Fraction(1, 7))
        self.assertEqual(missed_share(YEAR), Fraction(1, 7))

    def test_an_unrecorded_sitting_of_exactly_one_seventh_still_completes(self):
        sessions = self.make_class("1", "1", "1", "1", "1", "1", "1")  # 7 学时, all over
        for session in sessions[:-1]:
            self.mark(session)
        result = class_completion(sessions[0].activity, list(Attendance.objects.filter(cadre=self.cadre)))
        self.assertEqual((result.completed, result.missed, result.total), (True, D(1), D(7)))
        self.assertEqual(result.unrecorded, (sessions[-1],))
        self.assertEqual(self.confirmed(), D(6))

    def test_an_unrecorded_sitting_just_above_one_seventh_withdraws_the_class(self):
        sessions = self.make_class("1.01", "5.99")  # 7 学时; the first is over with no row
        self.mark(sessions[1])
        result = class_completion(sessions[0].activity, list(Attendance.objects.filter(cadre=self.cadre)))
        self.assertEqual((result.completed, result.missed), (False, D("1.01")))
        self.assertEqual(self.confirmed(), D(0))

    def test_a_class_counted_before_a_sitting_ended_unrecorded_is_withdrawn_with_the_reason(self):
        sessions = self.make_class("5.99", "1.01")
        morning = timezone.make_aware(dt.datetime.combine(sessions[1].date, dt.time(8)))
        with mock.patch("django.utils.timezone.now", return_value=morning):  # the last sitting not yet begun
            self.mark(sessions[0])
        self.assertEqual(self.confirmed(), D("5.99"))
        self.mark(sessions[0])  # recounted once it is over, still without a row
        entry = LedgerEntry.objects.get(cadre=self.cadre, source_id=sessions[0].pk)
        self.assertEqual(entry.status, EntryStatus.REJECTED)
        self.assertIn("未登记", entry.reason)

    def test_a_sitting_not_yet_over_is_not_missed(self):
        later = timezone.localdate() + dt.timedelta(days=10)
        sessions = self.make_class("1.01", "5.99", start=later)
        self.mark(sessions[1])
        self.assertEqual(self.confirmed(), D("5.99"))

    def test_the_years_rule_moves_the_line(self):
        CompletionRule.objects.create(year=YEAR, missed_share_numerator=1, missed_share_denominator=6)
        sessions = self.make_class("1.01", "5.99")  # 1.01 of 7 is within 1/6 (1.1667)
        self.mark(sessions[0], AttendanceStatus.LEAVE)
        self.mark(sessions[1])
        self.assertEqual(self.confirmed(), D("5.99"))
        CompletionRule.objects.filter(year=YEAR).update(missed_share_denominator=7)
        self.mark(sessions[1], AttendanceStatus.PRESENT)  # recounted under 1/7: just above
        self.mark(sessions[0], AttendanceStatus.ABSENT)
        self.assertEqual(self.confirmed(), D(0))

    def test_the_pages_say_not_recorded(self):
        sessions = self.make_class("1", "1", "1", "1", "1", "1", "1")
        for session in sessions[:-1]:
            self.mark(session)
        self.client.force_login(self.admin)
        sheet = self.client.get(reverse("attendance:attendance_sheet", args=[sessions[0].pk])).content.decode()
        self.assertIn("1 场已结束未登记（计为缺勤）", sheet)
        # The cadre's own page lists the sitting, this year's only.
        if sessions[-1].date.year == timezone.localdate().year:
            self.client.force_login(self.cadre_user)
            page = self.client.get(reverse("hours:my_learning")).content.decode()
            self.assertIn(f'data-session="{sessions[-1].pk}"', page)
            self.assertIn("未登记", page)
            self.assertNotIn(f'data-session="{sessions[0].pk}"', page.split("data-unrecorded")[1])


class CompletionRulePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="cr_admin", role=Role.SYSTEM_ADMIN, cadre=None)

    def test_the_rules_page_sets_the_share_audited(self):
        self.client.force_login(self.admin)
        page = self.client.get(reverse("hours:rule_list") + f"?year={YEAR}")
        self.assertContains(page, "1/7")
        self.assertContains(page, "按条例默认值")
        refused = self.client.post(
            reverse("hours:completion_rule_create"),
            {"year": YEAR, "missed_share_numerator": 8, "missed_share_denominator": 7},
        )
        self.assertEqual(refused.status_code, 200)
        self.assertFalse(CompletionRule.objects.exists())
        response = self.client.post(
            reverse("hours:completion_rule_create"),
            {"year": YEAR, "missed_share_numerator": 1, "missed_share_denominator": 6},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(missed_share(YEAR), Fraction(1, 6))
        self.assertTrue(AuditEvent.objects.filter(object_type="completionrule", action="create").exists())
        self.assertContains(self.client.get(reverse("hours:rule_list") + f"?year={YEAR}"), "1/6")
