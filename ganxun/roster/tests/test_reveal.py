"""The ID number and phone: masked on every page, shown in full only on an audited POST (显示完整)."""

import io

from django.test import Client, TestCase
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent

from .factories import CadreFactory, SectionFactory, UserFactory

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


class RevealTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = SectionFactory(name="旧区改造科")
        cls.cadre = CadreFactory(section=section, name="沈佳怡", id_number=ID_NUMBER, phone=PHONE)
        head_cadre = CadreFactory(section=section, name="李科长", leadership_level="section_chief")
        peer = CadreFactory(section=section, name="张三")
        cls.admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
        cls.own = UserFactory(username="shen", role=Role.CADRE, cadre=cls.cadre)
        cls.head = UserFactory(username="li", role=Role.SECTION_HEAD, cadre=head_cadre)
        cls.peer = UserFactory(username="zhang", role=Role.CADRE, cadre=peer)
        cls.page = reverse("roster:cadre_detail", args=[cls.cadre.pk])
        cls.reveal = reverse("roster:cadre_reveal", args=[cls.cadre.pk])

    def reveals(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=Action.REVEAL))

    def test_the_cadre_page_is_masked_for_everyone_who_may_open_it(self):
        for user in (self.admin, self.own, self.head):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.page)
                self.assertContains(response, self.cadre.id_number_masked)
                self.assertContains(response, self.cadre.phone_masked)
                self.assertNotContains(response, ID_NUMBER)
                self.assertNotContains(response, PHONE)
        self.assertEqual(self.reveals(), [])  # looking at the page records nothing

    def test_only_those_who_may_reveal_see_the_button(self):
        for user, shown in ((self.admin, True), (self.own, True), (self.head, False)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.page)
                (self.assertContains if shown else self.assertNotContains)(response, f'action="{self.reveal}"')

    def test_an_administrator_reveals_and_the_audit_says_who_whom_and_when(self):
        self.client.force_login(self.admin)
        response = self.client.post(self.reveal)
        self.assertContains(response, ID_NUMBER)
        self.assertContains(response, PHONE)
        self.assertContains(response, "已记入审计日志")
        self.assertIn("no-store", response["Cache-Control"])
        (event,) = self.reveals()
        self.assertEqual((event.actor, event.object_type, event.object_id), (self.admin, "cadre", str(self.cadre.pk)))
        self.assertEqual(event.object_repr, "沈佳怡")
        self.assertIsNotNone(event.at)

    def test_with_htmx_only_the_personal_block_comes_back(self):
        self.client.force_login(self.own)
        response = self.client.post(self.reveal, headers={"HX-Request": "true"})
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith('<div class="col-12 personal-data" id="personal-data" data-revealed'))
        self.assertIn(ID_NUMBER, html)
        self.assertNotIn("<html", html)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual([e.actor for e in self.reveals()], [self.own])

    def test_a_get_is_refused_and_writes_nothing(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.reveal).status_code, 405)
        self.assertEqual(self.reveals(), [])

    def test_a_section_head_and_other_cadres_are_refused_and_nothing_is_recorded(self):
        for user, status in ((self.head, 403), (self.peer, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(self.reveal)
                self.assertEqual(response.status_code, status)
                self.assertNotContains(response, ID_NUMBER, status_code=status)
        self.assertEqual(self.reveals(), [])

    def test_csrf_protected(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.admin)
        self.assertEqual(client.post(self.reveal).status_code, 403)
        self.assertEqual(self.reveals(), [])

    def test_an_administrators_export_keeps_the_numbers_whole_and_is_recorded(self):
        CadreFactory(section=self.cadre.section)
        self.client.force_login(self.admin)
        response = self.client.get(reverse("roster:cadre_export"))
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertIn(ID_NUMBER, [cell.value for row in sheet.iter_rows() for cell in row])
        self.assertEqual(sheet.max_row - 1, 4)
        (event,) = self.reveals()
        self.assertEqual(event.actor, self.admin)
        self.assertIn("干部名册_", event.object_repr)
        self.assertIn(".xlsx", event.summary)
        self.assertIn("4 名干部", event.summary)  # the rows the file holds

    def test_a_section_heads_export_is_masked_and_not_a_reveal(self):
        self.client.force_login(self.head)
        response = self.client.get(reverse("roster:cadre_export"))
        values = [
            cell.value for row in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows() for cell in row
        ]
        self.assertNotIn(ID_NUMBER, values)
        self.assertIn(self.cadre.id_number_masked, values)
        self.assertEqual(self.reveals(), [])
