"""The roster import by unit: an administrator held in a bureau imports into their own units only."""

import datetime as dt

import pytest
from django.utils import translation

from ganxun.accounts.models import Role
from ganxun.roster.models import Cadre, Gender, Section, Unit, home_unit_id
from ganxun.roster.tests.test_imports import run

from .factories import CadreFactory, SectionFactory, UnitFactory, UserFactory, make_id_number
from .workbooks import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    org = Unit.objects.get(pk=home_unit_id())
    a, b = UnitFactory(name="甲局", code="JJ", parent=org), UnitFactory(name="乙局", code="YJ", parent=org)
    SectionFactory(name="甲科", unit=a)
    SectionFactory(name="乙科", unit=b)
    admin_a = UserFactory(username="adm_a", role=Role.TRAINING_ADMIN, cadre=None, unit=a)
    return a, b, admin_a


def test_a_cadre_of_another_bureau_is_not_updated_by_id_number(tmp_path, district):
    _a, _b, admin_a = district
    other = CadreFactory(
        name="乙干部",
        section=Section.objects.get(name="乙科"),
        id_number=make_id_number(dt.date(1981, 2, 2), Gender.MALE, 1),
        birth_date=dt.date(1981, 2, 2),
    )
    row = person(1, "甲科", name="乙干部", born=dt.date(1981, 2, 2))
    assert row["身份证号"] == other.id_number
    with translation.override("zh-hans"):
        result = run(tmp_path, [row], write=True, actor=admin_a)
        assert any("属于其他单位" in str(error) for error in result.errors)
    assert Cadre.objects.get(pk=other.pk).section.name == "乙科"


def test_another_bureaus_section_is_not_a_section_of_the_file(tmp_path, district):
    a, _b, admin_a = district
    result = run(tmp_path, [person(2, "乙科")], write=True, actor=admin_a, accept_new_sections=True)
    # Not 乙局's 科室: a new 科室 of that name in the admin's own unit.
    assert not result.errors
    cadre = Cadre.objects.get(name="张2")
    assert cadre.unit == a and cadre.section.unit == a
    assert Section.objects.filter(name="乙科").count() == 2
