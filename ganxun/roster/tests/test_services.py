"""The roster's writes: validation, derived fields and the audit record each one leaves."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone, translation

from ganxun.audit.models import Action, AuditEvent
from ganxun.roster import services
from ganxun.roster.models import Cadre, Gender, Section, Status, Tag

from .factories import CadreFactory, SectionFactory, TagFactory, UserFactory, make_id_number

BORN = dt.date(1990, 4, 2)
ID_NUMBER = make_id_number(BORN, Gender.FEMALE, 21)


class CadreServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionFactory(name="住房保障科")
        cls.other = SectionFactory(name="法规科")
        cls.admin = UserFactory(username="admin", role="training_admin", cadre=None)
        cls.tag = TagFactory(name="业务骨干")

    def create(self, **changes) -> Cadre:
        fields = {
            "name": "王丽华",
            "gender": Gender.FEMALE,
            "birth_date": BORN,
            "id_number": ID_NUMBER,
            "phone": "13912345678",
            "section": self.section,
            "post": "科员",
            "hire_date": dt.date(2024, 7, 1),
        }
        return services.cadre_create(actor=self.admin, tags=[self.tag], **(fields | changes))

    def test_create_fills_initials_and_probation_and_audits_masked(self):
        cadre = self.create()
        self.assertEqual(cadre.name_initials, "wlh")
        self.assertEqual(cadre.probation_end, dt.date(2025, 6, 30))
        event = AuditEvent.objects.get(object_type="cadre", object_id=str(cadre.pk))
        self.assertEqual(event.action, Action.CREATE)
        self.assertEqual(event.actor, self.admin)
        self.assertEqual(event.changes["id_number"], [None, cadre.id_number_masked])
        self.assertEqual(event.changes["phone"], [None, "139****5678"])
        self.assertEqual(event.changes["tags"], [None, ["业务骨干"]])
        stored = json.dumps(event.changes, ensure_ascii=False)
        self.assertNotIn(ID_NUMBER, stored)
        self.assertNotIn("13912345678", stored)

    def test_create_refuses_an_inconsistent_cadre_and_writes_nothing(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(birth_date=dt.date(1990, 4, 3))
        self.assertIn("birth_date", caught.exception.message_dict)
        self.assertFalse(Cadre.objects.exists())
        self.assertFalse(AuditEvent.objects.exists())

    def test_update_records_only_the_changed_fields(self):
        cadre = self.create()
        services.cadre_update(actor=self.admin, cadre=cadre, post="副科长", section=self.other)
        event = AuditEvent.objects.filter(action=Action.UPDATE).get()
        self.assertEqual(event.changes, {"section": ["住房保障科", "法规科"], "post": ["科员", "副科长"]})

    def test_update_masks_a_changed_id_number_and_phone(self):
        cadre = self.create()
        new_id = make_id_number(BORN, Gender.FEMALE, 33)
        services.cadre_update(actor=self.admin, cadre=cadre, id_number=new_id, phone="13800001111")
        changes = AuditEvent.objects.filter(action=Action.UPDATE).get().changes
        self.assertEqual(
            changes["id_number"], [ID_NUMBER[:6] + "********" + ID_NUMBER[-4:], new_id[:6] + "********" + new_id[-4:]]
        )
        self.assertEqual(changes["phone"], ["139****5678", "138****1111"])
        self.assertNotIn(new_id, json.dumps(changes))

    def test_an_update_that_changes_nothing_leaves_no_event(self):
        cadre = self.create()
        services.cadre_update(actor=self.admin, cadre=cadre, post="科员", tags=[self.tag])
        self.assertFalse(AuditEvent.objects.filter(action=Action.UPDATE).exists())

    def test_tag_changes_are_audited(self):
        cadre = self.create()
        lecturer = TagFactory(name="内训师")
        services.cadre_update(actor=self.admin, cadre=cadre, tags=[self.tag, lecturer])
        changes = AuditEvent.objects.filter(action=Action.UPDATE).get().changes
        self.assertEqual(changes, {"tags": [["业务骨干"], ["业务骨干", "内训师"]]})

    def test_status_change_is_audited_with_the_note_in_chinese_whatever_the_language(self):
        cadre = self.create()
        with translation.override("en"):
            services.cadre_set_status(actor=self.admin, cadre=cadre, status=Status.RETIRED, note="2026年6月退休")
        cadre.refresh_from_db()
        self.assertEqual(cadre.status, Status.RETIRED)
        event = AuditEvent.objects.filter(action=Action.STATUS).get()
        self.assertEqual(event.changes, {"status": ["在职", "退休"]})
        self.assertEqual(event.summary, f"{timezone.localdate().isoformat()} 起生效；2026年6月退休")

    def test_setting_the_same_status_again_records_nothing(self):
        cadre = self.create()
        services.cadre_set_status(actor=self.admin, cadre=cadre, status=Status.ACTIVE)
        self.assertFalse(AuditEvent.objects.filter(action=Action.STATUS).exists())

    def test_an_unknown_status_is_refused(self):
        cadre = self.create()
        with self.assertRaises(ValueError):
            services.cadre_set_status(actor=self.admin, cadre=cadre, status="deleted")

    def test_status_is_not_changed_through_update(self):
        cadre = self.create()
        with self.assertRaises(TypeError):
            services.cadre_update(actor=self.admin, cadre=cadre, status=Status.RETIRED)


class SectionAndTagServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role="system_admin", cadre=None)

    def test_section_create_and_rename_are_audited(self):
        section = services.section_create(actor=self.admin, name=" 房屋安全科 ", sort_order=5)
        self.assertEqual(section.name, "房屋安全科")
        services.section_update(actor=self.admin, section=section, name="房屋安全管理科")
        actions = list(AuditEvent.objects.order_by("pk").values_list("action", "changes"))
        self.assertEqual(actions[0][0], Action.CREATE)
        self.assertEqual(actions[1], (Action.UPDATE, {"name": ["房屋安全科", "房屋安全管理科"]}))

    def test_deactivating_a_section_is_a_status_change_and_keeps_its_cadres(self):
        section = services.section_create(actor=self.admin, name="信访办")
        cadre = CadreFactory(section=section)
        services.section_update(actor=self.admin, section=section, is_active=False)
        event = AuditEvent.objects.filter(object_type="section").latest("pk")
        self.assertEqual((event.action, event.changes), (Action.STATUS, {"is_active": [True, False]}))
        self.assertTrue(Section.objects.filter(pk=section.pk, is_active=False).exists())
        self.assertEqual(Cadre.objects.get(pk=cadre.pk).section, section)

    def test_duplicate_section_name_is_refused(self):
        services.section_create(actor=self.admin, name="法规科")
        with self.assertRaises(ValidationError) as caught:
            services.section_create(actor=self.admin, name="法规科")
        self.assertIn("name", caught.exception.message_dict)

    def test_tag_create_and_update_are_audited(self):
        tag = services.tag_create(actor=self.admin, name=" 内训师 ", description="讲授杨房课堂")
        self.assertEqual(tag.name, "内训师")
        services.tag_update(actor=self.admin, tag=tag, description="讲授杨房课堂、月末讲坛")
        events = AuditEvent.objects.filter(object_type="tag").order_by("pk")
        self.assertEqual([e.action for e in events], [Action.CREATE, Action.UPDATE])
        self.assertEqual(events[1].changes, {"description": ["讲授杨房课堂", "讲授杨房课堂、月末讲坛"]})

    def test_tag_update_without_change_leaves_no_event_and_rejects_other_fields(self):
        tag = services.tag_create(actor=self.admin, name="党务干部")
        services.tag_update(actor=self.admin, tag=tag, name="党务干部")
        self.assertEqual(AuditEvent.objects.filter(object_type="tag").count(), 1)
        with self.assertRaises(TypeError):
            services.tag_update(actor=self.admin, tag=tag, cadres=[])

    def test_duplicate_tag_name_is_refused(self):
        services.tag_create(actor=self.admin, name="应急支援队")
        with self.assertRaises(ValidationError):
            services.tag_create(actor=self.admin, name="应急支援队")
        self.assertEqual(Tag.objects.count(), 1)
