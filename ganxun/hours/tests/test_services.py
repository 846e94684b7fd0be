"""The hours services: the self-report workflow (who may do each step, audit), rules and outside classes."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.hours.models import (
    Bucket,
    BucketCap,
    ConversionRule,
    EntryStatus,
    LedgerEntry,
    Requirement,
    Source,
    Unit,
)
from ganxun.hours.queries import decision_queue, section_review_queue
from ganxun.hours.services import (
    can_decide,
    needs_section_review,
    outside_class_add_participants,
    outside_class_create,
    outside_class_remove_participant,
    outside_class_update,
    rule_save,
    rules_copy,
    self_report_decide,
    self_report_review,
    self_report_submit,
)
from ganxun.roster.models import LeadershipLevel
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .factories import SelfReportFactory

D = Decimal


def events(entry) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="ledgerentry", object_id=str(entry.pk)).order_by("pk"))


class Bureau(TestCase):
    """One 科室 with a head account, one without; an administrator."""

    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="旧区改造科")
        cls.headless = SectionFactory(name="法规科")
        cls.cadre = CadreFactory(section=cls.section, name="李小红")
        cls.peer = CadreFactory(section=cls.section, name="张三")
        cls.head_cadre = CadreFactory(
            section=cls.section, name="王科长", leadership_level=LeadershipLevel.SECTION_CHIEF
        )
        cls.lonely = CadreFactory(section=cls.headless, name="赵四")
        cls.user = UserFactory(username="li", role=Role.CADRE, cadre=cls.cadre)
        cls.peer_user = UserFactory(username="zhang", role=Role.CADRE, cadre=cls.peer)
        cls.head = UserFactory(username="wang", role=Role.SECTION_HEAD, cadre=cls.head_cadre)
        cls.lonely_user = UserFactory(username="zhao", role=Role.CADRE, cadre=cls.lonely)
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)

    def submit(self, user=None, cadre=None, **fields):
        values = {
            "date": dt.date.today() - dt.timedelta(days=3),
            "hours": D("2.5"),
            "bucket": Bucket.SELF_STUDY,
            "title": "学习《物业管理条例》",
            "evidence": "读书笔记",
            "witness": "王科长",
        }
        values.update(fields)
        return self_report_submit(actor=user or self.user, cadre=cadre or self.cadre, **values)


class SelfReportWorkflowTests(Bureau):
    def test_submit_review_confirm(self):
        entry = self.submit()
        self.assertEqual((entry.status, entry.source, entry.source_id), (EntryStatus.PENDING, Source.SELF_REPORT, None))
        self.assertEqual(entry.created_by, self.user)
        self.assertEqual(list(section_review_queue(self.head)), [entry])
        self.assertEqual(list(decision_queue(self.admin)), [])  # the section head reviews first

        entry = self_report_review(actor=self.head, entry=entry, approve=True)
        self.assertEqual(entry.status, EntryStatus.SECTION_APPROVED)
        self.assertEqual(entry.section_reviewed_by, self.head)
        self.assertEqual(list(section_review_queue(self.head)), [])
        self.assertEqual(list(decision_queue(self.admin)), [entry])

        entry = self_report_decide(actor=self.admin, entry=entry, confirm=True)
        self.assertEqual(entry.status, EntryStatus.CONFIRMED)
        self.assertEqual(entry.decided_by, self.admin)
        self.assertEqual(list(decision_queue(self.admin)), [])

        trail = events(entry)
        self.assertEqual([e.action for e in trail], [Action.CREATE, Action.STATUS, Action.STATUS])
        self.assertEqual([e.actor for e in trail], [self.user, self.head, self.admin])
        self.assertEqual(trail[1].changes["status"], ["待审核", "科室已审核"])
        self.assertEqual(trail[2].changes["status"], ["科室已审核", "已确认"])
        self.assertEqual(trail[0].changes["witness"], [None, "王科长"])

    def test_the_section_head_rejects_with_a_reason(self):
        entry = self.submit()
        with self.assertRaises(ValidationError) as raised:
            self_report_review(actor=self.head, entry=entry, approve=False, reason="  ")
        self.assertIn("reason", raised.exception.message_dict)
        entry = self_report_review(actor=self.head, entry=entry, approve=False, reason="无学习笔记")
        self.assertEqual((entry.status, entry.reason), (EntryStatus.REJECTED, "无学习笔记"))
        self.assertEqual(list(decision_queue(self.admin)), [])
        with self.assertRaises(PermissionDenied):
            self_report_decide(actor=self.admin, entry=entry, confirm=True)

    def test_the_administrator_rejects_with_a_reason(self):
        entry = self_report_review(actor=self.head, entry=self.submit(), approve=True)
        entry = self_report_decide(actor=self.admin, entry=entry, confirm=False, reason="与集中培训重复")
        self.assertEqual((entry.status, entry.reason), (EntryStatus.REJECTED, "与集中培训重复"))
        self.assertEqual(events(entry)[-1].summary, "学时申报已驳回")

    def test_a_section_without_a_head_account_goes_straight_to_the_administrators(self):
        entry = self.submit(user=self.lonely_user, cadre=self.lonely)
        self.assertFalse(needs_section_review(entry))
        self.assertEqual(list(decision_queue(self.admin)), [entry])
        self.assertEqual(self_report_decide(actor=self.admin, entry=entry, confirm=True).status, EntryStatus.CONFIRMED)

    def test_a_section_heads_own_report_is_not_reviewed_by_themself(self):
        entry = self.submit(user=self.head, cadre=self.head_cadre)
        self.assertEqual(list(section_review_queue(self.head)), [])
        with self.assertRaises(PermissionDenied):
            self_report_review(actor=self.head, entry=entry, approve=True)
        self.assertEqual(list(decision_queue(self.admin)), [entry])  # nobody else heads the 科室

    def test_who_may_not_take_a_step(self):
        entry = self.submit()
        other_head = UserFactory(
            username="other_head", role=Role.SECTION_HEAD, cadre=CadreFactory(section=self.headless)
        )
        for actor in (self.user, self.peer_user, other_head, self.admin):
            with self.subTest(actor=actor.username), self.assertRaises(PermissionDenied):
                self_report_review(actor=actor, entry=entry, approve=True)
        for actor in (self.user, self.head):
            with self.subTest(actor=actor.username), self.assertRaises(PermissionDenied):
                self_report_decide(actor=actor, entry=entry, confirm=True)
        self.assertFalse(can_decide(self.admin, entry))  # pending: the section head comes first
        self.assertEqual(LedgerEntry.objects.get(pk=entry.pk).status, EntryStatus.PENDING)

    def test_a_step_is_taken_once(self):
        entry = self.submit()
        self_report_review(actor=self.head, entry=entry, approve=True)
        with self.assertRaises(PermissionDenied):
            self_report_review(actor=self.head, entry=entry, approve=False, reason="再审")

    def test_a_cadre_reports_only_for_themself_and_not_in_the_future(self):
        with self.assertRaises(PermissionDenied):
            self.submit(user=self.peer_user)
        with self.assertRaises(ValidationError):
            self.submit(date=dt.date.today() + dt.timedelta(days=1))
        self.assertFalse(LedgerEntry.objects.exists())

    def test_only_confirmed_reports_reach_the_compliance(self):
        from ganxun.hours.queries import compliance
        from ganxun.roster.models import Cadre

        entry = self.submit(hours=D(6))
        year = entry.date.year
        report = compliance(year=year, cadres=Cadre.objects.filter(pk=self.cadre.pk))
        self.assertEqual(report.rows[0].total, D(0))
        entry = self_report_review(actor=self.head, entry=entry, approve=True)
        self_report_decide(actor=self.admin, entry=entry, confirm=True)
        report = compliance(year=year, cadres=Cadre.objects.filter(pk=self.cadre.pk))
        self.assertEqual(report.rows[0].buckets[Bucket.SELF_STUDY], D(6))


class RuleServiceTests(Bureau):
    def test_saving_a_rule_is_audited_with_before_and_after(self):
        cap = BucketCap.objects.get(year=2025, bucket=Bucket.SELF_STUDY)
        cap.cap = D(30)
        rule_save(actor=self.admin, rule=cap)
        event = AuditEvent.objects.get(object_type="bucketcap", object_id=str(cap.pk))
        self.assertEqual((event.action, event.changes), (Action.UPDATE, {"cap": ["20.00", "30"]}))

    def test_an_invalid_rule_is_refused(self):
        rule = ConversionRule(year=2025, unit=Unit.DAY, per=D(1), hours=D(6))
        with self.assertRaises(ValidationError):
            rule_save(actor=self.admin, rule=rule)
        bad = Requirement(name="x", start_year=2026, end_year=2025, hours=D(1), buckets=["nonsense"])
        with self.assertRaises(ValidationError) as raised:
            rule_save(actor=self.admin, rule=bad)
        self.assertIn("buckets", raised.exception.message_dict)

    def test_copying_a_year_keeps_what_is_there_and_skips_cycles(self):
        copied = rules_copy(actor=self.admin, from_year=2027, to_year=2028)
        self.assertEqual(ConversionRule.objects.filter(year=2028).count(), 6)
        self.assertEqual(BucketCap.objects.get(year=2028, bucket=Bucket.SELF_STUDY).cap, D(20))
        self.assertEqual(
            set(Requirement.objects.filter(start_year=2028).values_list("name", "end_year")),
            {("乡科级及以下年度学时", 2028), ("网络培训年度学时", 2028)},
        )
        self.assertEqual((len(copied.created), len(copied.skipped)), (9, 0))
        self.assertEqual(AuditEvent.objects.filter(action=Action.CREATE, summary="复制自2027年度").count(), 9)
        again = rules_copy(actor=self.admin, from_year=2027, to_year=2028)
        self.assertEqual((len(again.created), len(again.skipped)), (0, 9))


class OutsideClassTests(Bureau):
    def test_each_participant_is_counted_once_and_follows_the_class(self):
        outside = outside_class_create(
            actor=self.admin,
            title="区委党校中青班",
            organiser="区委党校",
            start_date=dt.date(2025, 4, 7),
            end_date=dt.date(2025, 4, 11),
            hours=D(40),
            bucket=Bucket.CENTRALISED,
        )
        outside_class_add_participants(actor=self.admin, outside_class=outside, cadres=[self.cadre, self.peer])
        outside_class_add_participants(actor=self.admin, outside_class=outside, cadres=[self.cadre])
        entries = LedgerEntry.objects.filter(source=Source.OUTSIDE_CLASS, source_id=outside.pk)
        self.assertEqual(entries.count(), 2)
        self.assertEqual(
            set(entries.values_list("status", "hours", "date")), {(EntryStatus.CONFIRMED, D(40), dt.date(2025, 4, 11))}
        )
        outside_class_update(actor=self.admin, outside_class=outside, hours=D(36))
        self.assertEqual(set(entries.values_list("hours", flat=True)), {D(36)})
        outside_class_remove_participant(actor=self.admin, outside_class=outside, cadre=self.peer, reason="未参加")
        self.assertEqual(entries.get(cadre=self.peer).status, EntryStatus.REJECTED)
        self.assertTrue(AuditEvent.objects.filter(object_type="outsideclass", action=Action.UPDATE).exists())

    def test_only_administrators_record_outside_classes(self):
        with self.assertRaises(PermissionDenied):
            outside_class_create(
                actor=self.head,
                title="x",
                organiser="y",
                start_date=dt.date(2025, 1, 1),
                end_date=dt.date(2025, 1, 2),
                hours=D(1),
            )


class FactoryTests(TestCase):
    def test_a_self_report_factory_row_is_valid(self):
        SelfReportFactory().full_clean()
