"""The study record's services: who may write what, every write audited, the rows' own rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

from .. import services
from ..models import PlanTopic, SelfStudy, StudyPlan
from .factories import LeaderFactory, SelfStudyFactory

pytestmark = pytest.mark.django_db

FIELDS = {"start_date": dt.date(2026, 3, 2), "title": "论党的自我革命", "author": "中央文献出版社", "pages": 30}


@pytest.fixture
def people():
    section = SectionFactory(name="局领导")
    other_unit = UnitFactory(name="乙局", code="B", parent=section.unit)
    return {
        "leader": LeaderFactory(section=section, name="王局长"),
        "deputy": LeaderFactory(section=section, name="钱副局长", leadership_level="deputy_division_chief"),
        "head": CadreFactory(section=section, name="李科长", leadership_level="section_chief"),
        "staff": CadreFactory(section=section, name="小张"),
        "far_leader": LeaderFactory(section=SectionFactory(name="乙局办公室", unit=other_unit), name="赵局长"),
        "admin": UserFactory(username="adm", role=Role.TRAINING_ADMIN, cadre=None),
        "other_admin": UserFactory(username="adm_b", role=Role.TRAINING_ADMIN, cadre=None, unit=other_unit),
    }


def _account(cadre, role=Role.CADRE):
    return UserFactory(username=f"u{cadre.pk}", role=role, cadre=cadre)


def test_a_leader_records_their_own_study_and_it_is_audited(people):
    leader = _account(people["leader"])
    record = services.self_study_create(actor=leader, cadre=people["leader"], **FIELDS)
    assert record.created_by == leader
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="selfstudy")
    assert event.actor == leader
    assert event.changes["title"] == [None, "论党的自我革命"] and event.changes["cadre"] == [None, "王局长"]


def test_a_leader_may_not_record_another_leaders_study(people):
    leader = _account(people["leader"])
    with pytest.raises(PermissionDenied):
        services.self_study_create(actor=leader, cadre=people["deputy"], **FIELDS)
    assert not SelfStudy.objects.exists()


@pytest.mark.parametrize("who", ["head", "staff"])
def test_a_section_head_or_a_cadre_records_nothing(people, who):
    role = Role.SECTION_HEAD if who == "head" else Role.CADRE
    with pytest.raises(PermissionDenied):
        services.self_study_create(actor=_account(people[who], role), cadre=people[who], **FIELDS)


def test_an_admin_records_for_the_leaders_they_reach_only(people):
    record = services.self_study_create(actor=people["admin"], cadre=people["deputy"], **FIELDS)
    assert record.cadre == people["deputy"]
    with pytest.raises(PermissionDenied):
        services.self_study_create(actor=people["other_admin"], cadre=people["deputy"], **FIELDS)
    # The department's admin reaches the bureau below; the bureau's admin does not reach up.
    services.self_study_create(actor=people["admin"], cadre=people["far_leader"], **FIELDS)
    with pytest.raises(PermissionDenied):
        services.self_study_create(actor=people["other_admin"], cadre=people["leader"], **FIELDS)


def test_only_a_leader_keeps_a_self_study_record(people):
    with pytest.raises(ValidationError) as error:
        services.self_study_create(actor=None, cadre=people["head"], **FIELDS)
    assert "cadre" in error.value.message_dict


def test_pages_or_hours_are_needed_and_bounded(people):
    with pytest.raises(ValidationError) as error:
        services.self_study_create(actor=None, cadre=people["leader"], **{**FIELDS, "pages": None})
    assert "pages" in error.value.message_dict
    services.self_study_create(actor=None, cadre=people["leader"], **{**FIELDS, "pages": None, "hours": Decimal("0.5")})
    with pytest.raises(ValidationError):
        services.self_study_create(
            actor=None, cadre=people["leader"], **{**FIELDS, "pages": None, "hours": Decimal("0.4")}
        )
    services.self_study_create(actor=None, cadre=people["leader"], **{**FIELDS, "pages": 10000})
    with pytest.raises(ValidationError):
        services.self_study_create(actor=None, cadre=people["leader"], **{**FIELDS, "pages": 10001})


def test_a_period_does_not_run_backwards(people):
    same_day = services.self_study_create(
        actor=None, cadre=people["leader"], **{**FIELDS, "end_date": FIELDS["start_date"]}
    )
    assert same_day.period == "2026-03-02"
    with pytest.raises(ValidationError) as error:
        services.self_study_create(
            actor=None, cadre=people["leader"], **{**FIELDS, "end_date": FIELDS["start_date"] - dt.timedelta(days=1)}
        )
    assert "end_date" in error.value.message_dict


def test_the_database_refuses_a_backward_period_too(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfStudy.objects.create(
            cadre=people["leader"], start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 1), pages=1, title="x"
        )


def test_an_update_is_audited_and_keeps_whose_record_it_is(people):
    record = SelfStudyFactory(cadre=people["leader"], title="旧标题")
    leader = _account(people["leader"])
    services.self_study_update(actor=leader, record=record, title="新标题", pages=50)
    record.refresh_from_db()
    assert (record.title, record.pages, record.cadre) == ("新标题", 50, people["leader"])
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="selfstudy")
    assert event.changes == {"title": ["旧标题", "新标题"], "pages": [40, 50]}


def test_a_leader_may_not_change_or_delete_anothers_record(people):
    record = SelfStudyFactory(cadre=people["deputy"])
    leader = _account(people["leader"])
    with pytest.raises(PermissionDenied):
        services.self_study_update(actor=leader, record=record, title="改")
    with pytest.raises(PermissionDenied):
        services.self_study_delete(actor=leader, record=record)
    assert SelfStudy.objects.filter(pk=record.pk).exists()


def test_a_delete_is_audited_with_what_the_record_said(people):
    record = SelfStudyFactory(cadre=people["leader"], title="论持久战")
    services.self_study_delete(actor=people["admin"], record=record)
    assert not SelfStudy.objects.exists()
    event = AuditEvent.objects.get(action=Action.DELETE, object_type="selfstudy")
    assert event.changes["title"] == ["论持久战", None]


def test_plans_and_topics_are_the_admins_and_audited(people):
    unit = Unit.objects.get(pk=home_unit_id())
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=_account(people["leader"]), unit=unit, year=2026, title="计划")
    with pytest.raises(PermissionDenied):  # a bureau's admin does not plan for the unit above
        services.plan_create(actor=people["other_admin"], unit=unit, year=2026, title="计划")
    plan = services.plan_create(actor=people["admin"], unit=unit, year=2026, title="计划")
    topic = services.topic_create(actor=people["admin"], plan=plan, number=1, topic="人民城市", month=2, lead="王局长")
    services.topic_update(actor=people["admin"], plan_topic=topic, month=3)
    assert PlanTopic.objects.get().month == 3
    with pytest.raises(ValidationError):  # the number is taken
        services.topic_create(actor=people["admin"], plan=plan, number=1, topic="重复", month=4)
    with pytest.raises(ValidationError):
        services.topic_create(actor=people["admin"], plan=plan, number=2, topic="十三月", month=13)
    with pytest.raises(ValidationError):  # one plan per unit and year
        services.plan_create(actor=people["admin"], unit=unit, year=2026, title="又一个")
    services.topic_delete(actor=people["admin"], plan_topic=topic)
    actions = list(
        AuditEvent.objects.filter(object_type__in=["studyplan", "plantopic"])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [Action.CREATE, Action.CREATE, Action.UPDATE, Action.DELETE]


def test_the_demo_study_makes_a_plan_and_self_study_once(people, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    unit = people["leader"].unit
    topics = {2: "人民城市重要理念", 3: "全国两会精神"}
    plan = services.demo_study(unit=unit, year=2026, topics=topics, today=dt.date(2026, 11, 30))
    assert [(t.number, t.month, t.topic) for t in plan.topics.all()] == [
        (1, 2, "人民城市重要理念"),
        (2, 3, "全国两会精神"),
    ]
    assert {t.lead for t in plan.topics.all()} <= {"王局长", "钱副局长"}
    records = SelfStudy.objects.filter(cadre__unit=unit)
    assert records.count() >= 4 and {r.cadre.name for r in records} == {"王局长", "钱副局长"}
    assert all(r.attachment and r.start_date <= dt.date(2026, 11, 30) for r in records)
    count = records.count()
    assert services.demo_study(unit=unit, year=2026, topics=topics, today=dt.date(2026, 11, 30)) == plan
    assert SelfStudy.objects.filter(cadre__unit=unit).count() == count
    assert StudyPlan.objects.count() == 1
