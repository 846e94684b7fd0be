"""Factories for the study record, and a small year of 中心组 sittings with a register, attendance and materials."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from ganxun.roster.tests.factories import CadreFactory
from ganxun.training.models import AttendanceStatus, Material
from ganxun.training.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
)

from ..models import PlanTopic, SelfStudy, StudyPlan


class LeaderFactory(CadreFactory):
    leadership_level = "division_chief"
    post = "局长"


class SelfStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfStudy

    cadre = factory.SubFactory(LeaderFactory)
    start_date = dt.date(2026, 3, 2)
    title = factory.Sequence(lambda n: f"学习书目{n}")
    author = "中央文献出版社"
    pages = 40
    hours = Decimal(3)
    notes = "结合工作实际撰写学习体会。"


class StudyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyPlan

    year = 2026
    title = "2026年理论学习中心组学习计划"


class PlanTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTopic

    plan = factory.SubFactory(StudyPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    topic = factory.Sequence(lambda n: f"专题{n}")
    month = 3
    lead = "张局长"


def study_sitting(*, unit, day: dt.date, topic: str, members, absent=(), kind: str = "中心组学习", material: str = ""):
    """A 中心组 (or 党委会) sitting of ``unit`` on ``day``: its register filled, ``members`` enrolled, each present but
    those in ``absent`` (cadre, reason) on leave; with one material file when ``material`` names it."""
    activity = ActivityFactory(title=f"理论学习中心组学习：{topic}", kind__name=kind, unit=unit, place="党委会议室")
    session = SessionFactory(
        activity=activity,
        date=day,
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 30),
        place="局机关二楼党委会议室",
        host="王书记",
        speaker="李局长",
        key_speakers="赵副局长、钱副局长",
        recorder="孙科长",
        makeup_note="钱副局长因公缺席，会后已自学补学。",
        minutes=f"会议围绕{topic}开展集中学习。\n与会同志结合分管工作作了交流发言。",
    )
    away = dict(absent)
    for cadre in members:
        EnrolmentFactory(activity=activity, cadre=cadre)
        if cadre in away:
            AttendanceFactory(session=session, cadre=cadre, status=AttendanceStatus.LEAVE, reason=away[cadre])
        else:
            AttendanceFactory(session=session, cadre=cadre)
    if material:
        Material.objects.create(activity=activity, name=material, file=ContentFile(b"%PDF-1.4 test", name="m.pdf"))
    return session
