"""民主党派 and the party: the database keeps them together, the form, the cadre page and the export show the party."""

import io

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.models import Cadre, DemocraticParty, PoliticalStatus

from .factories import CadreFactory, SectionFactory, UserFactory
from .test_views import cadre_form_data


class DemocraticPartyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="办公室")
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        cls.member = CadreFactory(
            section=cls.section,
            name="周九三",
            political_status=PoliticalStatus.DEMOCRATIC_PARTY,
            democratic_party=DemocraticParty.JIUSAN,
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def test_only_a_democratic_party_member_has_a_party_in_the_database(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Cadre.objects.filter(pk=self.member.pk).update(political_status=PoliticalStatus.MASSES)
        non_partisan = CadreFactory(section=self.section, political_status=PoliticalStatus.NON_PARTISAN)
        self.assertEqual(non_partisan.get_political_status_display(), "无党派人士")

    def test_the_cadre_page_names_the_party(self):
        response = self.client.get(self.member.get_absolute_url())
        self.assertContains(response, "民主党派（九三学社）")

    def test_the_form_sets_the_party_and_refuses_it_for_a_non_member(self):
        url = reverse("roster:cadre_create")
        data = cadre_form_data(
            section=self.section.pk,
            political_status=PoliticalStatus.DEMOCRATIC_PARTY,
            democratic_party=DemocraticParty.CDL,
        )
        response = self.client.post(url, data)
        cadre = Cadre.objects.get(name="陈静")
        self.assertRedirects(response, cadre.get_absolute_url())
        self.assertEqual(cadre.democratic_party, DemocraticParty.CDL)
        event = AuditEvent.objects.get(action=Action.CREATE, object_id=str(cadre.pk))
        self.assertEqual(event.changes["democratic_party"], [None, "民盟"])
        refused = self.client.post(
            url,
            {**data, "name": "陈动", "political_status": PoliticalStatus.MASSES, "id_number": self.member.id_number},
        )
        self.assertIn("democratic_party", refused.context["form"].errors)
        self.assertIn("不能填写所属民主党派", refused.context["form"].errors["democratic_party"][0])

    def test_export_and_template_carry_the_party_column(self):
        sheet = load_workbook(io.BytesIO(self.client.get(reverse("roster:cadre_export")).content)).active
        header = [c.value for c in sheet[1]]
        row = [c.value for c in sheet[2]]
        self.assertEqual((row[header.index("政治面貌")], row[header.index("民主党派")]), ("民主党派", "九三学社"))
        template = load_workbook(io.BytesIO(self.client.get(reverse("roster:cadre_import_template")).content))
        self.assertIn("民主党派", [c.value for c in template.worksheets[0][1]])
