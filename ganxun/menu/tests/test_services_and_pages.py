"""The menu's writes (audited, refused with a message naming the field) and its pages through HTTP."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.menu import services
from ganxun.menu.models import Need, PostFamily
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.training.models import Enrolment
from ganxun.training.tests.factories import ActivityFactory, AttendanceFactory, SessionFactory, TopicModuleFactory

from .factories import NeedFactory, PostFamilyFactory, PostNameFactory


class FamilyAndNeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="menu_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.topic = TopicModuleFactory(name="住房保障")

    def test_a_family_keeps_its_posts_normalised_and_is_audited(self):
        family = services.family_save(
            actor=self.admin, family=PostFamily(name="业务科员"), post_names=[" 科 员　", "科员", "副主任科员", ""]
        )
        self.assertEqual(sorted(family.posts.values_list("name", flat=True)), ["副主任科员", "科员"])
        self.assertTrue(AuditEvent.objects.filter(object_type="postfamily", object_id=str(family.pk)).exists())
        services.family_save(actor=self.admin, family=family, post_names=["科员"])
        self.assertEqual(list(family.posts.values_list("name", flat=True)), ["科员"])
        self.assertEqual(AuditEvent.objects.filter(object_type="postfamily", object_id=str(family.pk)).count(), 2)

    def test_a_post_in_another_family_is_refused_by_name(self):
        other = PostFamilyFactory(name="领导岗位")
        PostNameFactory(family=other, name="科长")
        with self.assertRaises(ValidationError) as caught:
            services.family_save(actor=self.admin, family=PostFamily(name="业务科员"), post_names=["科员", "科长"])
        message = " ".join(caught.exception.message_dict["posts"])
        self.assertIn("科长", message)
        self.assertIn("领导岗位", message)
        self.assertFalse(PostFamily.objects.filter(name="业务科员").exists())

    def test_every_years_from_1_to_10(self):
        family = PostFamilyFactory(name="业务科员")
        for years, ok in ((0, False), (1, True), (10, True), (11, False)):
            need = Need(family=family, topic=TopicModuleFactory(name=f"专题{years}"), every_years=years)
            if ok:
                services.need_save(actor=self.admin, need=need)
            else:
                with self.assertRaises(ValidationError) as caught:
                    services.need_save(actor=self.admin, need=need)
                self.assertIn("10", " ".join(caught.exception.message_dict["every_years"]))

    def test_a_topic_twice_in_a_family_is_refused(self):
        family = PostFamilyFactory(name="业务科员")
        services.need_save(actor=self.admin, need=Need(family=family, topic=self.topic))
        with self.assertRaises(ValidationError):
            services.need_save(actor=self.admin, need=Need(family=family, topic=self.topic))

    def test_a_need_deleted_is_audited(self):
        need = NeedFactory(topic=self.topic)
        services.need_delete(actor=self.admin, need=need)
        self.assertFalse(Need.objects.exists())
        self.assertTrue(AuditEvent.objects.filter(object_type="need", action="delete").exists())


class EnrolTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="menu_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.topic = TopicModuleFactory(name="住房保障")
        family = PostFamilyFactory(name="业务科员")
        PostNameFactory(family=family, name="科员")
        cls.need = NeedFactory(family=family, topic=cls.topic, every_years=2)
        section = SectionFactory(name="一科")
        cls.lacking = [CadreFactory(section=section, post="科员", name=f"缺{n}") for n in range(3)]
        cls.done = CadreFactory(section=section, post="科员", name="已学")
        cls.other_post = CadreFactory(section=section, post="司机", name="司机")
        today = timezone.localdate()
        AttendanceFactory(cadre=cls.done, session=SessionFactory(activity=ActivityFactory(topic=cls.topic), date=today))
        cls.activity = ActivityFactory(topic=cls.topic, title="住房保障专题班", unit=section.unit)
        SessionFactory(activity=cls.activity, date=today + dt.timedelta(days=5))

    def test_one_step_enrols_exactly_those_lacking_and_is_audited(self):
        result = services.enrol_gaps(actor=self.admin, need=self.need, activity=self.activity)
        self.assertEqual(result.added, 3)
        self.assertEqual(
            set(Enrolment.objects.filter(activity=self.activity).values_list("cadre_id", flat=True)),
            {c.pk for c in self.lacking},
        )
        self.assertTrue(AuditEvent.objects.filter(object_type="need", object_id=str(self.need.pk)).exists())
        self.assertTrue(AuditEvent.objects.filter(object_type="activity", object_id=str(self.activity.pk)).exists())
        again = services.enrol_gaps(actor=self.admin, need=self.need, activity=self.activity)
        self.assertEqual((again.added, again.already), (0, 3))

    def test_an_activity_of_another_topic_or_past_is_refused(self):
        other = ActivityFactory(topic=TopicModuleFactory(name="物业管理"))
        SessionFactory(activity=other, date=timezone.localdate() + dt.timedelta(days=5))
        past = ActivityFactory(topic=self.topic)
        SessionFactory(activity=past, date=timezone.localdate() - dt.timedelta(days=1))
        for activity in (other, past):
            with self.assertRaises(ValidationError):
                services.enrol_gaps(actor=self.admin, need=self.need, activity=activity)
        self.assertFalse(Enrolment.objects.exists())

    def test_the_enrol_page_posts_the_activity(self):
        self.client.force_login(self.admin)
        url = reverse("menu:enrol", args=[self.need.pk])
        page = self.client.get(url)
        self.assertContains(page, "住房保障专题班")
        self.assertEqual(page.context["lacking_count"], 3)
        response = self.client.post(url, {"activity": self.activity.pk})
        self.assertRedirects(response, reverse("menu:gaps"), fetch_redirect_response=False)
        self.assertEqual(Enrolment.objects.filter(activity=self.activity).count(), 3)


class PageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="menu_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.topic = TopicModuleFactory(name="住房保障")
        family = PostFamilyFactory(name="业务科员")
        PostNameFactory(family=family, name="科员")
        NeedFactory(family=family, topic=cls.topic, every_years=2)
        cls.section = SectionFactory(name="一科")
        cls.cadre = CadreFactory(section=cls.section, post="科员", name="王小明", id_number="110101199003078515")
        cls.me = UserFactory(username="menu_cadre", role=Role.CADRE, cadre=cls.cadre)

    def test_the_gap_page_and_drill_down_do_not_grow_with_the_cadres(self):
        self.client.force_login(self.admin)

        def counts():
            found = []
            for name in ("menu:gaps", "menu:gap_cadres"):
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(reverse(name)).status_code, 200)
                found.append(len(queries))
            return found

        few = counts()
        for n in range(5):
            CadreFactory(section=SectionFactory(name=f"科{n}"), post="科员")
            CadreFactory(section=self.section, post="科员")
        self.assertEqual(self.client.get(reverse("menu:gap_cadres")).context["total"], 11)
        self.assertEqual(counts(), few)

    def test_the_export_masks_the_id_number(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("menu:gap_export"))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[1][2], "王小明")
        self.assertEqual(rows[1][3], "110101********8515")
        self.assertEqual(rows[1][6], "住房保障")
        self.assertNotIn(b"19900307", response.content)

    def test_my_menu_and_my_learning_show_the_gap_and_what_closes_it(self):
        activity = ActivityFactory(topic=self.topic, title="住房保障专题班", unit=self.section.unit)
        SessionFactory(activity=activity, date=timezone.localdate() + dt.timedelta(days=3))
        self.client.force_login(self.me)
        page = self.client.get(reverse("menu:my_menu"))
        self.assertContains(page, 'data-gap="1"')
        self.assertContains(page, "住房保障专题班")
        learning = self.client.get(reverse("hours:my_learning"))
        part = learning.context["training_menu"]
        self.assertEqual(part["gaps"], 1)
        self.assertEqual(part["lines"][0].upcoming[0][0].title, "住房保障专题班")


class SectionHeadTests(TestCase):
    def test_a_section_head_reads_the_gaps_of_their_section_only(self):
        family = PostFamilyFactory(name="业务科员")
        PostNameFactory(family=family, name="科员")
        NeedFactory(family=family, topic=TopicModuleFactory(name="住房保障"))
        mine, other = SectionFactory(name="一科"), SectionFactory(name="二科")
        head = CadreFactory(section=mine, post="科长", leadership_level="section_chief")
        CadreFactory(section=mine, post="科员", name="本科干部")
        CadreFactory(section=other, post="科员", name="他科干部")
        self.client.force_login(UserFactory(username="menu_head", role=Role.SECTION_HEAD, cadre=head))
        summary = self.client.get(reverse("menu:gaps")).context["summary"]
        self.assertEqual([(p.name, p.with_required_gap) for p in summary.sections], [("一科", 1)])
        page = self.client.get(reverse("menu:gap_cadres"))
        self.assertContains(page, "本科干部")
        self.assertNotContains(page, "他科干部")
        self.assertEqual(self.client.get(reverse("menu:enrol", args=[Need.objects.get().pk])).status_code, 403)
