"""The roster pages through HTTP: who sees what, search and filters, paging, HTMX, create/edit and status."""

import datetime as dt
import re

from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.core.tests.editing import as_opened
from ganxun.roster.models import Cadre, Gender, LeadershipLevel, PoliticalStatus, Rank, Status, years_before
from ganxun.roster.services import name_initials

from .factories import CadreFactory, SectionFactory, TagFactory, UserFactory, make_id_number

LIST = reverse("roster:cadre_list")


def named(name: str, **fields) -> Cadre:
    """A cadre found by pinyin initials; over 40 unless told, so that only the one young cadre is young."""
    fields.setdefault("birth_date", dt.date(1975, 5, 20))
    return CadreFactory(name=name, name_initials=name_initials(name), **fields)


def text(response) -> str:
    """The page as a reader sees it: tags dropped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


class RosterData(TestCase):
    """Two 科室: a head, a cadre and a retired cadre in the first; one cadre in the second."""

    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="旧区改造科")
        cls.other_section = SectionFactory(name="住房保障科")
        cls.backbone = TagFactory(name="业务骨干")
        cls.head_cadre = named(
            "张晓明",
            section=cls.section,
            rank=Rank.RESEARCHER_4,
            leadership_level=LeadershipLevel.SECTION_CHIEF,
            political_status=PoliticalStatus.CPC_MEMBER,
        )
        cls.cadre = named(
            "李小红", section=cls.section, birth_date=years_before(dt.date.today(), 30), phone="13912345678"
        )
        cls.cadre.tags.add(cls.backbone)
        cls.retired = named("王老", section=cls.section, status=Status.RETIRED)
        cls.elsewhere = named("赵四", section=cls.other_section, political_status=PoliticalStatus.CYL_MEMBER)
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        cls.head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=cls.head_cadre)
        cls.cadre_user = UserFactory(username="li", role=Role.CADRE, cadre=cls.cadre)

    def names(self, response) -> list[str]:
        return [c.name for c in response.context["page"].object_list]


class CadreListTests(RosterData):
    def test_admin_sees_everyone_in_post_by_default(self):
        self.client.force_login(self.admin)
        response = self.client.get(LIST)
        self.assertEqual(sorted(self.names(response)), sorted(["张晓明", "李小红", "赵四"]))
        self.assertContains(response, "新增干部")
        self.assertContains(response, reverse("roster:cadre_import"))

    def test_status_filter_shows_former_cadres_on_request(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.names(self.client.get(LIST, {"status": "retired"})), ["王老"])
        self.assertEqual(len(self.names(self.client.get(LIST, {"status": "all"}))), 4)

    def test_section_head_sees_only_their_section_even_when_asking_for_another(self):
        self.client.force_login(self.head)
        self.assertEqual(sorted(self.names(self.client.get(LIST))), sorted(["张晓明", "李小红"]))
        self.assertEqual(self.names(self.client.get(LIST, {"section": self.other_section.pk})), [])
        self.assertNotContains(self.client.get(LIST), reverse("roster:cadre_import"))

    def test_cadre_and_anonymous_are_kept_out(self):
        self.client.force_login(self.cadre_user)
        self.assertEqual(self.client.get(LIST).status_code, 403)
        self.client.logout()
        self.assertRedirects(self.client.get(LIST), f"{reverse('accounts:login')}?next={LIST}")

    def test_search_by_name_pinyin_initials_and_id_digits(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.names(self.client.get(LIST, {"q": "zxm"})), ["张晓明"])
        self.assertEqual(self.names(self.client.get(LIST, {"q": "小红"})), ["李小红"])
        self.assertEqual(self.names(self.client.get(LIST, {"q": self.elsewhere.id_number[-6:]})), ["赵四"])

    def test_filters(self):
        self.client.force_login(self.admin)
        cases = {
            "section": ({"section": self.other_section.pk}, ["赵四"]),
            "tag": ({"tag": self.backbone.pk}, ["李小红"]),
            "tier": ({"tier": "county_division"}, ["张晓明"]),
            "group": ({"group": "league_member"}, ["赵四"]),
            "young": ({"group": "young"}, ["李小红"]),
            "political": ({"political_status": "cpc_member"}, ["张晓明"]),
        }
        for label, (params, expected) in cases.items():
            with self.subTest(label):
                self.assertEqual(self.names(self.client.get(LIST, params)), expected)

    def test_rows_show_masked_id_and_chinese_columns(self):
        self.client.force_login(self.admin)
        response = self.client.get(LIST, {"q": "李小红"})
        self.assertContains(response, self.cadre.id_number_masked)
        self.assertNotContains(response, self.cadre.id_number)
        self.assertContains(response, "业务骨干")
        self.assertContains(response, "乡科级及以下")

    def test_htmx_request_gets_only_the_table(self):
        self.client.force_login(self.admin)
        params = {"q": "zxm", "section": "", "tag": "", "page": "1"}
        response = self.client.get(LIST, params, headers={"HX-Request": "true"})
        self.assertEqual(response["HX-Push-Url"], f"{LIST}?q=zxm")  # the address bar without the empty filters
        body = response.content.decode()
        self.assertTrue(body.lstrip().startswith('<div id="cadre-table"'))
        self.assertNotIn("<html", body)
        self.assertIn("张晓明", body)
        self.assertIn(f"{reverse('roster:cadre_export')}?q=zxm", body)
        restore = self.client.get(LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
        self.assertContains(restore, "<html")

    def test_filter_form_works_without_javascript(self):
        self.client.force_login(self.admin)
        response = self.client.get(LIST)
        self.assertContains(response, f'action="{LIST}"')
        self.assertContains(response, 'type="submit"')


class PagingAndQueryBudgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="物业管理科")
        cls.tag = TagFactory(name="内训师")
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        head_cadre = CadreFactory(section=cls.section, leadership_level=LeadershipLevel.SECTION_CHIEF)
        cls.head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=head_cadre)

    def add_cadres(self, count: int) -> None:
        for cadre in CadreFactory.create_batch(count, section=self.section):
            cadre.tags.add(self.tag)

    def test_fifty_a_page_and_the_filters_stay_in_the_page_links(self):
        self.add_cadres(119)  # 120 with the head
        self.client.force_login(self.admin)
        first = self.client.get(LIST, {"section": self.section.pk, "tag": self.tag.pk, "status": "all"})
        self.assertEqual(first.context["page"].paginator.count, 119)
        self.assertEqual(len(first.context["page"].object_list), 50)
        self.assertContains(first, f"?section={self.section.pk}&amp;tag={self.tag.pk}&amp;status=all&amp;page=2")
        last = self.client.get(LIST, {"section": self.section.pk, "tag": self.tag.pk, "status": "all", "page": 3})
        self.assertEqual(len(last.context["page"].object_list), 19)
        beyond = self.client.get(LIST, {"page": 99})
        self.assertEqual(beyond.context["page"].number, 3)

    def assert_budget(self, user, expected: int) -> None:
        self.client.force_login(user)
        for extra in (2, 40):
            self.add_cadres(extra)
            with self.subTest(rows=Cadre.objects.count()), self.assertNumQueries(expected):
                response = self.client.get(LIST)
            self.assertEqual(response.status_code, 200)

    def test_list_queries_do_not_grow_with_rows_for_an_admin(self):
        # session, user, count, rows, tags, filter sections, filter tags, "may add" check (reading saves no session)
        self.assert_budget(self.admin, 8)

    def test_list_queries_do_not_grow_with_rows_for_a_section_head(self):
        # as above; the head's own cadre (for the section scope) comes with the user, in one query
        self.assert_budget(self.head, 8)


class CadreDetailTests(RosterData):
    def url(self, cadre: Cadre) -> str:
        return reverse("roster:cadre_detail", args=[cadre.pk])

    def test_admin_sees_masked_data_the_reveal_button_status_form_and_history(self):
        AuditEvent.objects.create(
            action=Action.UPDATE,
            object_type="cadre",
            object_id=str(self.cadre.pk),
            changes={"post": ["科员", "副科长"]},
            actor_name="trainer",
        )
        self.client.force_login(self.admin)
        response = self.client.get(self.url(self.cadre))
        self.assertNotContains(response, self.cadre.id_number)  # in full only through 显示完整 (test_reveal)
        self.assertNotContains(response, "13912345678")
        self.assertContains(response, self.cadre.id_number_masked)
        self.assertContains(response, reverse("roster:cadre_reveal", args=[self.cadre.pk]))
        self.assertContains(response, reverse("roster:cadre_status", args=[self.cadre.pk]))
        self.assertIn("职务: 科员 → 副科长", text(response))
        self.assertContains(response, "业务骨干")
        self.assertContains(response, "青年干部")

    def test_section_head_sees_masked_data_and_no_history(self):
        self.client.force_login(self.head)
        response = self.client.get(self.url(self.cadre))
        self.assertContains(response, self.cadre.id_number_masked)
        self.assertNotContains(response, self.cadre.id_number)
        self.assertNotContains(response, "13912345678")
        self.assertContains(response, "139****5678")
        self.assertContains(response, reverse("roster:cadre_status", args=[self.cadre.pk]))
        self.assertNotContains(response, "变更记录")

    def test_a_cadre_sees_their_own_page_masked_with_the_reveal_button_but_nobody_else(self):
        self.client.force_login(self.cadre_user)
        response = self.client.get(self.url(self.cadre))
        self.assertContains(response, self.cadre.id_number_masked)
        self.assertNotContains(response, self.cadre.id_number)
        self.assertContains(response, reverse("roster:cadre_reveal", args=[self.cadre.pk]))
        self.assertContains(response, "培训档案")
        self.assertNotContains(response, reverse("roster:cadre_status", args=[self.cadre.pk]))
        self.assertNotContains(response, reverse("roster:cadre_update", args=[self.cadre.pk]))
        self.assertEqual(self.client.get(self.url(self.head_cadre)).status_code, 404)

    def test_section_head_cannot_open_another_section(self):
        self.client.force_login(self.head)
        self.assertEqual(self.client.get(self.url(self.elsewhere)).status_code, 404)

    def test_the_page_is_printable(self):
        self.client.force_login(self.admin)
        response = self.client.get(self.url(self.cadre))
        self.assertContains(response, "data-print")
        self.assertContains(response, "d-print-none")


class CadreStatusTests(RosterData):
    def post(self, cadre: Cadre, **data):
        return self.client.post(reverse("roster:cadre_status", args=[cadre.pk]), data)

    def test_section_head_transfers_a_cadre_out_and_it_is_audited(self):
        self.client.force_login(self.head)
        response = self.client.post(
            reverse("roster:cadre_status", args=[self.cadre.pk]),
            {"status": Status.TRANSFERRED, "note": "调往区房屋管理中心", "effective": "2025-06-30"},
            follow=True,
        )
        self.assertEqual(response.redirect_chain, [(self.cadre.get_absolute_url(), 302)])
        self.cadre.refresh_from_db()
        self.assertEqual(self.cadre.status, Status.TRANSFERRED)
        self.assertEqual(self.cadre.periods.latest("valid_from").valid_from, dt.date(2025, 6, 30))
        event = AuditEvent.objects.get(action=Action.STATUS)
        self.assertEqual((event.actor, event.summary), (self.head, "2025-06-30 起生效；调往区房屋管理中心"))
        self.assertEqual(event.changes, {"status": ["在职", "调离"]})
        self.assertIn("李小红 的人员状态已由“在职”改为“调离”。", text(response))

    def test_cadre_may_not_change_their_own_status(self):
        self.client.force_login(self.cadre_user)
        self.assertEqual(self.post(self.cadre, status=Status.RETIRED).status_code, 403)
        self.assertEqual(Cadre.objects.get(pk=self.cadre.pk).status, Status.ACTIVE)

    def test_section_head_cannot_touch_another_section(self):
        self.client.force_login(self.head)
        self.assertEqual(self.post(self.elsewhere, status=Status.RETIRED).status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(action=Action.STATUS).exists())

    def test_garbage_status_is_a_400_with_the_form_error(self):
        self.client.force_login(self.admin)
        response = self.post(self.cadre, status="deleted")
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["status_form"].errors["status"])

    def test_get_is_not_allowed(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(reverse("roster:cadre_status", args=[self.cadre.pk])).status_code, 405)


BORN = dt.date(1992, 8, 9)


def cadre_form_data(**changes) -> dict:
    data = {
        "name": "陈静",
        "gender": Gender.FEMALE,
        "birth_date": BORN.isoformat(),
        "id_number": make_id_number(BORN, Gender.FEMALE, 88),
        "phone": "13600001111",
        "post": "科员",
        "rank": Rank.CLERK_1,
        "leadership_level": "",
        "political_status": PoliticalStatus.CYL_MEMBER,
        "party_branch": "",
        "hire_date": "2025-07-01",
    }
    return data | changes


def wrong_check_digit(id_number: str) -> str:
    return id_number[:-1] + ("1" if id_number[-1] != "1" else "2")


class CadreCreateTests(RosterData):
    url = reverse("roster:cadre_create")

    def test_admin_adds_a_cadre_with_tags(self):
        self.client.force_login(self.admin)
        data = cadre_form_data(section=self.other_section.pk, tags=[self.backbone.pk])
        response = self.client.post(self.url, data)
        cadre = Cadre.objects.get(name="陈静")
        self.assertRedirects(response, cadre.get_absolute_url())
        self.assertEqual((cadre.section, list(cadre.tags.all())), (self.other_section, [self.backbone]))
        self.assertEqual(cadre.probation_end, dt.date(2026, 6, 30))
        self.assertTrue(AuditEvent.objects.filter(action=Action.CREATE, object_id=str(cadre.pk)).exists())

    def test_errors_land_on_their_fields_in_chinese(self):
        self.client.force_login(self.admin)
        cases = {
            "birth_date": ({"birth_date": "1992-08-10"}, "出生日期与身份证号不符"),
            "gender": ({"gender": Gender.MALE}, "性别与身份证号不符"),
            "id_number": ({"id_number": wrong_check_digit(cadre_form_data()["id_number"])}, "校验位"),
            "probation_end": ({"probation_end": "2025-06-30"}, "试用期满日期不能早于录用日期"),
            "phone": ({"phone": "电话"}, "电话号码"),
        }
        for field, (changes, message) in cases.items():
            with self.subTest(field):
                response = self.client.post(self.url, cadre_form_data(section=self.section.pk, **changes))
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors
                self.assertEqual(list(errors), [field])
                self.assertIn(message, errors[field][0])
                self.assertContains(response, "is-invalid")
        self.assertFalse(Cadre.objects.filter(name="陈静").exists())

    def test_a_known_id_number_is_refused_on_the_field(self):
        self.client.force_login(self.admin)
        data = cadre_form_data(
            section=self.section.pk,
            id_number=self.cadre.id_number,
            birth_date=self.cadre.birth_date.isoformat(),
            gender=self.cadre.gender,
        )
        errors = self.client.post(self.url, data).context["form"].errors
        self.assertEqual(errors["id_number"], ["名册中已有该身份证号的干部。"])

    def test_section_head_adds_only_to_their_own_section(self):
        self.client.force_login(self.head)
        response = self.client.post(self.url, cadre_form_data(section=self.other_section.pk))
        cadre = Cadre.objects.get(name="陈静")
        self.assertRedirects(response, cadre.get_absolute_url())
        self.assertEqual(cadre.section, self.section)

    def test_dates_are_date_pickers_and_a_cadre_may_not_add(self):
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(self.url), 'type="date"', count=5)
        self.client.force_login(self.cadre_user)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, cadre_form_data(section=self.section.pk)).status_code, 403)


class CadreUpdateTests(RosterData):
    def url(self, cadre: Cadre) -> str:
        return reverse("roster:cadre_update", args=[cadre.pk])

    def data_for(self, cadre: Cadre, **changes) -> dict:
        return {
            "name": cadre.name,
            "gender": cadre.gender,
            "birth_date": cadre.birth_date.isoformat(),
            "id_number": cadre.id_number,
            "phone": cadre.phone,
            "section": cadre.section_id,
            "post": cadre.post,
            "political_status": cadre.political_status,
            "tags": [t.pk for t in cadre.tags.all()],
        } | changes

    def test_admin_sees_the_id_masked_keeps_it_by_leaving_it_empty_and_may_move_a_cadre(self):
        self.client.force_login(self.admin)
        page = self.client.get(self.url(self.cadre))
        self.assertNotContains(page, self.cadre.id_number)
        self.assertNotContains(page, "13912345678")
        self.assertContains(page, f'placeholder="{self.cadre.id_number_masked}"')
        data = self.data_for(self.cadre, section=self.other_section.pk, id_number="", phone="")
        response = self.client.post(self.url(self.cadre), as_opened(self.client, self.url(self.cadre), data))
        self.assertRedirects(response, self.cadre.get_absolute_url())
        saved = Cadre.objects.get(pk=self.cadre.pk)
        self.assertEqual(
            (saved.section, saved.id_number, saved.phone), (self.other_section, self.cadre.id_number, self.cadre.phone)
        )

    def test_admin_replaces_the_id_number_by_typing_a_new_one(self):
        self.client.force_login(self.admin)
        new = make_id_number(self.cadre.birth_date, self.cadre.gender, 401)
        data = self.data_for(self.cadre, id_number=new, phone="13800000000")
        response = self.client.post(self.url(self.cadre), as_opened(self.client, self.url(self.cadre), data))
        self.assertRedirects(response, self.cadre.get_absolute_url())
        saved = Cadre.objects.get(pk=self.cadre.pk)
        self.assertEqual((saved.id_number, saved.phone), (new, "13800000000"))

    def test_section_head_sees_the_id_masked_and_can_neither_change_it_nor_move_the_cadre(self):
        self.client.force_login(self.head)
        page = self.client.get(self.url(self.cadre))
        self.assertNotContains(page, self.cadre.id_number)
        self.assertNotContains(page, "13912345678")
        self.assertContains(page, self.cadre.id_number_masked)
        forged = make_id_number(self.cadre.birth_date, self.cadre.gender, 400)
        data = self.data_for(self.cadre, id_number=forged, section=self.other_section.pk, phone="", post="副科长")
        data = as_opened(self.client, self.url(self.cadre), data)
        self.assertRedirects(self.client.post(self.url(self.cadre), data), self.cadre.get_absolute_url())
        saved = Cadre.objects.get(pk=self.cadre.pk)
        self.assertEqual(
            (saved.id_number, saved.section, saved.phone), (self.cadre.id_number, self.section, "13912345678")
        )
        self.assertEqual(saved.post, "副科长")
        self.assertEqual(AuditEvent.objects.get(action=Action.UPDATE).changes, {"post": ["", "副科长"]})

    def test_section_head_errors_still_come_from_the_real_id_number(self):
        self.client.force_login(self.head)
        data = self.data_for(self.cadre, birth_date="1970-01-01")
        response = self.client.post(self.url(self.cadre), data)
        self.assertIn("birth_date", response.context["form"].errors)
        self.assertContains(response, "编辑 李小红")

    def test_other_section_is_404_and_a_cadre_is_403(self):
        self.client.force_login(self.head)
        self.assertEqual(self.client.get(self.url(self.elsewhere)).status_code, 404)
        self.client.force_login(self.cadre_user)
        self.assertEqual(self.client.get(self.url(self.cadre)).status_code, 403)
        self.assertEqual(
            self.client.post(self.url(self.cadre), self.data_for(self.cadre, post="局长")).status_code, 403
        )
        self.assertEqual(Cadre.objects.get(pk=self.cadre.pk).post, "")

    def test_success_message_after_save(self):
        self.client.force_login(self.admin)
        data = as_opened(self.client, self.url(self.cadre), self.data_for(self.cadre, post="副科长"))
        response = self.client.post(self.url(self.cadre), data, follow=True)
        self.assertContains(response, "李小红 的信息已保存。")
