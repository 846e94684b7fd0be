"""The audit trail page: admins only, filters, readable changes, paging, and no way to change it."""

import datetime as dt
import re

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

URL = reverse("audit:event_list")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def event(*, at: dt.datetime | None = None, **fields) -> AuditEvent:
    made = AuditEvent.objects.create(**fields)
    if at is not None:  # `at` is auto_now_add: set it afterwards
        AuditEvent.objects.filter(pk=made.pk).update(at=at)
    return made


def local(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


class AuditPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = SectionFactory(name="法规科")
        cls.cadre = CadreFactory(section=section, name="周敏")
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        cls.sysadmin = UserFactory(
            username="root", role=Role.SYSTEM_ADMIN, cadre=None, is_staff=True, is_superuser=True
        )
        cls.head = UserFactory(
            username="head",
            role=Role.SECTION_HEAD,
            cadre=CadreFactory(section=section, leadership_level="section_chief"),
        )
        cls.cadre_user = UserFactory(username="zm", role=Role.CADRE, cadre=cls.cadre)
        cls.update = event(
            actor=cls.admin,
            actor_name="trainer",
            action=Action.UPDATE,
            object_type="cadre",
            object_id=str(cls.cadre.pk),
            object_repr="周敏",
            changes={"post": ["科员", "副科长"], "id_number": ["310110********1234", "310110********5678"]},
            at=local(2026, 3, 10),
        )
        cls.status = event(
            actor=cls.admin,
            actor_name="trainer",
            action=Action.STATUS,
            object_type="section",
            object_id=str(section.pk),
            object_repr="法规科",
            changes={"is_active": [True, False]},
            at=local(2026, 3, 20),
        )
        cls.failed = event(
            actor_name="intruder",
            action=Action.LOGIN_FAILED,
            object_type="user",
            object_repr="intruder",
            ip_address="10.0.0.9",
            at=local(2026, 4, 1, hour=1),  # 1 a.m. Beijing time is still 31 March in UTC
        )

    def shown(self, **params) -> list[int]:
        response = self.client.get(URL, params)
        self.assertEqual(response.status_code, 200)
        return [e.pk for e in response.context["page"].object_list]

    def test_only_administrators_may_read_it(self):
        for user, status in ((self.admin, 200), (self.sysadmin, 200), (self.head, 403), (self.cadre_user, 403)):
            self.client.force_login(user)
            with self.subTest(user.username):
                self.assertEqual(self.client.get(URL).status_code, status)

    def test_changes_read_as_field_old_new_with_chinese_labels(self):
        self.client.force_login(self.admin)
        page = text(self.client.get(URL, {"action": Action.UPDATE}))
        self.assertIn("职务: 科员 → 副科长", page)
        self.assertIn("身份证号: 310110********1234 → 310110********5678", page)
        page = text(self.client.get(URL, {"object_type": "section"}))
        self.assertIn("启用: 是 → 否", page)
        self.assertIn("科室", page)

    def test_objects_link_to_their_pages(self):
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(URL), reverse("roster:cadre_detail", args=[self.cadre.pk]))

    def test_filters(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.shown(action=Action.LOGIN_FAILED), [self.failed.pk])
        self.assertEqual(self.shown(object_type="section"), [self.status.pk])
        self.assertEqual(self.shown(actor="intrud"), [self.failed.pk])
        self.assertEqual(self.shown(q="周敏"), [self.update.pk])
        self.assertEqual(self.shown(date_from="2026-03-15", date_to="2026-03-31"), [self.status.pk])

    def test_a_value_that_does_not_validate_is_ignored_and_the_rest_applies(self):
        """The FilterSet leaves an invalid field out of the query: no 500, the other filters still narrow."""
        self.client.force_login(self.admin)
        everything = self.shown()
        self.assertGreater(len(everything), 1)
        for hostile in ("no_such_action", "", "\x00", "²"):
            with self.subTest(action=hostile):
                self.assertEqual(self.shown(action=hostile), everything)
        self.assertEqual(self.shown(q="周敏\x00"), everything)  # NUL: the search is not applied
        self.assertEqual(self.shown(q="x" * 101), everything)  # beyond its 100 characters
        self.assertEqual(self.shown(q="周" * 100), [])  # at its 100 characters it applies (and finds none)
        self.assertEqual(self.shown(date_from="0001-01-01", action=Action.LOGIN_FAILED), [self.failed.pk])
        self.assertEqual(self.shown(object_type="nothing_like_it", actor="intrud"), [self.failed.pk])

    def test_date_filters_follow_beijing_time(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.shown(date_from="2026-04-01", action=Action.LOGIN_FAILED), [self.failed.pk])
        self.assertEqual(self.shown(date_to="2026-03-31", action=Action.LOGIN_FAILED), [])

    def test_a_reversed_date_range_is_reported_and_the_wrong_end_ignored(self):
        self.client.force_login(self.admin)
        response = self.client.get(URL, {"date_from": "2026-04-01", "date_to": "2026-03-01", "action": "login_failed"})
        self.assertContains(response, "截止日期早于起始日期。")
        self.assertEqual([e.pk for e in response.context["page"].object_list], [self.failed.pk])

    def test_paging_keeps_the_filters(self):
        for n in range(60):
            event(actor_name="bulk", action=Action.IMPORT, object_type="cadre", object_repr=f"批次{n}")
        self.client.force_login(self.admin)
        first = self.client.get(URL, {"action": Action.IMPORT})
        self.assertEqual(len(first.context["page"].object_list), 50)
        self.assertContains(first, "?action=import&amp;page=2")
        self.assertEqual(
            len(self.client.get(URL, {"action": Action.IMPORT, "page": 2}).context["page"].object_list), 10
        )

    def test_htmx_gets_the_table_only(self):
        self.client.force_login(self.admin)
        body = self.client.get(URL, {"action": "status"}, headers={"HX-Request": "true"}).content.decode()
        self.assertTrue(body.lstrip().startswith('<div id="event-table"'))
        self.assertIn("法规科", body)
        self.assertNotIn("<html", body)

    def test_queries_do_not_grow_with_events(self):
        self.client.force_login(self.admin)
        # session, user, object types for the filter, count, rows; reading saves no session
        with self.assertNumQueries(5):
            self.client.get(URL)
        for n in range(30):
            event(
                actor_name="bulk",
                action=Action.UPDATE,
                object_type="cadre",
                object_repr=f"干部{n}",
                changes={"post": ["a", "b"]},
            )
        with self.assertNumQueries(5):
            self.client.get(URL)


class AuditIsReadOnlyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        cls.root = UserFactory(username="root", role=Role.SYSTEM_ADMIN, cadre=None, is_staff=True, is_superuser=True)
        cls.event = event(actor_name="trainer", action=Action.UPDATE, object_type="cadre", object_repr="周敏")

    def test_the_page_takes_no_posts_and_offers_no_edit(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.post(URL, {"action": "delete"}).status_code, 405)
        page = self.client.get(URL).content.decode()
        self.assertNotIn('method="post"', page.split("<main", 1)[1])

    def test_django_admin_shows_it_but_cannot_add_change_or_delete(self):
        self.client.force_login(self.root)
        base = "admin:audit_auditevent"
        self.assertEqual(self.client.get(reverse(f"{base}_changelist")).status_code, 200)
        change = reverse(f"{base}_change", args=[self.event.pk])
        self.assertEqual(self.client.get(change).status_code, 200)  # view only
        self.assertEqual(self.client.post(change, {"object_repr": "篡改"}).status_code, 403)
        self.assertEqual(self.client.get(reverse(f"{base}_add")).status_code, 403)
        self.assertEqual(
            self.client.post(reverse(f"{base}_delete", args=[self.event.pk]), {"post": "yes"}).status_code, 403
        )
        self.assertEqual(AuditEvent.objects.get(pk=self.event.pk).object_repr, "周敏")
