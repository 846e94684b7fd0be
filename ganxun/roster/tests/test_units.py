"""Units (单位): the services that keep the tree, and what each role sees by unit subtree."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action, AuditEvent
from ganxun.hours.models import LedgerEntry
from ganxun.hours.tests.factories import LedgerEntryFactory
from ganxun.roster import services
from ganxun.roster.models import Cadre, Section, Unit, UnitKind, home_unit_id
from ganxun.roster.permissions import can_edit_cadre, can_see_full_personal_data, reaches_unit
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.training.models import Activity
from ganxun.training.services import activity_create, enrol_audience
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, EnrolmentFactory


class DistrictMixin:
    """组织部 (the root) with two bureaus below it, and 甲局 with a 街道-like unit below it."""

    @classmethod
    def setUpTestData(cls):
        cls.org = Unit.objects.get(pk=home_unit_id())
        cls.a = services.unit_create(actor=None, name="甲局", code="JJ", parent=cls.org, sort_order=10)
        cls.a_child = services.unit_create(actor=None, name="甲局下属所", code="JJS", parent=cls.a)
        cls.b = services.unit_create(actor=None, name="乙局", code="YJ", parent=cls.org, sort_order=20)
        cls.section_a = SectionFactory(name="甲科", unit=cls.a)
        cls.section_a_child = SectionFactory(name="甲所科", unit=cls.a_child)
        cls.section_b = SectionFactory(name="乙科", unit=cls.b)
        cls.cadre_a = CadreFactory(name="甲一", section=cls.section_a)
        cls.cadre_a_child = CadreFactory(name="甲二", section=cls.section_a_child)
        cls.cadre_b = CadreFactory(name="乙一", section=cls.section_b)
        cls.head_a = CadreFactory(name="甲科长", section=cls.section_a, leadership_level="section_chief")
        cls.org_admin = UserFactory(username="org", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.org)
        cls.admin_a = UserFactory(username="adm_a", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.a)
        cls.admin_b = UserFactory(username="adm_b", role=Role.TRAINING_ADMIN, cadre=None, unit=cls.b)
        cls.sysadmin = UserFactory(username="sys", role=Role.SYSTEM_ADMIN, cadre=None, is_superuser=True)
        cls.sys_in_a = UserFactory(username="sys_a", role=Role.SYSTEM_ADMIN, cadre=None, unit=cls.a)
        cls.head = UserFactory(username="head_a", role=Role.SECTION_HEAD, cadre=cls.head_a)
        cls.cadre_user = UserFactory(username="cad_a", role=Role.CADRE, cadre=cls.cadre_a)

    def fresh(self, user: User) -> User:
        return User.objects.select_related("unit", "cadre__unit").get(pk=user.pk)


class UnitServiceTests(DistrictMixin, TestCase):
    def test_create_places_the_unit_under_its_parent_and_audits(self):
        self.assertEqual(self.a.path, f"{self.org.path}{self.a.pk}/")
        self.assertEqual((self.org.depth, self.a.depth, self.a_child.depth), (0, 1, 2))
        self.assertEqual(self.a_child.path, f"/{self.org.pk}/{self.a.pk}/{self.a_child.pk}/")
        event = AuditEvent.objects.get(object_type="unit", object_id=str(self.a_child.pk))
        self.assertEqual(event.action, Action.CREATE)
        self.assertIn("甲局", str(event.changes))

    def test_moving_a_unit_rewrites_its_subtree_paths(self):
        services.unit_update(actor=self.org_admin, unit=self.a, parent=self.b)
        a, child = Unit.objects.get(pk=self.a.pk), Unit.objects.get(pk=self.a_child.pk)
        self.assertEqual(a.path, f"{self.b.path}{a.pk}/")
        self.assertEqual(child.path, f"{self.b.path}{a.pk}/{child.pk}/")
        self.assertEqual((a.depth, child.depth), (2, 3))
        self.assertEqual(Unit.objects.get(pk=self.b.pk).path, self.b.path)  # the new parent is untouched
        self.assertIn(child, Unit.objects.subtree(self.b))
        event = AuditEvent.objects.filter(object_type="unit", object_id=str(a.pk)).first()
        self.assertEqual(event.action, Action.UPDATE)

    def test_moving_to_the_top_makes_a_root(self):
        services.unit_update(actor=None, unit=self.a, parent=None)
        child = Unit.objects.get(pk=self.a_child.pk)
        self.assertEqual(child.path, f"/{self.a.pk}/{child.pk}/")
        self.assertEqual(child.depth, 1)

    def test_a_cycle_is_refused_in_chinese(self):
        for parent in (self.a, self.a_child):
            with self.subTest(parent=parent.name), self.assertRaises(ValidationError) as caught:
                services.unit_update(actor=None, unit=self.a, parent=parent)
            self.assertIn("不能移到它自己或它的下级单位之下", caught.exception.message_dict["parent"][0])
        self.assertEqual(Unit.objects.get(pk=self.a.pk).parent_id, self.org.pk)

    def test_a_bureau_admin_cannot_place_a_unit_beside_or_above_their_own(self):
        for parent in (self.org, self.b, None):
            with self.subTest(parent=parent), self.assertRaises(ValidationError):
                services.unit_create(actor=self.admin_a, name="新单位", code="NEW", parent=parent)
        unit = services.unit_create(actor=self.admin_a, name="新单位", code="NEW", parent=self.a_child)
        self.assertTrue(unit.is_within(self.a))

    def test_renaming_keeps_the_path_and_only_activity_is_a_status_change(self):
        services.unit_update(actor=None, unit=self.b, name="乙委")
        self.assertEqual(Unit.objects.get(pk=self.b.pk).path, self.b.path)
        services.unit_update(actor=None, unit=self.b, is_active=False)
        self.assertEqual(
            AuditEvent.objects.filter(object_type="unit", object_id=str(self.b.pk)).first().action, "status"
        )

    def test_code_is_unique(self):
        with self.assertRaises(ValidationError) as caught:
            services.unit_create(actor=None, name="又一个", code="JJ", parent=self.org)
        self.assertIn("code", caught.exception.message_dict)

    def test_a_section_with_cadres_does_not_move_unit_an_empty_one_does(self):
        with self.assertRaises(ValidationError) as caught:
            services.section_update(actor=None, section=self.section_a, unit=self.b)
        self.assertIn("已有干部", caught.exception.message_dict["unit"][0])
        empty = services.section_create(actor=None, name="空科", unit=self.a)
        services.section_update(actor=None, section=empty, unit=self.b)
        self.assertEqual(Section.objects.get(pk=empty.pk).unit, self.b)


class AccountUnitTests(DistrictMixin, TestCase):
    def test_a_training_admin_must_have_a_unit(self):
        account = User(username="no_unit", role=Role.TRAINING_ADMIN)
        with self.assertRaises(ValidationError) as caught:
            account.full_clean()
        self.assertIn("unit", caught.exception.message_dict)
        with self.assertRaises(IntegrityError), transaction.atomic():
            User.objects.create(username="no_unit", role=Role.TRAINING_ADMIN)

    def test_a_system_admin_may_have_none(self):
        User(username="sys2", role=Role.SYSTEM_ADMIN, password="x").full_clean()

    def test_unit_scope_costs_no_query_after_the_login_read(self):
        from ganxun.accounts.backends import AccountBackend

        for user, unit in ((self.admin_a, self.a), (self.cadre_user, self.a), (self.sysadmin, None)):
            loaded = AccountBackend().get_user(user.pk)
            with self.assertNumQueries(0):
                self.assertEqual(loaded.unit_scope, unit)


class VisibilityByUnitTests(DistrictMixin, TestCase):
    def cadres(self, user) -> set[str]:
        return set(Cadre.objects.visible_to(self.fresh(user)).values_list("name", flat=True))

    def test_cadres_by_role_and_unit(self):
        everyone = {"甲一", "甲二", "乙一", "甲科长"}
        self.assertEqual(self.cadres(self.sysadmin), everyone)
        self.assertEqual(self.cadres(self.org_admin), everyone)
        self.assertEqual(self.cadres(self.admin_a), {"甲一", "甲二", "甲科长"})  # 甲局 and the unit below it
        self.assertEqual(self.cadres(self.admin_b), {"乙一"})
        self.assertEqual(self.cadres(self.sys_in_a), {"甲一", "甲二", "甲科长"})  # a system admin held in a unit
        self.assertEqual(self.cadres(self.head), {"甲一", "甲科长"})
        self.assertEqual(self.cadres(self.cadre_user), {"甲一"})
        self.assertEqual(set(Cadre.objects.editable_by(self.fresh(self.admin_b))), {self.cadre_b})

    def test_sections_and_units(self):
        admin_a = self.fresh(self.admin_a)
        self.assertEqual(set(Section.objects.visible_to(admin_a)), {self.section_a, self.section_a_child})
        self.assertEqual(set(Section.objects.editable_by(admin_a)), {self.section_a, self.section_a_child})
        self.assertEqual(set(Section.objects.visible_to(self.fresh(self.org_admin))), set(Section.objects.all()))
        self.assertEqual(set(Unit.objects.visible_to(admin_a)), {self.a, self.a_child})
        self.assertEqual(set(Unit.objects.editable_by(admin_a)), {self.a_child})  # not their own unit
        self.assertEqual(set(Unit.objects.editable_by(self.fresh(self.org_admin))), {self.a, self.a_child, self.b})
        self.assertEqual(Unit.objects.editable_by(self.fresh(self.sysadmin)).count(), 4)
        self.assertFalse(Unit.objects.editable_by(self.fresh(self.head)).exists())

    def test_permissions_follow_the_unit(self):
        admin_a, admin_b = self.fresh(self.admin_a), self.fresh(self.admin_b)
        self.assertTrue(can_edit_cadre(admin_a, self.cadre_a_child))
        self.assertFalse(can_edit_cadre(admin_b, self.cadre_a))
        self.assertTrue(can_see_full_personal_data(admin_a, self.cadre_a))
        self.assertFalse(can_see_full_personal_data(admin_b, self.cadre_a))
        self.assertTrue(can_see_full_personal_data(self.fresh(self.cadre_user), self.cadre_a))
        self.assertTrue(reaches_unit(self.fresh(self.org_admin), self.b.pk))
        self.assertFalse(reaches_unit(admin_a, self.org.pk))
        self.assertFalse(reaches_unit(self.fresh(self.head), self.a.pk))

    def test_ledger_entries_follow_the_cadre(self):
        entry_a, entry_b = LedgerEntryFactory(cadre=self.cadre_a), LedgerEntryFactory(cadre=self.cadre_b)
        self.assertEqual(set(LedgerEntry.objects.visible_to(self.fresh(self.admin_a))), {entry_a})
        self.assertEqual(set(LedgerEntry.objects.visible_to(self.fresh(self.admin_b))), {entry_b})
        self.assertEqual(set(LedgerEntry.objects.visible_to(self.fresh(self.org_admin))), {entry_a, entry_b})
        self.assertEqual(set(LedgerEntry.objects.visible_to(self.fresh(self.sysadmin))), {entry_a, entry_b})

    def test_activities_organised_in_the_subtree_or_enrolling_its_cadres(self):
        own = ActivityFactory(title="甲局的课", unit=self.a)
        other = ActivityFactory(title="乙局的课", unit=self.b)
        district = ActivityFactory(title="组织部的班", unit=self.org)
        admin_a, admin_b = self.fresh(self.admin_a), self.fresh(self.admin_b)
        self.assertEqual(set(Activity.objects.visible_to(admin_a)), {own})
        EnrolmentFactory(activity=district, cadre=self.cadre_a, section=self.section_a)
        self.assertEqual(set(Activity.objects.visible_to(admin_a)), {own, district})
        self.assertEqual(set(Activity.objects.editable_by(admin_a)), {own})  # read, not run, from the bureau
        self.assertEqual(set(Activity.objects.visible_to(admin_b)), {other})
        self.assertEqual(set(Activity.objects.visible_to(self.fresh(self.org_admin))), {own, other, district})
        self.assertEqual(set(Activity.objects.editable_by(self.fresh(self.org_admin))), {own, other, district})

    def test_audit_events_of_another_bureau_stay_unread(self):
        services.cadre_update(actor=self.admin_b, cadre=self.cadre_b, post="科员")  # 乙局's admin on 乙局's cadre
        services.cadre_update(actor=self.org_admin, cadre=self.cadre_a, post="主任科员")  # 组织部 on 甲局's cadre
        services.cadre_update(actor=None, cadre=self.cadre_b, post="副主任科员")  # the system on 乙局's cadre
        seen_by_a = AuditEvent.objects.visible_to(self.fresh(self.admin_a))
        cadre_events = seen_by_a.filter(object_type="cadre", action=Action.UPDATE)
        self.assertEqual(set(cadre_events.values_list("object_id", flat=True)), {str(self.cadre_a.pk)})
        self.assertFalse(seen_by_a.filter(actor=self.admin_b).exists())
        seen_by_b = AuditEvent.objects.visible_to(self.fresh(self.admin_b)).filter(object_type="cadre", action="update")
        self.assertEqual(seen_by_b.count(), 2)
        self.assertEqual(AuditEvent.objects.visible_to(self.fresh(self.org_admin)).count(), AuditEvent.objects.count())
        self.assertFalse(AuditEvent.objects.visible_to(self.fresh(self.head)).exists())


class ActivityUnitTests(DistrictMixin, TestCase):
    def test_the_organising_unit_defaults_to_the_section_then_the_admin(self):
        kind = ActivityKindFactory()
        by_section = activity_create(actor=self.org_admin, title="甲科的课", kind=kind, organiser=self.section_a)
        self.assertEqual(by_section.unit, self.a)
        by_admin = activity_create(actor=self.admin_b, title="乙局的课", kind=kind)
        self.assertEqual(by_admin.unit, self.b)
        by_system = activity_create(actor=None, title="系统的课", kind=kind)
        self.assertEqual(by_system.unit_id, home_unit_id())

    def test_everyone_means_everyone_in_the_organising_subtree(self):
        activity = ActivityFactory(unit=self.a)
        result = enrol_audience(actor=self.admin_a, activity=activity, everyone=True)
        enrolled = set(activity.enrolments.values_list("cadre__name", flat=True))
        self.assertEqual(enrolled, {"甲一", "甲二", "甲科长"})
        self.assertEqual(result.added, 3)

    def test_the_district_class_enrols_across_the_units_below(self):
        activity = ActivityFactory(unit=self.org)
        enrol_audience(actor=self.org_admin, activity=activity, sections=[self.section_a_child, self.section_b])
        self.assertEqual(set(activity.enrolments.values_list("cadre__name", flat=True)), {"甲二", "乙一"})

    def test_named_cadres_outside_the_subtree_are_not_enrolled(self):
        activity = ActivityFactory(unit=self.a)
        result = enrol_audience(actor=self.admin_a, activity=activity, cadres=[self.cadre_a, self.cadre_b])
        self.assertEqual((result.added, result.outside, result.not_active), (1, 1, 0))

    def test_the_enrol_form_offers_the_subtree_only(self):
        from ganxun.training.forms import EnrolForm

        form = EnrolForm(activity=ActivityFactory(unit=self.a))
        self.assertEqual(set(form.fields["sections"].queryset), {self.section_a, self.section_a_child})
        self.assertNotIn(self.cadre_b, form.fields["cadres"].queryset)


class UnitPageTests(DistrictMixin, TestCase):
    def test_the_tree_is_indented_with_counts(self):
        self.client.force_login(self.org_admin)
        response = self.client.get(reverse("roster:unit_list"))
        self.assertEqual(response.status_code, 200)
        rows = [(u.name, u.indent, u.section_count, u.cadre_count) for u in response.context["units"]]
        self.assertEqual(
            rows,
            [(self.org.name, 0, 0, 0), ("甲局", 1, 1, 2), ("甲局下属所", 2, 1, 1), ("乙局", 1, 1, 1)],
        )

    def test_a_bureau_admin_sees_their_subtree_and_cannot_create_a_sibling(self):
        self.client.force_login(self.admin_a)
        response = self.client.get(reverse("roster:unit_list"))
        self.assertEqual([u.name for u in response.context["units"]], ["甲局", "甲局下属所"])
        form = self.client.get(reverse("roster:unit_create")).context["form"]
        self.assertEqual(set(form.fields["parent"].queryset), {self.a, self.a_child})
        response = self.client.post(
            reverse("roster:unit_create"),
            {"name": "丙局", "code": "BJ", "kind": UnitKind.BUREAU, "parent": self.org.pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Unit.objects.filter(code="BJ").exists())
        self.assertEqual(self.client.get(reverse("roster:unit_update", args=[self.b.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("roster:unit_update", args=[self.a.pk])).status_code, 404)

    def test_create_and_move_through_the_pages(self):
        self.client.force_login(self.org_admin)
        data = {"name": "丙街道", "code": "BJD", "kind": UnitKind.SUB_DISTRICT, "parent": self.b.pk, "sort_order": 5}
        response = self.client.post(reverse("roster:unit_create"), data)
        self.assertEqual(response.status_code, 302)
        unit = Unit.objects.get(code="BJD")
        self.assertTrue(unit.is_within(self.b))
        edit = self.client.get(reverse("roster:unit_update", args=[self.b.pk]))
        self.assertNotIn(unit, edit.context["form"].fields["parent"].queryset)  # not under its own unit

    def test_the_section_form_offers_the_users_units_and_the_list_shows_the_unit(self):
        self.client.force_login(self.admin_a)
        form = self.client.get(reverse("roster:section_create")).context["form"]
        self.assertEqual(set(form.fields["unit"].queryset), {self.a, self.a_child})
        self.assertEqual(form.initial["unit"], self.a.pk)
        response = self.client.post(reverse("roster:section_create"), {"unit": self.b.pk, "name": "越界科"})
        self.assertFalse(Section.objects.filter(name="越界科").exists())
        self.assertIn("unit", response.context["form"].errors)
        response = self.client.post(
            reverse("roster:section_create"), {"unit": self.a_child.pk, "name": "新科", "sort_order": 1}
        )
        self.assertEqual(Section.objects.get(name="新科").unit, self.a_child)
        page = self.client.get(reverse("roster:section_list"))
        self.assertTrue(page.context["show_unit"])
        self.assertContains(page, "甲局下属所")
        self.assertNotContains(page, "乙科")
