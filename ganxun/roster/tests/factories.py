"""Factories for the roster; ID numbers are generated valid and consistent with birth date and gender."""

import datetime as dt

import factory
from django.contrib.auth.hashers import make_password

from ganxun.accounts.models import Role, User
from ganxun.roster.idcard import check_digit
from ganxun.roster.models import Cadre, Gender, PoliticalStatus, Section, Tag, Unit, UnitKind, home_unit_id


def make_id_number(birth: dt.date, gender: str, serial: int) -> str:
    """A valid 18-character ID number for a Shanghai Yangpu birth (region 310110)."""
    seq = serial % 500 * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"310110{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit under ``parent`` (a top-level one without); path and depth are set by Unit.save."""

    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = factory.Sequence(lambda n: f"U{n}")
    kind = UnitKind.BUREAU
    parent = None


def _default_unit(account) -> Unit | None:
    """A training administrator holds the role in a unit: the home unit unless the test names one."""
    return Unit.objects.get(pk=home_unit_id()) if account.role == Role.TRAINING_ADMIN else None


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试科{n}")
    sort_order = factory.Sequence(lambda n: n)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"标签{n}")


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    gender = Gender.MALE
    birth_date = factory.Sequence(lambda n: dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28))
    id_number = factory.LazyAttributeSequence(lambda o, n: make_id_number(o.birth_date, o.gender, n))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    section = factory.SubFactory(SectionFactory)
    political_status = PoliticalStatus.MASSES
    name_initials = ""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CADRE
    cadre = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(_default_unit)
    # The account already has this password (a hash, not set_password): no "password set" audit event per test user.
    password = factory.LazyFunction(lambda: make_password("Ganxun#2026"))


PASSWORD = "Ganxun#2026"
