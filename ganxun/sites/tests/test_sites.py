"""现场教学 sites: names once per unit (normalised), the 科室 and phone checked, deletion refused while activities are
linked, links only to the unit's activities and one site per activity; the site page's figures per activity and
per year (people counted once per activity, absent ones not at all), the list's filters and export, the scope, and
the activity page showing its site through training's hook."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory
from ganxun.training.models import AttendanceStatus
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, AttendanceFactory, SessionFactory

from .. import services
from ..models import Site, SiteActivity

D = dt.date


class SitesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.section = SectionFactory(name="物业管理科")
        cls.unit = cls.section.unit
        cls.other_unit = UnitFactory(name="另一局", code="OTHER")
        cls.other_section = SectionFactory(name="外单位科", unit=cls.other_unit)
        cls.admin = UserFactory(username="s_admin", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.unit)
        cls.other_admin = UserFactory(username="s_other", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.other_unit)
        cls.cadres = [CadreFactory(section=cls.section) for _ in range(4)]
        cls.reader = UserFactory(username="s_cadre", role=Role.CADRE, cadre=cls.cadres[0])
        cls.outsider = UserFactory(username="s_out", role=Role.CADRE, cadre=CadreFactory(section=cls.other_section))
        cls.onsite = ActivityKindFactory(name="现场教学")
        cls.lift = services.site_save(
            actor=cls.admin,
            unit=cls.unit,
            name="鞍山七村 加装电梯",
            kind="lift",
            address="长白新村街道鞍山七村",
            section=cls.section,
            contact="陈经理",
            contact_phone="139 1234 5678",
        )
        # Two sessions (3 + 1.5 学时) in 2025: cadres 0 and 1 at both, cadre 2 at one, cadre 3 absent.
        cls.first = ActivityFactory(title="加装电梯现场教学", kind=cls.onsite, unit=cls.unit)
        one = SessionFactory(activity=cls.first, date=D(2025, 6, 3), hours=Decimal(3))
        two = SessionFactory(activity=cls.first, date=D(2025, 6, 10), hours=Decimal("1.5"))
        for session, present in ((one, cls.cadres[:3]), (two, cls.cadres[:2])):
            for cadre in present:
                AttendanceFactory(session=session, cadre=cadre)
        AttendanceFactory(session=one, cadre=cls.cadres[3], status=AttendanceStatus.ABSENT)
        # One in 2026 with one session and one person present.
        cls.second = ActivityFactory(title="加装电梯回访现场教学", kind=cls.onsite, unit=cls.unit)
        AttendanceFactory(
            session=SessionFactory(activity=cls.second, date=D(2026, 4, 8), hours=Decimal(4)), cadre=cls.cadres[0]
        )
        for activity in (cls.first, cls.second):
            services.activity_link(actor=cls.admin, site=cls.lift, activity=activity)

    # --- services -----------------------------------------------------------------------------------------

    def test_a_site_is_stored_tidy_with_its_phone_digits_and_audited_masked(self):
        self.assertEqual(self.lift.name, "鞍山七村 加装电梯")
        self.assertEqual(self.lift.contact_phone, "13912345678")
        event = AuditEvent.objects.filter(action=Action.CREATE, object_id=str(self.lift.pk)).get()
        self.assertEqual(event.changes["contact_phone"][1], "139****5678")

    def test_a_name_is_once_per_unit_whatever_its_spaces_and_width(self):
        with self.assertRaises(ValidationError) as refused:
            services.site_save(actor=self.admin, unit=self.unit, name="鞍山七村加装电梯", kind="homes")
        self.assertIn("name", refused.exception.message_dict)
        with self.assertRaises(ValidationError):
            services.site_save(actor=self.admin, unit=self.unit, name="鞍山七村　加装电梯 ", kind="homes")
        other = services.site_save(actor=self.other_admin, unit=self.other_unit, name="鞍山七村加装电梯", kind="lift")
        self.assertEqual(other.unit, self.other_unit)

    def test_the_section_must_be_of_the_unit_and_the_phone_digits(self):
        with self.assertRaises(ValidationError) as refused:
            services.site_save(
                actor=self.admin, unit=self.unit, name="开鲁新村", kind="homes", section=self.other_section
            )
        self.assertIn("section", refused.exception.message_dict)
        for phone, ok in (("123456", False), ("1234567", True), ("123456789012", True), ("1234567890123", False)):
            site = Site(unit=self.unit, name=f"试点{phone}", kind="other", contact_phone=phone)
            if ok:
                services.site_save(actor=self.admin, unit=self.unit, name=site.name, kind="other", contact_phone=phone)
            else:
                with self.assertRaises(ValidationError):
                    services.site_save(
                        actor=self.admin, unit=self.unit, name=site.name, kind="other", contact_phone=phone
                    )

    def test_only_an_administrator_of_the_unit_writes(self):
        with self.assertRaises(PermissionDenied):
            services.site_save(actor=self.reader, unit=self.unit, name="甲", kind="other")
        with self.assertRaises(PermissionDenied):
            services.site_save(actor=self.other_admin, unit=self.unit, name="甲", kind="other")
        with self.assertRaises(PermissionDenied):
            services.site_save(actor=self.other_admin, unit=self.unit, site=self.lift, note="改")

    def test_a_change_is_audited_with_before_and_after(self):
        services.site_save(actor=self.admin, unit=self.unit, site=self.lift, note="已竣工", contact_phone="")
        event = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(self.lift.pk)).latest("pk")
        self.assertEqual(event.changes["note"], ["", "已竣工"])
        self.assertEqual(event.changes["contact_phone"], ["139****5678", ""])

    def test_delete_is_refused_with_the_count_while_activities_are_linked(self):
        with self.assertRaises(ValidationError) as refused:
            services.site_delete(actor=self.admin, site=self.lift)
        self.assertIn("2", refused.exception.messages[0])
        free = services.site_save(actor=self.admin, unit=self.unit, name="开鲁新村美丽家园", kind="homes")
        services.site_delete(actor=self.admin, site=free)
        self.assertFalse(Site.objects.filter(pk=free.pk).exists())
        self.assertTrue(AuditEvent.objects.filter(action=Action.DELETE, object_id=str(free.pk)).exists())

    def test_an_activity_is_linked_once_and_only_to_a_site_of_its_unit(self):
        homes = services.site_save(actor=self.admin, unit=self.unit, name="开鲁新村美丽家园", kind="homes")
        with self.assertRaises(ValidationError) as refused:
            services.activity_link(actor=self.admin, site=homes, activity=self.first)
        self.assertIn("鞍山七村 加装电梯", refused.exception.messages[0])
        foreign = ActivityFactory(unit=self.other_unit)
        with self.assertRaises(ValidationError):
            services.activity_link(actor=self.admin, site=homes, activity=foreign)
        third = ActivityFactory(unit=self.unit)
        link = services.activity_link(actor=self.admin, site=homes, activity=third)
        services.activity_unlink(actor=self.admin, link=link)
        self.assertFalse(SiteActivity.objects.filter(activity=third).exists())
        self.assertEqual(AuditEvent.objects.filter(object_id=str(homes.pk), action=Action.UPDATE).count(), 2)

    # --- pages --------------------------------------------------------------------------------------------

    def test_the_site_page_counts_each_activity_and_year(self):
        self.client.force_login(self.reader)
        response = self.client.get(reverse("sites:site_detail", args=[self.lift.pk]))
        self.assertEqual(response.status_code, 200)
        links = {link.activity_id: link for link in response.context["links"]}
        first = links[self.first.pk]
        self.assertEqual((first.first_day, first.sessions, first.attended, first.hours), (D(2025, 6, 3), 2, 3, 4.5))
        second = links[self.second.pk]
        self.assertEqual((second.sessions, second.attended, second.hours), (1, 1, 4))
        years = {y.year: y for y in response.context["years"]}
        self.assertEqual([y.year for y in response.context["years"]], [2026, 2025])
        self.assertEqual((years[2025].activities, years[2025].attended, years[2025].hours), (1, 3, Decimal("4.5")))
        self.assertContains(response, "139****5678")
        self.assertNotContains(response, "13912345678")
        self.assertIsNone(response.context["link_form"])  # a reader links nothing

    def test_the_site_page_costs_the_same_with_more_activities(self):
        self.client.force_login(self.admin)
        url = reverse("sites:site_detail", args=[self.lift.pk])
        with CaptureQueriesContext(connection) as before:
            self.client.get(url)
        for n in range(3):
            activity = ActivityFactory(unit=self.unit, kind=self.onsite)
            AttendanceFactory(session=SessionFactory(activity=activity), cadre=self.cadres[n])
            services.activity_link(actor=self.admin, site=self.lift, activity=activity)
            ActivityFactory(unit=self.unit)  # offered in the link form
        with CaptureQueriesContext(connection) as after:
            self.client.get(url)
        self.assertEqual(len(before), len(after))

    def test_the_link_form_offers_the_units_unlinked_activities_onsite_first(self):
        other_kind = ActivityFactory(unit=self.unit, title="全员培训")
        onsite = ActivityFactory(unit=self.unit, kind=self.onsite, title="美丽家园现场教学")
        ActivityFactory(unit=self.other_unit, kind=self.onsite, title="外单位现场教学")
        self.client.force_login(self.admin)
        response = self.client.get(reverse("sites:site_detail", args=[self.lift.pk]))
        offered = list(response.context["link_form"].fields["activity"].queryset)
        self.assertEqual(offered, [onsite, other_kind])
        response = self.client.post(reverse("sites:activity_link", args=[self.lift.pk]), {"activity": onsite.pk})
        self.assertRedirects(response, reverse("sites:site_detail", args=[self.lift.pk]))
        self.assertEqual(SiteActivity.objects.get(activity=onsite).site, self.lift)
        response = self.client.post(reverse("sites:activity_link", args=[self.lift.pk]), {"activity": self.first.pk})
        self.assertEqual(response.status_code, 400)

    def test_the_list_filters_by_year_and_kind_and_exports_the_same(self):
        services.site_save(actor=self.admin, unit=self.unit, name="开鲁新村美丽家园", kind="homes")
        self.client.force_login(self.reader)
        response = self.client.get(reverse("sites:site_list"))
        self.assertEqual(len(response.context["page"].object_list), 2)
        response = self.client.get(reverse("sites:site_list"), {"year": 2025})
        (only,) = response.context["page"].object_list
        self.assertEqual((only.pk, only.activities, only.last_day), (self.lift.pk, 1, D(2025, 6, 3)))
        response = self.client.get(reverse("sites:site_list"), {"kind": "homes"})
        self.assertEqual([s.name for s in response.context["page"].object_list], ["开鲁新村美丽家园"])
        response = self.client.get(reverse("sites:site_export"), {"year": 2025})
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[0][7], "2025年现场教学次数")
        self.assertEqual(len(rows), 2)
        self.assertEqual(
            (rows[1][0], rows[1][1], rows[1][6], rows[1][7]), ("鞍山七村 加装电梯", "加装电梯", "139****5678", 1)
        )

    def test_another_units_cadre_and_administrator_see_no_site(self):
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(reverse("sites:site_detail", args=[self.lift.pk])).status_code, 404)
        self.assertEqual(len(self.client.get(reverse("sites:site_list")).context["page"].object_list), 0)
        self.client.force_login(self.other_admin)
        response = self.client.post(reverse("sites:site_delete", args=[self.lift.pk]))
        self.assertEqual(response.status_code, 404)

    def test_delete_page_refuses_with_the_count(self):
        self.client.force_login(self.admin)
        response = self.client.post(reverse("sites:site_delete", args=[self.lift.pk]), follow=True)
        self.assertContains(response, "2")
        self.assertTrue(Site.objects.filter(pk=self.lift.pk).exists())

    def test_the_form_creates_a_site_of_the_admins_unit(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("sites:site_create"),
            {"name": "新华路保障房", "kind": "security", "section": self.section.pk, "is_active": "on"},
        )
        site = Site.objects.get(name="新华路保障房")
        self.assertRedirects(response, site.get_absolute_url())
        self.assertEqual(site.unit, self.unit)
        response = self.client.post(reverse("sites:site_create"), {"name": "新华路 保障房", "kind": "security"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("name", response.context["form"].errors)

    def test_the_activity_page_shows_the_site_it_was_held_at(self):
        self.client.force_login(self.admin)
        response = self.client.get(self.first.get_absolute_url())
        self.assertContains(response, reverse("sites:site_detail", args=[self.lift.pk]))
        self.assertContains(response, "鞍山七村 加装电梯")
        unlinked = ActivityFactory(unit=self.unit)
        response = self.client.get(unlinked.get_absolute_url())
        self.assertNotContains(response, 'data-part="site"')
