"""Surplus over a yearly cap carries over to the next year when the cap's row says so (BucketCap.carry_over)."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase

from ganxun.hours.models import Bucket, BucketCap, LedgerEntry
from ganxun.hours.queries import cadre_compliance, compliance
from ganxun.roster.models import Cadre, Rank
from ganxun.roster.tests.factories import CadreFactory

from .factories import LedgerEntryFactory

D = Decimal
TOWNSHIP = "乡科级及以下年度学时"


def judged(cadre, year):
    report = compliance(year=year, cadres=Cadre.objects.filter(pk=cadre.pk), as_of=dt.date(year, 12, 31))
    return report.rows[0]


class CarryOverTests(TestCase):
    """The seeded rules cap self-study at 20 学时 a year (2023–2027)."""

    @classmethod
    def setUpTestData(cls):
        cls.cadre = CadreFactory(rank=Rank.CLERK_1)

    def self_study(self, year: int, hours: str):
        LedgerEntryFactory(cadre=self.cadre, bucket=Bucket.SELF_STUDY, hours=D(hours), date=dt.date(year, 6, 1))

    def test_without_the_rule_the_surplus_is_lost(self):
        self.self_study(2024, "26")
        self.self_study(2025, "5")
        self.assertEqual(judged(self.cadre, 2025).buckets[Bucket.SELF_STUDY], D(5))

    def test_the_surplus_counts_in_the_next_year(self):
        BucketCap.objects.filter(year=2024, bucket=Bucket.SELF_STUDY).update(carry_over=True)
        self.self_study(2024, "26")
        self.self_study(2025, "5")
        row = judged(self.cadre, 2025)
        self.assertEqual(row.buckets[Bucket.SELF_STUDY], D(11))  # 5 + the 6 beyond 2024's 20
        self.assertEqual({r.requirement.name: r.done for r in row.results}[TOWNSHIP], D(11))
        self.assertEqual(judged(self.cadre, 2024).buckets[Bucket.SELF_STUDY], D(20))  # 2024 itself still capped

    def test_the_carried_hours_stay_within_the_next_years_cap(self):
        BucketCap.objects.filter(year=2024, bucket=Bucket.SELF_STUDY).update(carry_over=True)
        self.self_study(2024, "30")
        self.self_study(2025, "15")
        self.assertEqual(judged(self.cadre, 2025).buckets[Bucket.SELF_STUDY], D(20))

    def test_at_the_cap_nothing_carries(self):
        BucketCap.objects.filter(year=2024, bucket=Bucket.SELF_STUDY).update(carry_over=True)
        self.self_study(2024, "20")
        self.self_study(2025, "5")
        self.assertEqual(judged(self.cadre, 2025).buckets[Bucket.SELF_STUDY], D(5))

    def test_only_the_previous_years_own_surplus_carries(self):
        BucketCap.objects.filter(year__in=[2023, 2024], bucket=Bucket.SELF_STUDY).update(carry_over=True)
        self.self_study(2023, "30")  # 10 carried into 2024 …
        self.self_study(2024, "20")  # … which is at its cap on its own: nothing more into 2025
        self.self_study(2025, "1")
        self.assertEqual(judged(self.cadre, 2024).buckets[Bucket.SELF_STUDY], D(20))
        self.assertEqual(judged(self.cadre, 2025).buckets[Bucket.SELF_STUDY], D(1))

    def test_the_archive_path_agrees_with_the_page(self):
        BucketCap.objects.filter(year=2024, bucket=Bucket.SELF_STUDY).update(carry_over=True)
        self.self_study(2024, "26")
        self.self_study(2025, "5")
        entries = list(LedgerEntry.objects.filter(cadre=self.cadre))
        one = cadre_compliance(self.cadre, entries, 2025, as_of=dt.date(2025, 12, 31))
        self.assertEqual(one.buckets, judged(self.cadre, 2025).buckets)


class CarryOverRulePageTests(TestCase):
    def test_the_cap_form_sets_it_audited(self):
        from django.urls import reverse

        from ganxun.accounts.models import Role
        from ganxun.audit.models import AuditEvent
        from ganxun.roster.tests.factories import UserFactory

        admin = UserFactory(username="co_admin", role=Role.TRAINING_ADMIN, cadre=None)
        self.client.force_login(admin)
        self.assertContains(self.client.get(reverse("hours:cap_create") + "?year=2030"), 'name="carry_over"')
        response = self.client.post(
            reverse("hours:cap_create"), {"year": 2030, "bucket": Bucket.PRACTICE, "cap": "10", "carry_over": "on"}
        )
        self.assertEqual(response.status_code, 302)
        cap = BucketCap.objects.get(year=2030, bucket=Bucket.PRACTICE)
        self.assertTrue(cap.carry_over)
        event = AuditEvent.objects.get(object_type="bucketcap", object_id=str(cap.pk))
        self.assertIs(event.changes["carry_over"][1], True)
        self.assertContains(self.client.get(reverse("hours:rule_list") + "?year=2030"), "超出部分结转下一年度")
