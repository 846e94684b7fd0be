"""The 科室 and tag pages through HTTP: who sees them, counts, create/edit through the audited services."""

from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.core.tests.editing import as_opened
from ganxun.roster.models import LeadershipLevel, Section, Status, Tag

from .factories import CadreFactory, SectionFactory, TagFactory, UserFactory

SECTIONS = reverse("roster:section_list")
TAGS = reverse("roster:tag_list")


class SectionData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="旧区改造科", sort_order=1)
        cls.other = SectionFactory(name="住房保障科", sort_order=2)
        cls.closed = SectionFactory(name="房管所", sort_order=3, is_active=False)
        head_cadre = CadreFactory(section=cls.section, leadership_level=LeadershipLevel.SECTION_CHIEF)
        cls.member = CadreFactory(section=cls.section, name="李小红")
        CadreFactory(section=cls.section, status=Status.RETIRED, name="王老")
        CadreFactory(section=cls.other, name="赵四")
        cls.tag = TagFactory(name="内训师", description="讲授杨房课堂")
        cls.member.tags.add(cls.tag)
        cls.admin = UserFactory(username="sys", role=Role.SYSTEM_ADMIN, cadre=None)
        cls.head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=head_cadre)
        cls.cadre_user = UserFactory(username="li", role=Role.CADRE, cadre=cls.member)


class SectionListTests(SectionData):
    def test_admin_sees_every_section_with_counts_in_post_and_in_all(self):
        self.client.force_login(self.admin)
        response = self.client.get(SECTIONS)
        rows = {s.name: (s.active_count, s.total_count) for s in response.context["sections"]}
        self.assertEqual(rows, {"旧区改造科": (2, 3), "住房保障科": (1, 1), "房管所": (0, 0)})
        self.assertContains(response, "已停用")
        self.assertContains(response, reverse("roster:section_create"))

    def test_section_head_sees_only_their_own_and_no_edit_buttons(self):
        self.client.force_login(self.head)
        response = self.client.get(SECTIONS)
        self.assertEqual([s.name for s in response.context["sections"]], ["旧区改造科"])
        self.assertNotContains(response, reverse("roster:section_update", args=[self.section.pk]))
        self.assertNotContains(response, reverse("roster:section_create"))

    def test_a_cadre_is_refused(self):
        self.client.force_login(self.cadre_user)
        self.assertEqual(self.client.get(SECTIONS).status_code, 403)

    def test_queries_do_not_grow_with_sections(self):
        self.client.force_login(self.admin)
        # session, user, sections with counts (reading saves no session)
        with self.assertNumQueries(3):
            self.client.get(SECTIONS)
        SectionFactory.create_batch(20)
        with self.assertNumQueries(3):
            self.client.get(SECTIONS)


class SectionDetailTests(SectionData):
    def url(self, section: Section) -> str:
        return reverse("roster:section_detail", args=[section.pk])

    def test_the_page_lists_cadres_in_post_and_links_to_the_filtered_roster(self):
        self.client.force_login(self.head)
        response = self.client.get(self.url(self.section))
        names = [c.name for c in response.context["page"].object_list]
        self.assertIn("李小红", names)
        self.assertNotIn("王老", names)
        self.assertEqual(response.context["left_count"], 1)
        self.assertContains(response, f"{reverse('roster:cadre_list')}?section={self.section.pk}")
        self.assertContains(response, "内训师")

    def test_section_head_cannot_open_another_section_and_a_cadre_none(self):
        self.client.force_login(self.head)
        self.assertEqual(self.client.get(self.url(self.other)).status_code, 404)
        self.client.force_login(self.cadre_user)
        self.assertEqual(self.client.get(self.url(self.section)).status_code, 403)


