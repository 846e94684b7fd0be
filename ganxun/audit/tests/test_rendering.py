"""Every event the code writes renders, in Chinese, and no event of any shape can break the audit page.

The demo's /audit/ answered 500 on 21 of its 208 pages: an activity's ``lecturers`` change (a reverse
relation, not a field) had no label.  Events are history: whatever shape old code wrote must still render.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.audit.templatetags.audit_tags import changes_display, field_label, object_type_label, object_url
from ganxun.roster.tests.factories import UserFactory
from ganxun.training.services.activities import ACTIVITY_FIELDS, KIND_FIELDS, SESSION_FIELDS, TOPIC_FIELDS

URL = reverse("audit:event_list")
CJK = re.compile(r"[\u3400-\u9fff]")

# What the code writes, by object type (grep audit_record( and object_type=): the keys of each snapshot and the
# keys services name by hand.  A key added to a service without a Chinese name fails here.
WRITTEN: dict[str, tuple[str, ...]] = {
    "cadre": (
        "name",
        "gender",
        "birth_date",
        "id_number",
        "phone",
        "section",
        "post",
        "rank",
        "rank_date",
        "leadership_level",
        "political_status",
        "party_branch",
        "hire_date",
        "probation_end",
        "work_start_date",
        "status",
        "tags",
    ),
    "section": ("name", "sort_order", "is_active"),
    "tag": ("name", "description"),
    "user": (
        "username",
        "role",
        "cadre",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
    ),
    "group": ("permissions",),
    "activity": (*ACTIVITY_FIELDS, "lecturers", "material", "session", "enrolled", "enrolment"),
    "session": (*SESSION_FIELDS, "hours", "hours_overridden"),
    "activitykind": KIND_FIELDS,
    "topicmodule": TOPIC_FIELDS,
    "attendance": ("status", "reason"),
    "ledgerentry": (
        "cadre",
        "date",
        "hours",
        "bucket",
        "source",
        "title",
        "status",
        "reason",
        "witness",
        "evidence",
        "evidence_file",
    ),
    "outsideclass": ("title", "organiser", "start_date", "end_date", "hours", "bucket", "note"),
    "conversionrule": ("year", "unit", "per", "hours", "rounding", "per_item_cap"),
    "requirement": ("name", "tier", "start_year", "end_year", "hours", "buckets"),
    "bucketcap": ("year", "bucket", "cap"),
    # Written without changes: failed-login records cleared, login logs deleted.
    "accessattempt": (),
    "accesslog": (),
    "accessfailurelog": (),
}


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


class LabelTests(SimpleTestCase):
    def test_every_key_the_code_writes_has_a_chinese_name(self):
        unnamed = [
            f"{object_type}.{key} -> {field_label(object_type, key)!r}"
            for object_type, keys in WRITTEN.items()
            for key in keys
            if not CJK.search(field_label(object_type, key))
        ]
        assert not unnamed, f"keys without a Chinese label: {unnamed}"

    def test_every_object_type_the_code_writes_has_a_chinese_name(self):
        unnamed = [t for t in WRITTEN if not CJK.search(object_type_label(t))]
        assert not unnamed, unnamed

    def test_a_reverse_relation_is_named_after_the_related_model(self):
        assert field_label("activity", "lecturers") == "授课人"

    def test_keys_naming_a_model_take_its_name(self):
        assert field_label("activity", "material") == "学习资料"
        assert field_label("activity", "enrolment") == "报名"

    def test_our_session_is_meant_not_djangos_session_store(self):
        assert object_type_label("session") == "场次"
        assert field_label("session", "start_time") != "start_time"

    def test_an_unknown_key_or_type_shows_as_written(self):
        assert field_label("activity", "no_such_key") == "no_such_key"
        assert field_label("nothing", "name") == "name"
        assert object_type_label("nothing") == "nothing"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(sorted({k for keys in WRITTEN.values() for k in keys})) | st.text(max_size=20)
TYPES = st.sampled_from(sorted(WRITTEN)) | st.text(max_size=30)
ACTIONS = st.sampled_from(Action.values) | st.text(max_size=20)


class AnyShapeRendersTests(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(
        object_type=TYPES,
        action=ACTIONS,
        object_id=st.text(max_size=12),
        changes=st.dictionaries(KEYS, JSON, max_size=6) | JSON,
    )
    def test_any_event_renders(self, object_type, action, object_id, changes):
        event = AuditEvent(object_type=object_type, action=action, object_id=object_id, changes=changes)
        rows = changes_display(event)
        html = render_to_string("audit/changes.html", {"event": event})
        if isinstance(changes, dict):
            assert len(rows) == len(changes)
        for row in rows:
            assert row.label and row.old and row.new
            assert escape(row.label) in html
        object_type_label(object_type)
        object_url(event)


class AuditPageRendersEveryKindTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="auditor", role=Role.TRAINING_ADMIN, cadre=None)
        # One event of each action, and one of each object type with every key it is written with.
        for action in Action.values:
            AuditEvent.objects.create(
                actor_name="auditor", action=action, object_type="user", object_repr=f"acct-{action}"
            )
        for object_type, keys in WRITTEN.items():
            AuditEvent.objects.create(
                actor_name="auditor",
                action=Action.UPDATE,
                object_type=object_type,
                object_id="1",
                object_repr=f"obj-{object_type}",
                changes={key: [["甲", "乙"], ["甲"]] if key == "lecturers" else ["旧", "新"] for key in keys},
            )
        # Shapes no current code writes but old rows may hold.
        AuditEvent.objects.create(action=Action.UPDATE, object_type="activity", changes={"x": "not a pair"})
        AuditEvent.objects.create(action=Action.UPDATE, object_type="", changes=["a", "list"])
        AuditEvent.objects.create(action="gone_action", object_type="gone_model", object_id="²", changes={"k": {}})

    def setUp(self):
        self.client.force_login(self.admin)

    def test_the_page_with_every_kind_renders_in_chinese(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        text = page_text(response)
        for action in Action:
            self.assertIn(str(action.label), text)
        self.assertIn("授课人: 甲、乙 → 甲", text)

    def test_an_activitys_lecturer_change_renders(self):
        """The demo's 500: an activity event whose change is its (reverse) lecturers relation."""
        response = self.client.get(URL, {"object_type": "activity", "action": Action.UPDATE})
        self.assertEqual(response.status_code, 200)
        self.assertIn("授课人", page_text(response))

    def test_every_filter_value_answers(self):
        form = self.client.get(URL).context["form"]
        for field in ("action", "object_type"):
            for value, _label in form.fields[field].choices:
                with self.subTest(field=field, value=value):
                    response = self.client.get(URL, {field: value})
                    self.assertEqual(response.status_code, 200)
                    if value:
                        shown = response.context["page"].object_list
                        self.assertTrue(shown)
                        self.assertTrue(all(getattr(e, field) == value for e in shown))
        for actor in ("auditor", "", "无此人", "%", "_"):
            with self.subTest(actor=actor):
                self.assertEqual(self.client.get(URL, {"actor": actor}).status_code, 200)
        for dates in ({"date_from": "2000-01-01"}, {"date_to": "2999-12-31"}, {"date_from": "x", "date_to": "0"}):
            with self.subTest(dates=dates):
                self.assertEqual(self.client.get(URL, dates).status_code, 200)

    def test_every_page_of_a_long_trail_renders(self):
        AuditEvent.objects.bulk_create(
            AuditEvent(action=Action.UPDATE, object_type="activity", changes={"lecturers": [[], [f"讲师{n}"]]})
            for n in range(120)
        )
        first = self.client.get(URL)
        for number in first.context["page"].paginator.page_range:
            with self.subTest(page=number):
                self.assertEqual(self.client.get(URL, {"page": number}).status_code, 200)

    def test_the_object_type_filter_names_types_in_chinese(self):
        labels = dict(self.client.get(URL).context["form"].fields["object_type"].choices)
        self.assertEqual(labels["session"], "场次")
        self.assertEqual(labels["activity"], "培训活动")
