"""The reminders read from the records, and their pages: a cadre's own list and notices read, the behind list by
role and scope, the weekly digest, the call list, the home page's part; queries that do not grow with the cadres."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.db import connection
from django.template.loader import render_to_string
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.hours.models import Bucket, Source
from ganxun.hours.tests.factories import LedgerEntryFactory
from ganxun.reminders.deadlines import DeadlineStatus, Kind, year_after
from ganxun.reminders.home import reminders_part
from ganxun.reminders.models import NoticeRead
from ganxun.reminders.queries import cadre_deadlines
from ganxun.reminders.services import notices_mark_read
from ganxun.roster.models import Cadre, CadrePeriod, Status
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory
from ganxun.training.models import TrainingType
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, SessionFactory

D = dt.date


def trained(cadre: Cadre, training_type: str, day: dt.date, status: str = "confirmed") -> None:
    """A completed session of a class of the training type, counted on the ledger."""
    kind = ActivityKindFactory(name=f"{training_type}班", training_type=training_type, is_class=True)
    session = SessionFactory(activity=ActivityFactory(kind=kind), date=day)
    LedgerEntryFactory(
        cadre=cadre, source=Source.SESSION, source_id=session.pk, date=day, bucket=Bucket.CENTRALISED, status=status
    )


def promote(cadre: Cadre, on: dt.date, level: str = "section_chief") -> None:
    """A new period from ``on`` with a higher leadership level (the roster's periods, written directly)."""
    first = cadre.periods.get()
    first.valid_to = on
    first.save()
    CadrePeriod.objects.create(
        cadre=cadre,
        valid_from=on,
        unit_id=cadre.unit_id,
        section_id=cadre.section_id,
        rank=cadre.rank,
        leadership_level=level,
        status=Status.ACTIVE,
    )
    Cadre.objects.filter(pk=cadre.pk).update(leadership_level=level)


class World(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        cls.section = SectionFactory(name="旧区改造科")
        cls.other_section = SectionFactory(name="住房保障科")
        cls.far_unit = UnitFactory(name="兄弟单位", code="FAR")
        cls.far_section = SectionFactory(name="外单位科", unit=cls.far_unit)
        hire = cls.today - dt.timedelta(days=340)
        # Induction due in 10 days; the other recruit has done it.
        cls.recruit = CadreFactory(
            section=cls.section, name="新人甲", hire_date=hire, probation_end=cls.today + dt.timedelta(days=10)
        )
        cls.recruit_done = CadreFactory(
            section=cls.section, name="新人乙", hire_date=hire, probation_end=cls.today + dt.timedelta(days=10)
        )
        trained(cls.recruit_done, TrainingType.INDUCTION, hire + dt.timedelta(days=20))
        # Took a post 370 days ago without appointment training: overdue.
        cls.chief = CadreFactory(section=cls.other_section, name="科长丙", hire_date=D(2010, 1, 1))
        cls.post_day = cls.today - dt.timedelta(days=370)
        promote(cls.chief, cls.post_day)
        cls.far = CadreFactory(
            section=cls.far_section, name="外人丁", hire_date=hire, probation_end=cls.today - dt.timedelta(days=3)
        )
        cls.head_cadre = CadreFactory(section=cls.section, name="李科长", leadership_level="section_chief")
        cls.cadre_user = UserFactory(username="r_cadre", role=Role.CADRE, cadre=cls.recruit)
        cls.head = UserFactory(username="r_head", role=Role.SECTION_HEAD, cadre=cls.head_cadre)
        cls.admin = UserFactory(username="r_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.sysadmin = UserFactory(username="r_sys", role=Role.SYSTEM_ADMIN, cadre=None, is_staff=True)

    def deadline(self, cadre: Cadre, kind: str, today: dt.date | None = None):
        rows = cadre_deadlines(Cadre.objects.filter(pk=cadre.pk), today or self.today)
        return next((d for d in rows[0].deadlines if d.kind == kind), None) if rows else None


class DeadlinesFromRecordsTests(World):
    def test_induction_from_the_probation_and_the_ledger(self):
        self.assertEqual(self.deadline(self.recruit, Kind.INDUCTION).status, DeadlineStatus.UPCOMING)
        self.assertEqual(self.deadline(self.recruit_done, Kind.INDUCTION).status, DeadlineStatus.MET)
        self.assertEqual(self.deadline(self.far, Kind.INDUCTION).status, DeadlineStatus.OVERDUE)

    def test_a_rejected_entry_does_not_count(self):
        cadre = CadreFactory(section=self.section, hire_date=D(2026, 1, 5), probation_end=D(2027, 1, 4))
        trained(cadre, TrainingType.INDUCTION, D(2026, 3, 2), status="rejected")
        self.assertNotEqual(self.deadline(cadre, Kind.INDUCTION).status, DeadlineStatus.MET)

    def test_appointment_from_the_periods(self):
        found = self.deadline(self.chief, Kind.APPOINTMENT)
        self.assertEqual(found.due, year_after(self.post_day))
        self.assertEqual(found.status, DeadlineStatus.OVERDUE)
        # Exactly one year after the post start it is overdue, the day before still due.
        anniversary = year_after(self.post_day) + dt.timedelta(days=1)
        self.assertEqual(self.deadline(self.chief, Kind.APPOINTMENT, anniversary).status, DeadlineStatus.OVERDUE)
        self.assertEqual(
            self.deadline(self.chief, Kind.APPOINTMENT, anniversary - dt.timedelta(days=1)).status,
            DeadlineStatus.UPCOMING,
        )

    def test_appointment_met_by_an_appointment_class_not_by_another_kind(self):
        cadre = CadreFactory(section=self.section, hire_date=D(2010, 1, 1))
        promote(cadre, D(2026, 1, 5))
        trained(cadre, TrainingType.IN_SERVICE, D(2026, 3, 2))
        self.assertEqual(self.deadline(cadre, Kind.APPOINTMENT, D(2026, 6, 30)).status, DeadlineStatus.PENDING)
        trained(cadre, TrainingType.APPOINTMENT, D(2026, 4, 2))
        self.assertEqual(self.deadline(cadre, Kind.APPOINTMENT, D(2026, 6, 30)).status, DeadlineStatus.MET)

    def test_the_years_hours_and_online_by_31_december(self):
        cadre = CadreFactory(section=self.section, hire_date=D(2010, 1, 1))
        LedgerEntryFactory(cadre=cadre, date=D(2026, 3, 1), hours=Decimal(90), bucket=Bucket.CENTRALISED)
        LedgerEntryFactory(cadre=cadre, date=D(2026, 3, 1), hours=Decimal(20), bucket=Bucket.ONLINE)
        yearly = self.deadline(cadre, Kind.YEARLY, D(2026, 6, 30))
        online = self.deadline(cadre, Kind.ONLINE, D(2026, 6, 30))
        self.assertEqual((yearly.status, yearly.due), (DeadlineStatus.MET, D(2026, 12, 31)))
        # 20 of 50 online by 30 June (181/365 of the year: 24.79 due by now): behind, not yet due.
        self.assertEqual((online.status, online.behind, online.due), (DeadlineStatus.PENDING, True, D(2026, 12, 31)))
        self.assertEqual(online.shortfall, Decimal(30))
        self.assertEqual(self.deadline(cadre, Kind.ONLINE, D(2026, 12, 31)).status, DeadlineStatus.UPCOMING)

    def test_the_cycle_for_county_level_cadres(self):
        cadre = CadreFactory(section=self.section, hire_date=D(2010, 1, 1), rank="researcher_4")
        cycle = self.deadline(cadre, Kind.CYCLE, D(2026, 6, 30))
        self.assertEqual((cycle.due, cycle.status, cycle.behind), (D(2027, 12, 31), DeadlineStatus.PENDING, True))
        self.assertIsNone(self.deadline(self.recruit, Kind.CYCLE, D(2026, 6, 30)))

    def test_a_cadre_who_left_has_none(self):
        Cadre.objects.filter(pk=self.far.pk).update(status=Status.RETIRED)
        self.assertEqual(cadre_deadlines(Cadre.objects.filter(pk=self.far.pk), self.today), [])

    def test_queries_do_not_grow_with_the_cadres(self):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                cadre_deadlines(Cadre.objects.all(), self.today)
            return len(queries)

        before = count()
        for n in range(6):
            cadre = CadreFactory(section=self.other_section, hire_date=D(2025, 1, 1), probation_end=D(2025, 12, 31))
            promote(cadre, D(2026, 2, 1))
            trained(cadre, TrainingType.APPOINTMENT, D(2026, 3, 1 + n))
        self.assertEqual(count(), before)
        self.assertLessEqual(before, 8)


class MineTests(World):
    def test_the_cadre_sees_their_own_and_marks_one_read(self):
        self.client.force_login(self.cadre_user)
        page = self.client.get(reverse("reminders:mine"))
        self.assertContains(page, 'data-deadline="induction"')
        self.assertNotContains(page, self.chief.name)
        key = self.deadline(self.recruit, Kind.INDUCTION).notice_key
        unread = page.context["unread"]
        response = self.client.post(reverse("reminders:mark_read"), {"key": key})
        self.assertRedirects(response, reverse("reminders:mine"))
        self.assertTrue(NoticeRead.objects.filter(user=self.cadre_user, cadre=self.recruit, key=key).exists())
        again = self.client.get(reverse("reminders:mine"))
        self.assertEqual(again.context["unread"], unread - 1)
        # Marking again writes nothing more.
        self.client.post(reverse("reminders:mark_read"), {"key": key})
        self.assertEqual(NoticeRead.objects.filter(user=self.cadre_user).count(), 1)
        self.assertEqual(AuditEvent.objects.filter(object_type="notice").count(), 1)

    def test_mark_all_and_a_key_that_is_no_notice(self):
        self.client.force_login(self.cadre_user)
        self.assertEqual(
            self.client.post(reverse("reminders:mark_read"), {"key": "cycle:1:2027-12-31:"}).status_code, 400
        )
        self.assertFalse(NoticeRead.objects.exists())
        self.client.post(reverse("reminders:mark_read"), {"all": "1"})
        self.assertEqual(self.client.get(reverse("reminders:mine")).context["unread"], 0)

    def test_the_service_refuses_someone_elses_cadre(self):
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            notices_mark_read(actor=self.cadre_user, cadre=self.chief)

    def test_an_account_without_a_cadre(self):
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(reverse("reminders:mine")), "alert-info")


class BehindTests(World):
    def test_a_section_head_sees_their_section_only(self):
        self.client.force_login(self.head)
        page = self.client.get(reverse("reminders:behind"))
        names = {row.name for row, _notices in page.context["listed"]}
        self.assertIn(self.recruit.name, names)
        self.assertNotIn(self.chief.name, names)
        self.assertNotIn(self.far.name, names)
        self.assertNotIn(
            self.recruit_done.name, {r.name for r, n in page.context["listed"] if n[0].kind == "induction"}
        )

    def test_an_admin_sees_their_units_and_filters(self):
        self.client.force_login(self.admin)
        page = self.client.get(reverse("reminders:behind"), {"kind": Kind.APPOINTMENT})
        names = {row.name for row, _notices in page.context["listed"]}
        self.assertEqual(names, {self.chief.name})
        page = self.client.get(reverse("reminders:behind"), {"section": self.section.pk})
        self.assertNotIn(self.chief.name, {row.name for row, _notices in page.context["listed"]})
        self.client.force_login(self.sysadmin)
        page = self.client.get(reverse("reminders:behind"), {"kind": Kind.INDUCTION})
        self.assertIn(self.far.name, {row.name for row, _notices in page.context["listed"]})

    def test_cadres_are_refused(self):
        self.client.force_login(self.cadre_user)
        for name in ("reminders:behind", "reminders:digest", "reminders:call_list"):
            self.assertEqual(self.client.get(reverse(name)).status_code, 403)

    def test_the_page_queries_do_not_grow(self):
        self.client.force_login(self.admin)
        with CaptureQueriesContext(connection) as first:
            self.client.get(reverse("reminders:behind"))
        for _n in range(5):
            CadreFactory(section=self.section, hire_date=D(2026, 1, 5), probation_end=D(2027, 1, 4))
        with CaptureQueriesContext(connection) as second:
            self.client.get(reverse("reminders:behind"))
        self.assertEqual(len(first), len(second))


class CallListTests(World):
    def sheet(self, user, **params):
        self.client.force_login(user)
        response = self.client.get(reverse("reminders:call_list"), params)
        self.assertEqual(response.status_code, 200)
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        return rows[0], {row[0]: row for row in rows[1:]}

    def test_admins_get_full_phones_recorded_in_the_audit(self):
        header, rows = self.sheet(self.admin, kind=Kind.APPOINTMENT)
        self.assertEqual(header[:5], ("姓名", "科室", "手机", "待办事项", "截止日期"))
        self.assertEqual(rows[self.chief.name][2], self.chief.phone)
        self.assertEqual(rows[self.chief.name][1], self.other_section.name)
        self.assertEqual(rows[self.chief.name][4].date(), year_after(self.post_day))
        self.assertTrue(AuditEvent.objects.filter(action=Action.REVEAL, object_repr__endswith=".xlsx").exists())

    def test_a_section_head_gets_masked_phones(self):
        _header, rows = self.sheet(self.head, kind=Kind.INDUCTION)
        phone = rows[self.recruit.name][2]
        self.assertNotEqual(phone, self.recruit.phone)
        self.assertTrue(phone.startswith(self.recruit.phone[:3]) and phone.endswith(self.recruit.phone[-4:]))
        self.assertNotIn(self.chief.name, rows)
        self.assertFalse(AuditEvent.objects.filter(action=Action.REVEAL).exists())


class DigestTests(World):
    def test_the_chosen_weeks_items(self):
        self.client.force_login(self.admin)
        # The week the recruit's probation ends: their induction falls due in it.
        due = self.today + dt.timedelta(days=10)
        page = self.client.get(reverse("reminders:digest"), {"week": due.isoformat()})
        self.assertEqual(page.context["monday"], due - dt.timedelta(days=due.weekday()))
        sections = {key: items for key, _title, items in page.context["sections"]}
        self.assertIn((self.recruit.pk, Kind.INDUCTION), {(r.cadre_id, d.kind) for r, d in sections["due"]})
        # The week after the chief's post year ended: still overdue from before, not new.
        self.assertIn((self.chief.pk, Kind.APPOINTMENT), {(r.cadre_id, d.kind) for r, d in sections["overdue"]})
        # The week it fell overdue: due this week, or new when it fell due on the Sunday before.
        fell = year_after(self.post_day) + dt.timedelta(days=1)
        page = self.client.get(reverse("reminders:digest"), {"week": fell.isoformat()})
        sections = {key: items for key, _title, items in page.context["sections"]}
        key = "new" if fell.weekday() == 0 else "due"
        self.assertIn((self.chief.pk, Kind.APPOINTMENT), {(r.cadre_id, d.kind) for r, d in sections[key]})
        self.assertNotIn((self.chief.pk, Kind.APPOINTMENT), {(r.cadre_id, d.kind) for r, d in sections["overdue"]})

    def test_a_bad_week_is_this_week(self):
        self.client.force_login(self.head)
        this_week = self.today - dt.timedelta(days=self.today.weekday())
        for week in ("no", "0001-01-01", "9999-12-31"):
            page = self.client.get(reverse("reminders:digest"), {"week": week})
            self.assertEqual(page.context["monday"], this_week)


class HomePartTests(World):
    def test_the_part_counts_and_renders(self):
        part = reminders_part(self.head, self.today)["reminders"]
        self.assertGreaterEqual(part["counts"]["upcoming"], 1)
        self.assertIn(self.recruit.pk, {row.cadre_id for row, _d, _n in part["first"]} | {self.recruit.pk})
        self.assertGreaterEqual(part["mine_unread"], 0)
        html = render_to_string("reminders/_home.html", {"reminders": part, "user": self.head})
        self.assertIn('data-waiting="reminders"', html)
        self.assertIn(reverse("reminders:behind"), html)

    def test_the_learning_part_counts_the_cadres_unread(self):
        from ganxun.reminders.learning import learning_part

        part = learning_part(self.recruit, self.today, timezone.now())["reminders_mine"]
        kinds = {d.kind for d in part["unread"]}
        self.assertIn(Kind.INDUCTION, kinds)
        key = self.deadline(self.recruit, Kind.INDUCTION).notice_key
        notices_mark_read(actor=self.cadre_user, cadre=self.recruit, keys=[key])
        part = learning_part(self.recruit, self.today, timezone.now())["reminders_mine"]
        self.assertNotIn(Kind.INDUCTION, {d.kind for d in part["unread"]})
        html = render_to_string("reminders/_learning.html", {"reminders_mine": part})
        self.assertIn(reverse("reminders:mine"), html)
