"""Opening a rule's edit page shows the rule's own year, whatever year the rules list was on."""

from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.core.tests.editing import form_data
from ganxun.hours.models import BucketCap, ConversionRule, Requirement
from ganxun.roster.tests.factories import UserFactory


class RuleEditYearTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role=Role.SYSTEM_ADMIN, cadre=None)

    def test_the_form_holds_the_rules_year_and_saving_it_unchanged_keeps_it(self):
        self.client.force_login(self.admin)
        for rule, name in (
            (ConversionRule.objects.get(year=2025, unit="day"), "conversion_update"),
            (BucketCap.objects.get(year=2025, bucket="self_study"), "cap_update"),
            (Requirement.objects.filter(start_year=2025, end_year=2025).first(), "requirement_update"),
        ):
            url = reverse(f"hours:{name}", args=[rule.pk])
            for query in ("", "?year=2027"):
                data = form_data(self.client.get(url + query))
                self.assertEqual(data.get("year", data.get("start_year")), "2025", (name, query))
            self.assertEqual(self.client.post(url, data).status_code, 302)
            rule.refresh_from_db()
            self.assertEqual(getattr(rule, "year", None) or rule.start_year, 2025)
