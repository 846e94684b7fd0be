from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.roster.models import Status
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory


class HomeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="旧区改造科")
        other = SectionFactory(name="住房保障科")
        head = CadreFactory(section=cls.section, leadership_level="section_chief")
        for _ in range(3):
            CadreFactory(section=cls.section)
        CadreFactory(section=cls.section, status=Status.RETIRED)
        CadreFactory(section=other)
        cls.head = UserFactory(username="home_head", role=Role.SECTION_HEAD, cadre=head)
        cls.admin = UserFactory(username="home_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.cadre = UserFactory(username="home_cadre", role=Role.CADRE, cadre=CadreFactory(section=other))

    def sections(self, user):
        self.client.force_login(user)
        response = self.client.get(reverse("core:home"))
        self.assertEqual(response.status_code, 200)
        return response, {s.name: s.n for s in response.context["sections"]}

    def test_a_section_head_sees_their_whole_section_counted(self):
        response, counts = self.sections(self.head)
        self.assertEqual(response.context["totals"]["total"], 4)
        self.assertEqual(counts, {"旧区改造科": 4})

    def test_an_admin_sees_every_section(self):
        response, counts = self.sections(self.admin)
        self.assertEqual(counts, {"旧区改造科": 4, "住房保障科": 2})
        self.assertEqual(response.context["totals"]["total"], 6)

    def test_a_cadre_goes_to_my_learning(self):
        self.client.force_login(self.cadre)
        self.assertRedirects(self.client.get(reverse("core:home")), reverse("hours:my_learning"))
