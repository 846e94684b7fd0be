"""Factories for training: activities of the seeded kinds, sessions, enrolments, attendance, evaluations.

Kinds and topic modules are seeded by migration 0002; the factories look them up by name
(``ActivityFactory(kind__name="中心组学习")``) rather than inventing new ones.
Session hours default to the length of the session; pass ``hours=`` for anything else.
Rows made here skip the services (no audit, no ledger): for the ledger, call ``attendance_set``.
"""

import datetime as dt
from decimal import Decimal

import factory

from ganxun.attendance.models import Attendance, Evaluation
from ganxun.roster.tests.factories import CadreFactory, SectionFactory

from ..models import (
    Activity,
    ActivityKind,
    AttendanceMethod,
    AttendanceStatus,
    Enrolment,
    Lecturer,
    Session,
    TopicModule,
)


class ActivityKindFactory(factory.django.DjangoModelFactory):
    """The seeded kind of that name (全员培训班 by default); new kinds get the fields given."""

    class Meta:
        model = ActivityKind
        django_get_or_create = ("name",)

    name = "全员培训班"
    classroom = "professional"
    bucket = "centralised"
    unit = "half_day"


class TopicModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicModule
        django_get_or_create = ("name",)

    name = "住房保障"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"测试培训{n}")
    kind = factory.SubFactory(ActivityKindFactory)
    topic = None
    organiser = None
    place = "局三楼会议室"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 3, 2) + dt.timedelta(days=n % 200))
    start_time = dt.time(9, 0)
    end_time = dt.time(11, 0)
    hours = factory.LazyAttribute(
        lambda o: (
            Decimal(
                (dt.datetime.combine(o.date, o.end_time) - dt.datetime.combine(o.date, o.start_time)).total_seconds()
            )
            / Decimal(3600)
        ).quantize(Decimal("0.01"))
    )
    place = ""


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    activity = factory.SubFactory(ActivityFactory)
    cadre = factory.SubFactory(CadreFactory)
    section = factory.LazyAttribute(lambda o: o.cadre.section)
    via = "点名"


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A bare attendance row (no ledger entry): use attendance_set when hours matter."""

    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    cadre = factory.SubFactory(CadreFactory)
    status = AttendanceStatus.PRESENT
    method = AttendanceMethod.MANUAL


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    session = factory.SubFactory(SessionFactory)
    cadre = factory.SubFactory(CadreFactory)
    content = 5
    delivery = 4
    usefulness = 5
    anonymous = True


class LecturerFactory(factory.django.DjangoModelFactory):
    """An outside lecturer by default; pass cadre=… (and outside_name="") for one from the roster."""

    class Meta:
        model = Lecturer

    activity = factory.SubFactory(ActivityFactory)
    cadre = None
    outside_name = factory.Sequence(lambda n: f"外请专家{n}")
    affiliation = "区委党校"


__all__ = [
    "ActivityFactory",
    "ActivityKindFactory",
    "AttendanceFactory",
    "CadreFactory",
    "EnrolmentFactory",
    "EvaluationFactory",
    "LecturerFactory",
    "SectionFactory",
    "SessionFactory",
    "TopicModuleFactory",
]
