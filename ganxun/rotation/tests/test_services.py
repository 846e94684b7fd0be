"""轮岗's services: the plan's rules on their fields (thresholds at the day), completion, the host's evaluation,
deletion, every write audited; the pages and the archive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

from .. import services
from ..models import Rotation

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def bureau():
    office = SectionFactory(name="办公室")
    unit = office.unit
    housing = SectionFactory(name="住房保障科", unit=unit)
    other = UnitFactory(name="乙局", code="B", parent=unit)
    return {
        "office": office,
        "housing": housing,
        "far": SectionFactory(name="乙局办公室", unit=other),
        "recruit": CadreFactory(name="新同志", section=office, hire_date=D(2026, 1, 5)),
        "mentor": CadreFactory(name="老科长", section=housing),
        "admin": UserFactory(username="adm", role=Role.TRAINING_ADMIN, cadre=None),
    }


def plan(b, **fields):
    values = {
        "host_section": b["housing"],
        "start_date": D(2026, 3, 1),
        "end_date": D(2026, 5, 31),
        "mentor": b["mentor"],
    }
    values.update(fields)
    return services.rotation_create(actor=b["admin"], cadre=b["recruit"], **values)


def test_a_rotation_is_planned_and_audited(bureau):
    rotation = plan(bureau, tasks="公租房受理审核")
    assert (rotation.host_section, rotation.mentor) == (bureau["housing"], bureau["mentor"])
    event = AuditEvent.objects.get(object_type="rotation", action="create")
    assert event.actor == bureau["admin"] and "住房保障科" in str(event.changes)


def test_the_plans_rules_name_their_field(bureau):
    with pytest.raises(ValidationError) as own:
        plan(bureau, host_section=bureau["office"], mentor=None)
    assert "办公室" in own.value.message_dict["host_section"][0]
    with pytest.raises(ValidationError) as far:
        plan(bureau, host_section=bureau["far"], mentor=None)
    assert "host_section" in far.value.message_dict
    with pytest.raises(ValidationError) as backwards:
        plan(bureau, end_date=D(2026, 2, 28))
    assert "end_date" in backwards.value.message_dict
    with pytest.raises(ValidationError) as self_mentor:
        plan(bureau, mentor=bureau["recruit"])
    assert "mentor" in self_mentor.value.message_dict
    with pytest.raises(ValidationError) as wrong_mentor:
        plan(bureau, mentor=CadreFactory(section=bureau["office"]))
    assert "住房保障科" in wrong_mentor.value.message_dict["mentor"][0]
    assert not Rotation.objects.exists()


def test_rotations_of_a_cadre_do_not_overlap_by_a_single_day(bureau):
    plan(bureau)  # 3-01 to 5-31
    with pytest.raises(ValidationError) as clash:
        plan(bureau, start_date=D(2026, 5, 31), end_date=D(2026, 6, 30))  # the same last day: overlaps
    assert "2026-03-01" in clash.value.message_dict["start_date"][0]
    plan(bureau, start_date=D(2026, 6, 1), end_date=D(2026, 6, 30))  # the next day: fine
    assert Rotation.objects.count() == 2


def test_only_administrators_of_the_cadres_unit_plan(bureau):
    outsider = UserFactory(username="adm_b", role=Role.TRAINING_ADMIN, cadre=None, unit=bureau["far"].unit)
    with pytest.raises(PermissionDenied):
        services.rotation_create(
            actor=outsider, cadre=bureau["recruit"], host_section=bureau["housing"],
            start_date=D(2026, 3, 1), end_date=D(2026, 5, 31),
        )  # fmt: skip


def test_completed_then_evaluated_by_the_host_sections_head_only(bureau):
    rotation = plan(bureau)
    head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=bureau["mentor"])
    other_head = UserFactory(username="head2", role=Role.SECTION_HEAD, cadre=CadreFactory(section=bureau["office"]))
    with pytest.raises(ValidationError):
        services.rotation_evaluate(actor=head, rotation=rotation, rating="good", evaluation="好")  # not completed
    with pytest.raises(ValidationError) as early:
        services.rotation_complete(actor=bureau["admin"], rotation=rotation, completed_on=D(2026, 2, 28))
    assert "completed_on" in early.value.message_dict
    services.rotation_complete(actor=bureau["admin"], rotation=rotation, completed_on=D(2026, 3, 1), summary="收获很大")
    with pytest.raises(PermissionDenied):
        services.rotation_evaluate(actor=other_head, rotation=rotation, rating="good", evaluation="好")
    with pytest.raises(ValidationError) as blank:
        services.rotation_evaluate(actor=head, rotation=rotation, rating="good", evaluation="  ")
    assert "evaluation" in blank.value.message_dict
    services.rotation_evaluate(actor=head, rotation=rotation, rating="excellent", evaluation="业务上手快")
    rotation.refresh_from_db()
    assert (rotation.rating, rotation.evaluated_by) == ("excellent", head)
    assert AuditEvent.objects.filter(object_type="rotation").count() == 3
    with pytest.raises(ValidationError):
        services.rotation_delete(actor=bureau["admin"], rotation=rotation)  # evaluated: the cadre's record


def test_a_plan_not_evaluated_is_deleted_audited(bureau):
    rotation = plan(bureau)
    services.rotation_delete(actor=bureau["admin"], rotation=rotation)
    assert not Rotation.objects.exists()
    assert AuditEvent.objects.filter(object_type="rotation", action="delete").exists()


def test_the_pages_and_the_archive(bureau, client, django_assert_max_num_queries):
    rotation = plan(bureau)
    for _n in range(5):
        cadre = CadreFactory(section=bureau["office"])
        services.rotation_create(
            actor=bureau["admin"], cadre=cadre, host_section=bureau["housing"],
            start_date=D(2026, 3, 1), end_date=D(2026, 5, 31),
        )  # fmt: skip
    client.force_login(bureau["admin"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("rotation:list"), {"year": 2026})
    assert page.status_code == 200 and "新同志" in page.content.decode()
    response = client.post(
        reverse("rotation:create"),
        {"cadre": bureau["recruit"].pk, "host_section": bureau["housing"].pk, "start_date": "2026-05-01",
         "end_date": "2026-06-30"},
    )  # fmt: skip
    assert response.status_code == 400 and "不能重叠" in response.content.decode()
    recruit = UserFactory(username="recruit", role=Role.CADRE, cadre=bureau["recruit"])
    client.force_login(recruit)
    mine = client.get(reverse("rotation:list")).content.decode()
    assert mine.count("data-rotation=") == 1
    archive = client.get(reverse("hours:cadre_archive", args=[bureau["recruit"].pk]), {"year": 2026})
    assert archive.status_code == 200
    assert "新进干部轮岗" in archive.content.decode() and rotation.get_absolute_url() in archive.content.decode()


def test_status_labels_at_their_days(bureau):
    rotation = plan(bureau)
    assert rotation.status_label(D(2026, 2, 28)) == "计划中"
    assert rotation.status_label(D(2026, 3, 1)) == "进行中"
    assert rotation.status_label(D(2026, 5, 31)) == "进行中"
    assert rotation.status_label(D(2026, 6, 1)) == "已到期，未登记完成"
    assert timezone.localdate()  # the pages use today's


def test_the_plan_is_judged_as_of_its_first_day_not_today(bureau):
    """A mentor who moved out of the host 科室 after the rotation began still mentored it; one who had not yet
    joined it on that day did not."""
    from ganxun.roster.services import cadre_update

    mentor = bureau["mentor"]  # in 住房保障科 since joining
    cadre_update(actor=None, cadre=mentor, section=bureau["office"], effective=D(2026, 4, 1), note="调动")
    plan(bureau, mentor=mentor)  # 3-01: still in 住房保障科 that day
    newcomer = CadreFactory(name="后调入", section=bureau["office"], hire_date=D(2010, 1, 1))
    cadre_update(actor=None, cadre=newcomer, section=bureau["housing"], effective=D(2026, 7, 1), note="调入")
    with pytest.raises(ValidationError) as early:
        plan(bureau, mentor=newcomer, start_date=D(2026, 6, 1), end_date=D(2026, 6, 30))
    assert "mentor" in early.value.message_dict
