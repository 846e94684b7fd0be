"""Dates a record cannot hold, and what a section head may learn about ID numbers outside their 科室."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ganxun.audit.models import AuditEvent
from ganxun.core.tests.editing import as_opened
from ganxun.roster.models import Cadre
from ganxun.roster.services import default_probation_end

from .factories import make_id_number
from .test_views import RosterData, cadre_form_data

CREATE = reverse("roster:cadre_create")
EXISTS = "名册中已有该身份证号"
REFUSED = "无法添加该干部，请联系培训管理员。"


class ProbationEndTests(TestCase):
    def test_one_year_less_a_day(self):
        self.assertEqual(default_probation_end(dt.date(2024, 7, 1)), dt.date(2025, 6, 30))
        self.assertEqual(default_probation_end(dt.date(2024, 2, 29)), dt.date(2025, 2, 27))

    def test_the_calendars_last_year_does_not_overflow(self):
        self.assertEqual(default_probation_end(dt.date(9998, 12, 31)), dt.date(9999, 12, 30))
        self.assertEqual(default_probation_end(dt.date(9999, 1, 1)), dt.date.max)
        self.assertEqual(default_probation_end(dt.date.max), dt.date.max)


class CadreDateBoundsTests(RosterData):
    def setUp(self):
        self.client.force_login(self.admin)
        self.today = timezone.localdate()

    def post(self, **changes):
        return self.client.post(CREATE, cadre_form_data(section=self.section.pk, **changes))

    def test_a_hire_date_of_9999_is_refused_on_its_field(self):
        cadres, events = Cadre.objects.count(), AuditEvent.objects.count()
        response = self.post(hire_date="9999-01-01")
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(list(errors), ["hire_date"])  # not the probation end worked out from it
        self.assertIn("日期应在 1900-01-01 至", errors["hire_date"][0])
        self.assertEqual((Cadre.objects.count(), AuditEvent.objects.count()), (cadres, events))

    def test_the_bounds_exactly(self):
        latest = self.today + dt.timedelta(days=366)
        self.assertIn(
            "hire_date", self.post(hire_date=(latest + dt.timedelta(days=1)).isoformat()).context["form"].errors
        )
        self.assertIn("rank_date", self.post(rank_date="1899-12-31").context["form"].errors)
        self.assertIn("work_start_date", self.post(work_start_date="0001-01-01").context["form"].errors)
        self.assertIn("probation_end", self.post(probation_end="9999-12-31").context["form"].errors)
        response = self.post(hire_date=latest.isoformat())
        self.assertEqual(response.status_code, 302, response.context and response.context["form"].errors)
        self.assertEqual(Cadre.objects.get(name="陈静").probation_end, default_probation_end(latest))


class IdNumberExistenceTests(RosterData):
    """The ID number of 赵四, in the other 科室, must not be confirmed to the head of this one."""

    def same_person_as_elsewhere(self, **changes) -> dict:
        """A cadre whose ID number, birth date and gender are those of 赵四: only the ID number is wrong."""
        return cadre_form_data(
            id_number=self.elsewhere.id_number,
            birth_date=self.elsewhere.birth_date.isoformat(),
            gender=self.elsewhere.gender,
            **changes,
        )

    def test_a_section_head_creating_a_cadre_is_told_only_to_ask(self):
        self.client.force_login(self.head)
        response = self.client.post(CREATE, self.same_person_as_elsewhere())
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form.non_field_errors(), [REFUSED])
        self.assertNotIn("id_number", form.errors)
        self.assertNotContains(response, EXISTS)
        self.assertFalse(Cadre.objects.filter(name="陈静").exists())

    def test_other_errors_still_show_beside_the_refusal(self):
        self.client.force_login(self.head)
        response = self.client.post(CREATE, self.same_person_as_elsewhere(phone="12ab"))
        self.assertEqual(set(response.context["form"].errors), {"__all__", "phone"})

    def test_an_administrator_gets_the_precise_message(self):
        self.client.force_login(self.admin)
        response = self.client.post(CREATE, self.same_person_as_elsewhere(section=self.section.pk))
        self.assertEqual(response.context["form"].errors["id_number"], ["名册中已有该身份证号的干部。"])

    def test_a_section_head_editing_their_own_record_cannot_probe_with_an_id_number(self):
        # Even their own record shows the ID number masked, and only an administrator may change one: a number
        # posted anyway is ignored, so nothing says whether it exists elsewhere.
        self.client.force_login(self.head)
        url = reverse("roster:cadre_update", args=[self.head_cadre.pk])
        page = self.client.get(url)
        self.assertNotIn("id_number", page.context["form"].fields)
        self.assertNotContains(page, self.head_cadre.id_number)
        data = {
            "name": self.head_cadre.name,
            "gender": self.head_cadre.gender,
            "birth_date": self.head_cadre.birth_date.isoformat(),
            "id_number": self.elsewhere.id_number,
            "political_status": self.head_cadre.political_status,
        }
        response = self.client.post(url, as_opened(self.client, url, data))
        self.assertNotContains(response, EXISTS, status_code=response.status_code)
        self.assertEqual(Cadre.objects.get(pk=self.head_cadre.pk).id_number, self.head_cadre.id_number)

    def test_a_section_heads_search_goes_no_further_than_the_masked_number_shows(self):
        self.client.force_login(self.head)
        own = self.cadre.id_number
        wrong_birth = make_id_number(dt.date(1960, 1, 1), self.cadre.gender, 7)[:14] + own[-4:]
        found = self.client.get(reverse("roster:cadre_list"), {"q": wrong_birth})
        # Only the last four digits were searched: a wrong guess at the hidden digits finds the cadre all the same.
        self.assertIn(self.cadre.name, self.names(found))
        self.client.force_login(self.admin)
        self.assertNotIn(self.cadre.name, self.names(self.client.get(reverse("roster:cadre_list"), {"q": wrong_birth})))
        self.assertIn(self.cadre.name, self.names(self.client.get(reverse("roster:cadre_list"), {"q": own})))
