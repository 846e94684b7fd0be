"""Enrolment by audience: each audience resolves to the right cadres in post, stored with the section of the day."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from ganxun.attendance.services import attendance_set
from ganxun.audit.models import AuditEvent
from ganxun.roster.models import DerivedGroup, PoliticalStatus, Status
from ganxun.roster.services import cadre_update
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, TagFactory, UserFactory
from ganxun.training.forms import EnrolForm, resolve_cadres
from ganxun.training.models import AttendanceMethod, AttendanceStatus, Enrolment
from ganxun.training.tests.factories import ActivityFactory, SessionFactory

from ..services import enrol_audience, unenrol


class EnrolAudienceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(role="training_admin", cadre=None)
        cls.housing = SectionFactory(name="住房保障科")
        cls.market = SectionFactory(name="市场管理科")
        today = timezone.localdate()
        cls.young = CadreFactory(
            name="青年甲", section=cls.housing, birth_date=today.replace(year=today.year - 28, day=1)
        )
        cls.member = CadreFactory(
            name="党员乙",
            section=cls.market,
            birth_date=dt.date(1970, 5, 1),
            political_status=PoliticalStatus.CPC_MEMBER,
        )
        cls.tagged = CadreFactory(name="骨干丙", section=cls.market, birth_date=dt.date(1975, 6, 1))
        cls.key_staff = TagFactory(name="业务骨干")
        cls.tagged.tags.add(cls.key_staff)
        cls.retired = CadreFactory(
            name="退休丁", section=cls.housing, birth_date=dt.date(1960, 1, 1), status=Status.RETIRED
        )

    def setUp(self):
        self.activity = ActivityFactory()

    def enrolled(self) -> dict[str, tuple[str, str]]:
        return {
            e.cadre.name: (e.section.name, e.via) for e in self.activity.enrolments.select_related("cadre", "section")
        }

    def test_everyone_means_every_cadre_in_post(self):
        result = enrol_audience(actor=self.admin, activity=self.activity, everyone=True)
        self.assertEqual(result.added, 3)
        self.assertEqual(set(self.enrolled()), {"青年甲", "党员乙", "骨干丙"})
        self.assertEqual(self.enrolled()["青年甲"], ("住房保障科", "全体干部"))

    def test_a_section(self):
        enrol_audience(actor=self.admin, activity=self.activity, sections=[self.housing])
        self.assertEqual(self.enrolled(), {"青年甲": ("住房保障科", "科室：住房保障科")})

    def test_derived_groups(self):
        enrol_audience(actor=self.admin, activity=self.activity, groups=[DerivedGroup.YOUNG, DerivedGroup.PARTY_MEMBER])
        self.assertEqual(self.enrolled(), {"青年甲": ("住房保障科", "青年干部"), "党员乙": ("市场管理科", "党员")})

    def test_tags(self):
        enrol_audience(actor=self.admin, activity=self.activity, tags=[self.key_staff])
        self.assertEqual(self.enrolled(), {"骨干丙": ("市场管理科", "业务骨干")})

    def test_named_cadres_but_not_those_no_longer_in_post(self):
        result = enrol_audience(actor=self.admin, activity=self.activity, cadres=[self.member, self.retired])
        self.assertEqual(self.enrolled(), {"党员乙": ("市场管理科", "点名")})
        self.assertEqual((result.added, result.not_active), (1, 1))

    def test_idempotent_the_enrolled_are_skipped_and_counted(self):
        first = enrol_audience(actor=self.admin, activity=self.activity, sections=[self.market])
        again = enrol_audience(actor=self.admin, activity=self.activity, everyone=True)
        self.assertEqual((first.added, first.already), (2, 0))
        self.assertEqual((again.added, again.already), (1, 2))
        self.assertEqual(Enrolment.objects.filter(activity=self.activity).count(), 3)
        # The first audience that matched stays the reason for the enrolment.
        self.assertEqual(self.enrolled()["党员乙"][1], "科室：市场管理科")
        nothing = enrol_audience(actor=self.admin, activity=self.activity, everyone=True)
        self.assertEqual((nothing.added, nothing.already), (0, 3))

    def test_one_audit_event_per_enrolment_with_the_audience(self):
        enrol_audience(actor=self.admin, activity=self.activity, sections=[self.market], tags=[self.key_staff])
        event = AuditEvent.objects.get(object_type="activity", object_id=str(self.activity.pk))
        self.assertEqual(event.changes["enrolled"], [0, 2])
        self.assertIn("科室：市场管理科", event.summary)

    def test_moving_section_later_does_not_move_the_enrolment(self):
        enrol_audience(actor=self.admin, activity=self.activity, cadres=[self.young])
        cadre_update(actor=self.admin, cadre=self.young, section=self.market)
        enrolment = Enrolment.objects.get(activity=self.activity, cadre=self.young)
        self.assertEqual(enrolment.section, self.housing)

    def test_group_is_judged_on_the_day_of_enrolment(self):
        # Enrolled as young today; the stored row does not depend on the birthday that follows.
        enrol_audience(actor=self.admin, activity=self.activity, groups=[DerivedGroup.YOUNG])
        self.young.birth_date = dt.date(1970, 1, 1)
        self.young.save(update_fields=["birth_date"])
        self.assertTrue(Enrolment.objects.filter(activity=self.activity, cadre=self.young).exists())

    def test_unenrol_only_without_attendance(self):
        enrol_audience(actor=self.admin, activity=self.activity, cadres=[self.young, self.member])
        session = SessionFactory(activity=self.activity)
        attendance_set(
            actor=self.admin,
            session=session,
            cadre=self.young,
            status=AttendanceStatus.PRESENT,
            method=AttendanceMethod.MANUAL,
        )
        with self.assertRaises(ValidationError):
            unenrol(actor=self.admin, enrolment=Enrolment.objects.get(activity=self.activity, cadre=self.young))
        unenrol(actor=self.admin, enrolment=Enrolment.objects.get(activity=self.activity, cadre=self.member))
        self.assertEqual(list(self.enrolled()), ["青年甲"])


class ResolveNamesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.one = CadreFactory(name="张伟", section=SectionFactory(name="办公室"))
        cls.two = CadreFactory(name="张伟", section=SectionFactory(name="法制科"))
        cls.li = CadreFactory(name="李娜")

    def test_names_and_id_numbers_pasted_with_any_separator(self):
        found, errors = resolve_cadres(f"李娜、{self.one.id_number}，李娜")
        self.assertEqual(found, [self.li, self.one])
        self.assertEqual(errors, [])

    def test_ambiguous_and_unknown_names_are_named_in_the_error(self):
        found, errors = resolve_cadres("张伟 王五")
        self.assertEqual(found, [])
        self.assertIn("张伟", errors[0])
        self.assertIn("办公室", errors[0])
        self.assertIn("王五", errors[1])

    def test_form_needs_an_audience(self):
        form = EnrolForm(data={})
        self.assertFalse(form.is_valid())
        form = EnrolForm(data={"names": "李娜"})
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.service_fields()["cadres"], [self.li])
