"""Nobody decides on their own hours: an administrator who is also a cadre, at every step of the ledger."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.hours import services
from ganxun.hours.models import EntryStatus, LedgerEntry, Source
from ganxun.hours.queries import decision_queue, section_review_queue
from ganxun.roster.models import LeadershipLevel
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .factories import OutsideClassFactory, SelfReportFactory

OWN = "不能办理本人的学时，请由其他管理员办理。"


class OwnSelfReportTests(TestCase):
    """A training administrator who is a cadre of a 科室 without a head: their report goes to the administrators."""

    @classmethod
    def setUpTestData(cls):
        cls.personnel = SectionFactory(name="组织人事科")
        cls.admin_cadre = CadreFactory(section=cls.personnel, name="周管理")
        cls.admin = UserFactory(username="zhou", role=Role.TRAINING_ADMIN, cadre=cls.admin_cadre)
        cls.other_admin = UserFactory(username="sys", role=Role.SYSTEM_ADMIN, cadre=None)
        cls.renewal = SectionFactory(name="旧区改造科")
        cls.head_cadre = CadreFactory(
            section=cls.renewal, name="王科长", leadership_level=LeadershipLevel.SECTION_CHIEF
        )
        cls.head = UserFactory(username="wang", role=Role.SECTION_HEAD, cadre=cls.head_cadre)

    def setUp(self):
        self.report = SelfReportFactory(cadre=self.admin_cadre, date=dt.date(2026, 3, 2), hours=Decimal(3))

    def test_the_administrator_cannot_decide_their_own_report(self):
        self.assertFalse(services.can_decide(self.admin, self.report))
        with self.assertRaisesMessage(PermissionDenied, OWN):
            services.self_report_decide(actor=self.admin, entry=self.report, confirm=True)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, EntryStatus.PENDING)

    def test_nor_through_the_review_page(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("hours:self_report_review", args=[self.report.pk]), {"decision": "approve", "reason": ""}
        )
        self.assertEqual(response.status_code, 403)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, EntryStatus.PENDING)
        page = self.client.get(reverse("hours:self_report_detail", args=[self.report.pk]))
        self.assertNotContains(page, reverse("hours:self_report_review", args=[self.report.pk]))
        self.assertContains(page, OWN)

    def test_nor_does_it_show_in_their_queue_but_in_the_other_administrators(self):
        self.assertNotIn(self.report, decision_queue(self.admin))
        self.assertIn(self.report, decision_queue(self.other_admin))
        self.client.force_login(self.admin)
        self.assertNotContains(self.client.get(reverse("hours:self_report_queue")), f'data-entry="{self.report.pk}"')

    def test_another_administrator_decides_it(self):
        services.self_report_decide(actor=self.other_admin, entry=self.report, confirm=True)
        self.report.refresh_from_db()
        self.assertEqual((self.report.status, self.report.decided_by), (EntryStatus.CONFIRMED, self.other_admin))

    def test_once_approved_by_the_section_it_is_still_not_theirs_to_decide(self):
        self.report.status = EntryStatus.SECTION_APPROVED
        self.report.save()
        self.assertFalse(services.can_decide(self.admin, self.report))
        with self.assertRaisesMessage(PermissionDenied, OWN):
            services.self_report_decide(actor=self.admin, entry=self.report, confirm=False, reason="无")

    def test_a_section_head_cannot_review_their_own_report(self):
        own = SelfReportFactory(cadre=self.head_cadre, date=dt.date(2026, 3, 2))
        self.assertFalse(services.can_section_review(self.head, own))
        self.assertNotIn(own, section_review_queue(self.head))
        with self.assertRaisesMessage(PermissionDenied, OWN):
            services.self_report_review(actor=self.head, entry=own, approve=True)

    def test_the_django_admin_cannot_change_an_entry(self):
        superuser = UserFactory(username="root", role=Role.SYSTEM_ADMIN, cadre=CadreFactory(), is_superuser=True)
        superuser.is_staff = True
        superuser.save()
        own = SelfReportFactory(cadre=superuser.cadre, date=dt.date(2026, 3, 2))
        self.client.force_login(superuser)
        url = reverse("admin:hours_ledgerentry_change", args=[own.pk])
        response = self.client.post(url, {"status": EntryStatus.CONFIRMED, "hours": "99"})
        self.assertEqual(response.status_code, 403)
        changelist = self.client.post(
            reverse("admin:hours_ledgerentry_changelist"), {"action": "delete_selected", "_selected_action": [own.pk]}
        )
        self.assertIn(changelist.status_code, (200, 302, 403))
        own.refresh_from_db()
        self.assertEqual((own.status, own.hours), (EntryStatus.PENDING, Decimal(4)))


class OwnOutsideClassTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin_cadre = CadreFactory(name="周管理")
        cls.admin = UserFactory(username="zhou", role=Role.TRAINING_ADMIN, cadre=cls.admin_cadre)
        cls.other_admin = UserFactory(username="sys", role=Role.SYSTEM_ADMIN, cadre=None)
        cls.colleague = CadreFactory(name="李同事")

    def setUp(self):
        self.outside = OutsideClassFactory()

    def entries(self, cadre):
        return LedgerEntry.objects.filter(cadre=cadre, source=Source.OUTSIDE_CLASS, source_id=self.outside.pk)

    def test_an_administrator_cannot_add_themself(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            self.outside.get_absolute_url(),
            {"people": f"{self.colleague.id_number}\n{self.admin_cadre.id_number}", "evidence": ""},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "周管理", status_code=400)
        self.assertContains(response, OWN, status_code=400)
        # Nothing half-written: the colleague named on the same form is not counted either.
        self.assertFalse(self.entries(self.colleague).exists())
        self.assertFalse(self.entries(self.admin_cadre).exists())

    def test_another_administrator_adds_them(self):
        services.outside_class_add_participants(
            actor=self.other_admin, outside_class=self.outside, cadres=[self.admin_cadre]
        )
        self.assertEqual(self.entries(self.admin_cadre).get().status, EntryStatus.CONFIRMED)

    def test_an_administrator_cannot_remove_themself(self):
        services.outside_class_add_participants(
            actor=self.other_admin, outside_class=self.outside, cadres=[self.admin_cadre]
        )
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("hours:outside_class_participant_remove", args=[self.outside.pk]),
            {"cadre": self.admin_cadre.pk},
            follow=True,
        )
        self.assertContains(response, OWN)
        self.assertEqual(self.entries(self.admin_cadre).get().status, EntryStatus.CONFIRMED)

    def test_an_administrator_counted_in_a_class_cannot_change_its_hours(self):
        services.outside_class_add_participants(
            actor=self.other_admin, outside_class=self.outside, cadres=[self.admin_cadre]
        )
        with self.assertRaisesMessage(ValidationError, "请由其他管理员修改"):
            services.outside_class_update(actor=self.admin, outside_class=self.outside, hours=Decimal("40.5"))
        # A note changes nobody's hours.
        services.outside_class_update(actor=self.admin, outside_class=self.outside, note="已结业")
        services.outside_class_update(actor=self.other_admin, outside_class=self.outside, hours=Decimal(36))
        self.assertEqual(self.entries(self.admin_cadre).get().hours, Decimal(36))
