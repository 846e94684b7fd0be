"""The plan's writes: items with clear messages, submit → approve → revise with a reason, copy, links; audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, TagFactory, UnitFactory, UserFactory
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, SessionFactory

from .. import services
from ..models import PlanLink, PlanRevision, PlanStatus, TrainingPlan
from .helpers import admin, home, item_fields, leader, make_plan

pytestmark = pytest.mark.django_db


def test_a_plan_is_created_once_per_unit_and_year_and_audited():
    user = admin()
    plan = services.plan_create(actor=user, unit=home(), year=2026)
    assert plan.title == "2026年度干部教育培训计划" and plan.status == PlanStatus.DRAFT
    assert AuditEvent.objects.filter(object_type="trainingplan", object_id=str(plan.pk), action="create").exists()
    with pytest.raises(ValidationError) as error:
        services.plan_create(actor=user, unit=home(), year=2026)
    assert "已有" in str(error.value) or "already" in str(error.value)


def test_an_administrator_of_another_unit_or_a_cadre_may_not_write():
    other = UnitFactory(name="乙局", code="B")
    outsider = UserFactory(username="b_admin", role=Role.TRAINING_ADMIN, cadre=None, unit=other)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=outsider, unit=home(), year=2026)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=UserFactory(username="c", role=Role.CADRE), unit=home(), year=2026)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"months": []}, "months"),
        ({"months": [13]}, "months"),
        ({"months": [0]}, "months"),
        ({"sessions": 0}, "sessions"),
        ({"hours": Decimal("0.4")}, "hours"),
        ({"budget": Decimal(-1)}, "budget"),
        ({"groups": ["nobody"]}, "groups"),
    ],
)
def test_bad_items_are_refused_with_the_field_named(given, field):
    plan = make_plan(items=0)
    with pytest.raises(ValidationError) as error:
        services.item_create(actor=None, plan=plan, **item_fields(**given))
    assert field in error.value.message_dict


def test_thresholds_of_an_item_are_accepted_at_the_edge():
    plan = make_plan(items=0)
    item = services.item_create(
        actor=None, plan=plan, **item_fields(months=[12, 1, 1], sessions=1, hours=Decimal("0.5"), budget=Decimal(0))
    )
    assert item.months == [1, 12] and item.number == 1


def test_a_theory_kind_or_a_section_of_another_unit_is_refused():
    plan = make_plan(items=0)
    theory = ActivityKindFactory(name="中心组学习", classroom="theory")
    with pytest.raises(ValidationError) as error:
        services.item_create(actor=None, plan=plan, **item_fields(kind=theory))
    assert "kind" in error.value.message_dict
    elsewhere = SectionFactory(name="乙局办公室", unit=UnitFactory(name="乙局", code="B"))
    with pytest.raises(ValidationError) as error:
        services.item_create(actor=None, plan=plan, **item_fields(section=elsewhere))
    assert "section" in error.value.message_dict


def test_a_number_taken_is_refused_on_the_number():
    plan = make_plan(items=1)
    with pytest.raises(ValidationError) as error:
        services.item_create(actor=None, plan=plan, **item_fields(number=1))
    assert "number" in error.value.message_dict


def test_submit_approve_then_changes_need_a_reason_and_make_versions():
    user, boss = admin(), leader()
    plan = make_plan(items=0, actor=user)
    with pytest.raises(ValidationError, match="没有项目"):
        services.plan_submit(actor=user, plan=plan)
    item = services.item_create(actor=user, plan=plan, **item_fields())
    services.plan_submit(actor=user, plan=plan)
    with pytest.raises(ValidationError):  # waiting for approval: not edited
        services.item_update(actor=user, item=item, **item_fields(title="改"))
    with pytest.raises(PermissionDenied):  # the administrator does not approve
        services.plan_approve(actor=user, plan=plan)
    services.plan_approve(actor=boss, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.version == 1 and plan.approved_by == boss
    with pytest.raises(ValidationError) as error:
        services.item_update(actor=user, item=item, **item_fields(sessions=3))
    assert "reason" in error.value.message_dict
    services.item_update(actor=user, item=item, reason="区里增加一期", **item_fields(sessions=3))
    plan.refresh_from_db()
    assert plan.version == 2
    revision = PlanRevision.objects.get(plan=plan, version=2)
    assert revision.reason == "区里增加一期" and revision.items[0]["sessions"] == 3
    assert revision.created_by == user
    assert list(plan.revisions.values_list("version", flat=True)) == [1, 2]
    events = AuditEvent.objects.filter(object_type="trainingplan", object_id=str(plan.pk))
    assert events.filter(action="status").count() == 2


def test_a_leader_of_another_unit_or_the_submitter_may_not_approve():
    boss = leader()
    plan = make_plan(items=1)
    services.plan_submit(actor=None, plan=plan)
    other_unit = UnitFactory(name="乙局", code="B")
    far = CadreFactory(section=SectionFactory(name="乙局领导", unit=other_unit), leadership_level="division_chief")
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=UserFactory(username="far", role=Role.CADRE, cadre=far), plan=plan)
    plan.submitted_by = boss
    plan.save()
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=boss, plan=plan)


def test_return_needs_a_reason_and_goes_back_to_draft():
    boss = leader()
    plan = make_plan(items=1)
    services.plan_submit(actor=None, plan=plan)
    with pytest.raises(ValidationError) as error:
        services.plan_return(actor=boss, plan=plan, reason=" ")
    assert "reason" in error.value.message_dict
    services.plan_return(actor=boss, plan=plan, reason="预算偏高")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_copy_of_last_years_plan_is_a_draft_with_the_same_items():
    tag = TagFactory(name="党务干部")
    section = SectionFactory(name="组织人事科")
    last = make_plan(year=2025, items=0)
    services.item_create(
        actor=None,
        plan=last,
        **item_fields(everyone=False, tags=[tag], sections=[section], section=section, budget=Decimal(5000)),
    )
    services.plan_submit(actor=None, plan=last)
    services.plan_approve(actor=None, plan=last)
    copy = services.plan_copy(actor=admin(), source=last, year=2026)
    assert copy.year == 2026 and copy.status == PlanStatus.DRAFT and copy.version == 0
    assert copy.title == "2026年度干部教育培训计划"
    item = copy.items.get()
    assert list(item.tags.all()) == [tag] and list(item.sections.all()) == [section]
    assert item.section == section and item.budget == Decimal(5000)
    with pytest.raises(ValidationError):
        services.plan_copy(actor=None, source=last, year=2026)


def test_an_activity_is_linked_once_to_an_item_of_its_units_year():
    user = admin()
    plan = make_plan(items=2)
    first, second = plan.items.all()
    activity = ActivityFactory(title="春季全员培训")
    SessionFactory(activity=activity, date=dt.date(2026, 3, 10))
    link = services.link_create(actor=user, item=first, activity=activity)
    with pytest.raises(ValidationError) as error:
        services.link_create(actor=user, item=second, activity=activity)
    assert "activity" in error.value.message_dict and "1." in error.value.message_dict["activity"][0]
    last_year = ActivityFactory(title="去年的培训")
    SessionFactory(activity=last_year, date=dt.date(2025, 3, 10))
    with pytest.raises(ValidationError, match="2026"):
        services.link_create(actor=user, item=first, activity=last_year)
    elsewhere = ActivityFactory(title="乙局的培训", unit=UnitFactory(name="乙局", code="B"))
    with pytest.raises(ValidationError) as error:
        services.link_create(actor=user, item=first, activity=elsewhere)
    assert "activity" in error.value.message_dict
    with pytest.raises(ValidationError):  # an item carried out by an activity is not removed
        services.item_delete(actor=user, item=first)
    services.link_delete(actor=user, link=link)
    assert not PlanLink.objects.exists()
    assert AuditEvent.objects.filter(object_type="planlink", action="delete").exists()
    services.item_delete(actor=user, item=first)
    assert list(plan.items.values_list("number", flat=True)) == [2]


def test_demo_plans_is_approved_revised_linked_and_idempotent():
    TagFactory(name="党务干部")
    for name in ("全员培训班", "月末讲坛"):
        kind = ActivityKindFactory(name=name)
        for month in (3, 4, 5, 6):
            activity = ActivityFactory(title=f"{month}月{name}", kind=kind)
            SessionFactory(activity=activity, date=dt.date(2026, month, 10))
    plan = services.demo_plans(unit=home(), year=2026, today=dt.date(2026, 11, 30))
    assert (plan.status, plan.version) == (PlanStatus.APPROVED, 2)  # approved, then revised once
    assert plan.revisions.get(version=2).reason.startswith("按区委组织部要求")
    assert TrainingPlan.objects.get(unit=home(), year=2025).status == PlanStatus.APPROVED
    # Every class linked; every third lecture left outside the plan.
    assert PlanLink.objects.filter(item__plan=plan).count() == 7
    assert services.demo_plans(unit=home(), year=2026, today=dt.date(2026, 11, 30)) == plan


@pytest.mark.parametrize(
    ("months", "text"),
    [
        ([3], "3月"),
        ([3, 9], "3、9月"),
        ([4, 5], "4、5月"),
        ([4, 5, 6], "4—6月"),
        ([1, 2, 3, 7], "1—3、7月"),
        (list(range(1, 13)), "全年"),
    ],
)
def test_months_in_words(months, text):
    from ..models import month_text

    assert month_text(months) == text