class SectionFormTests(SectionData):
    def test_admin_creates_a_section_through_the_audited_service(self):
        self.client.force_login(self.admin)
        data = {"name": " 房屋安全科 ", "sort_order": 9, "is_active": "on"}
        response = self.client.post(reverse("roster:section_create"), data, follow=True)
        section = Section.objects.get(name="房屋安全科")
        self.assertEqual(response.redirect_chain[-1][0], SECTIONS)
        self.assertContains(response, "已新增科室“房屋安全科”。")
        self.assertTrue(AuditEvent.objects.filter(action=Action.CREATE, object_id=str(section.pk)).exists())

    def test_a_duplicate_name_is_an_error_on_the_name(self):
        self.client.force_login(self.admin)
        response = self.client.post(reverse("roster:section_create"), {"name": "住房保障科", "sort_order": 1})
        self.assertEqual(response.context["form"].errors["name"], ["已有同名科室。"])

    def test_deactivating_is_audited_as_a_status_change_and_nothing_is_deleted(self):
        self.client.force_login(self.admin)
        url = reverse("roster:section_update", args=[self.section.pk])
        response = self.client.post(url, as_opened(self.client, url, {"name": "旧区改造科", "sort_order": 1}))
        self.assertRedirects(response, self.section.get_absolute_url())
        self.section.refresh_from_db()
        self.assertFalse(self.section.is_active)
        self.assertEqual(self.section.cadres.count(), 3)
        event = AuditEvent.objects.get(object_type="section", action=Action.STATUS)
        self.assertEqual(event.changes, {"is_active": [True, False]})

    def test_a_failed_edit_keeps_the_saved_name_in_the_breadcrumb(self):
        self.client.force_login(self.admin)
        url = reverse("roster:section_update", args=[self.section.pk])
        response = self.client.post(url, {"name": "", "sort_order": 1})
        self.assertEqual(response.context["original_name"], "旧区改造科")
        self.assertTrue(response.context["form"].errors["name"])

    def test_only_admins_create_or_edit_sections(self):
        self.client.force_login(self.head)
        update = reverse("roster:section_update", args=[self.section.pk])
        self.assertEqual(self.client.get(reverse("roster:section_create")).status_code, 403)
        self.assertEqual(self.client.post(update, {"name": "改名", "sort_order": 1}).status_code, 403)
        self.assertEqual(Section.objects.get(pk=self.section.pk).name, "旧区改造科")


class TagTests(SectionData):
    def test_admin_sees_tags_with_counts_linking_to_the_roster(self):
        self.client.force_login(self.admin)
        response = self.client.get(TAGS)
        self.assertEqual([(t.name, t.active_count) for t in response.context["tags"]], [("内训师", 1)])
        self.assertContains(response, f"{reverse('roster:cadre_list')}?tag={self.tag.pk}")

    def test_create_and_edit_are_audited(self):
        self.client.force_login(self.admin)
        self.client.post(reverse("roster:tag_create"), {"name": "应急支援队", "description": ""})
        tag = Tag.objects.get(name="应急支援队")
        url = reverse("roster:tag_update", args=[tag.pk])
        response = self.client.post(url, as_opened(self.client, url, {"name": "应急支援队", "description": "防汛防台"}))
        self.assertRedirects(response, TAGS)
        actions = list(AuditEvent.objects.filter(object_type="tag").order_by("pk").values_list("action", flat=True))
        self.assertEqual(actions, [Action.CREATE, Action.UPDATE])

    def test_duplicate_tag_name_is_a_field_error(self):
        self.client.force_login(self.admin)
        response = self.client.post(reverse("roster:tag_create"), {"name": "内训师"})
        self.assertEqual(response.context["form"].errors["name"], ["已有同名标签。"])

    def test_section_heads_and_cadres_are_refused(self):
        for user in (self.head, self.cadre_user):
            self.client.force_login(user)
            with self.subTest(user.username):
                self.assertEqual(self.client.get(TAGS).status_code, 403)
                self.assertEqual(self.client.post(reverse("roster:tag_create"), {"name": "x"}).status_code, 403)
        self.assertFalse(Tag.objects.filter(name="x").exists())
