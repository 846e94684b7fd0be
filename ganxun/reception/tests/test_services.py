"""效能接待: turns on working days by the calendar (a holiday week skipped, a make-up Saturday counted), the 科室 in
order continuing across generations, the duty cadres by turns, changes with a reason, the cases and their counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .. import services
from ..models import DutySlot, PetitionCase

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def desk():
    housing = SectionFactory(name="住房保障科")
    unit = housing.unit
    prop = SectionFactory(name="物业管理科", unit=unit)
    safety = SectionFactory(name="房屋安全科", unit=unit)
    people = {s.name: [CadreFactory(section=s) for _ in range(3)] for s in (housing, prop, safety)}
    admin = UserFactory(username="adm", role=Role.TRAINING_ADMIN, cadre=None)
    return {"unit": unit, "sections": [housing, prop, safety], "people": people, "admin": admin}


def rule(desk, granularity="week", per_turn=2):
    return services.rule_save(
        actor=desk["admin"], unit=desk["unit"], granularity=granularity, per_turn=per_turn, sections=desk["sections"]
    )


def test_daily_turns_skip_holidays_and_count_a_make_up_saturday(desk):
    rule(desk, "day", 1)
    # 2026-02-14 (Saturday) and 2026-02-28 (Saturday) are make-up workdays; 02-15..02-23 the Spring Festival.
    done = services.rota_generate(actor=desk["admin"], unit=desk["unit"], first=D(2026, 2, 13), last=D(2026, 2, 24))
    days = list(DutySlot.objects.order_by("first_day").values_list("first_day", flat=True))
    assert days == [D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 24)]
    assert done.created == 3
    sections = list(DutySlot.objects.order_by("first_day").values_list("section__name", flat=True))
    assert sections == ["住房保障科", "物业管理科", "房屋安全科"]


def test_weekly_turns_continue_the_order_and_keep_what_is_there(desk):
    rule(desk)
    services.rota_generate(actor=desk["admin"], unit=desk["unit"], first=D(2026, 3, 2), last=D(2026, 3, 15))
    again = services.rota_generate(actor=desk["admin"], unit=desk["unit"], first=D(2026, 3, 2), last=D(2026, 3, 29))
    assert (again.created, again.kept) == (2, 2)
    turns = list(DutySlot.objects.order_by("first_day").values_list("first_day", "last_day", "section__name"))
    assert turns[0] == (D(2026, 3, 2), D(2026, 3, 6), "住房保障科")
    assert [t[2] for t in turns] == ["住房保障科", "物业管理科", "房屋安全科", "住房保障科"]
    # Two cadres a turn, each of the 科室's three in turn: nobody twice before everyone once.
    first, fourth = DutySlot.objects.order_by("first_day")[0], DutySlot.objects.order_by("first_day")[3]
    assert first.cadres.count() == 2
    assert set(fourth.cadres.all()) - set(first.cadres.all())


def test_generation_needs_a_rule_and_a_known_calendar(desk):
    with pytest.raises(ValidationError):
        services.rota_generate(actor=desk["admin"], unit=desk["unit"], first=D(2026, 3, 2), last=D(2026, 3, 6))
    rule(desk)
    with pytest.raises(ValidationError) as unknown:
        services.rota_generate(actor=desk["admin"], unit=desk["unit"], first=D(2027, 1, 4), last=D(2027, 1, 8))
    assert "2027" in str(unknown.value)
    assert not DutySlot.objects.exists()


def test_a_change_of_duty_cadres_needs_a_reason_and_the_right_person(desk):
    rule(desk)
    services.rota_generate(actor=desk["admin"], unit=desk["unit"], first=D(2026, 3, 2), last=D(2026, 3, 6))
    slot = DutySlot.objects.get()
    head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=desk["people"]["住房保障科"][0])
    other = UserFactory(username="other", role=Role.SECTION_HEAD, cadre=desk["people"]["物业管理科"][0])
    someone = desk["people"]["住房保障科"][2]
    with pytest.raises(PermissionDenied):
        services.slot_staff(actor=other, slot=slot, cadres=[someone], reason="换班")
    with pytest.raises(ValidationError):
        services.slot_staff(actor=head, slot=slot, cadres=[someone], reason=" ")
    services.slot_staff(actor=head, slot=slot, cadres=[someone], reason="原值班人出差，换班")
    assert list(slot.cadres.all()) == [someone]
    assert AuditEvent.objects.filter(object_type="dutyslot", summary="原值班人出差，换班").exists()


def test_cases_counted_per_cadre_and_section_with_days_to_close(desk, client):
    rule(desk)
    services.rota_generate(actor=desk["admin"], unit=desk["unit"], first=D(2026, 3, 2), last=D(2026, 3, 6))
    a, b = desk["people"]["住房保障科"][0], desk["people"]["物业管理科"][0]
    common = {"category": "security", "result": "closed", "visitor": "王先生"}
    services.case_save(
        actor=desk["admin"],
        unit=desk["unit"],
        received_on=D(2026, 3, 2),
        matter="公租房申请",
        handled_by=a,
        closed_on=D(2026, 3, 6),
        **common,
    )
    services.case_save(
        actor=desk["admin"],
        unit=desk["unit"],
        received_on=D(2026, 3, 3),
        matter="廉租房咨询",
        handled_by=a,
        closed_on=D(2026, 3, 3),
        **common,
    )
    services.case_save(actor=desk["admin"], unit=desk["unit"], received_on=D(2026, 3, 4), matter="物业费", handled_by=b, **{**common, "result": "referred"})  # fmt: skip
    with pytest.raises(ValidationError) as early:
        services.case_save(actor=desk["admin"], unit=desk["unit"], received_on=D(2026, 3, 4), matter="x", handled_by=b, closed_on=D(2026, 3, 3), **common)  # fmt: skip
    assert "closed_on" in early.value.message_dict
    with pytest.raises(ValidationError) as phone:
        services.case_save(actor=desk["admin"], unit=desk["unit"], received_on=D(2026, 3, 4), matter="x", handled_by=b, visitor_phone="12ab", **{k: v for k, v in common.items()})  # fmt: skip
    assert "visitor_phone" in phone.value.message_dict
    cases = PetitionCase.objects.all()
    assert cases.filter(slot__isnull=False).count() == 3  # the week's turn
    by_cadre = {t.name: (t.cases, t.closed, t.average_days) for t in services.counts(cases, "handled_by")}
    assert by_cadre == {a.name: (2, 2, 2.0), b.name: (1, 0, None)}
    by_section = {t.name: t.cases for t in services.counts(cases, "section")}
    assert by_section == {"住房保障科": 2, "物业管理科": 1}
    client.force_login(desk["admin"])
    page = client.get(reverse("reception:case_list"), {"year": 2026}).content.decode()
    assert "公租房申请" in page and "平均办结天数" in page


def test_a_cadre_records_only_what_they_handled_and_the_phone_is_masked(desk, client):
    a, b = desk["people"]["住房保障科"][0], desk["people"]["住房保障科"][1]
    user = UserFactory(username="gb", role=Role.CADRE, cadre=a)
    data = {"received_on": "2026-03-02", "matter": "咨询", "category": "other", "result": "answered",
            "visitor": "李女士", "visitor_phone": "13912345678"}  # fmt: skip
    client.force_login(user)
    refused = client.post(reverse("reception:case_create"), {**data, "handled_by": b.pk})
    assert refused.status_code == 400 and not PetitionCase.objects.exists()
    response = client.post(reverse("reception:case_create"), {**data, "handled_by": a.pk})
    assert response.status_code == 302
    page = client.get(reverse("reception:case_list")).content.decode()
    assert "139****5678" in page and "13912345678" not in page
