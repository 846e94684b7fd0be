"""Writes of the study record, each audited in its own transaction and checked against who may make it.

A 领导干部 enters and corrects their own self-study; an administrator those of the leaders of the units their role
reaches; nobody else any.  The year's plan of topics is the administrators'.  ``actor=None`` is the system (the
demo loader, a command): nothing to check.

Self-study is a record, not a ledger entry: the ledger (``hours.models.Source``) has no source for it, and a
leader who wants 学时 for it reports them through the self-report of ``hours`` like any cadre, where the year's
cap for 自学 applies.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import models, transaction

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster.models import Cadre, DerivedGroup, Unit

from .models import MaterialKind, PlanTopic, SelfStudy, StudyPlan, is_leader

SELF_STUDY_FIELDS = ("start_date", "end_date", "material", "title", "author", "pages", "hours", "notes", "attachment")
PLAN_FIELDS = ("title", "note")
TOPIC_FIELDS = ("number", "topic", "month", "lead", "note")


def _is_system(actor) -> bool:
    return actor is None or not getattr(actor, "is_authenticated", False)


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 3.0 as read and 3 as typed are one value
    if isinstance(value, models.fields.files.FieldFile):
        return value.name.rsplit("/", 1)[-1] if value else ""
    return str(value)


def snapshot(record: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    """What the trail keeps: the named fields, choices as their labels, rows by name, files by name."""
    values = {}
    for name in names:
        field = record._meta.get_field(name)
        if field.choices and not field.is_relation:
            values[name] = str(getattr(record, f"get_{name}_display")())
        else:
            values[name] = _value(getattr(record, name))
    return values


def _assign(record: models.Model, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if name == "attachment" and value is None:
            continue  # no new file: the one kept stays
        if name == "attachment" and value is False:
            value = ""  # the form's "clear" box
        setattr(record, name, value.strip() if isinstance(value, str) else value)


def leaders_for(actor) -> models.QuerySet[Cadre]:
    """The 领导干部 whose self-study ``actor`` may enter: an administrator's in the units they reach, a leader
    themself."""
    leaders = Cadre.objects.in_group(DerivedGroup.LEADER)
    if _is_system(actor):
        return leaders
    if actor.is_active and actor.is_admin:
        return leaders.filter(pk__in=Cadre.objects.editable_by(actor).values("pk"))
    if is_leader(actor):
        return leaders.filter(pk=actor.cadre_id)
    return leaders.none()


def _require_leader_reach(actor, cadre: Cadre) -> None:
    if not _is_system(actor) and not leaders_for(actor).filter(pk=cadre.pk).exists():
        raise PermissionDenied


def _require_record_reach(actor, record: SelfStudy) -> None:
    if not _is_system(actor) and not SelfStudy.objects.editable_by(actor).filter(pk=record.pk).exists():
        raise PermissionDenied


def _require_plan_admin(actor, unit_id: int) -> None:
    if _is_system(actor):
        return
    if not (actor.is_active and actor.is_admin):
        raise PermissionDenied
    if not Unit.objects.visible_to(actor).filter(pk=unit_id).exists():
        raise PermissionDenied


@transaction.atomic
def self_study_create(*, actor, cadre: Cadre, **fields: Any) -> SelfStudy:
    """Record a piece of a leader's own study."""
    _require_leader_reach(actor, cadre)
    record = SelfStudy(cadre=cadre, created_by=None if _is_system(actor) else actor)
    _assign(record, fields, SELF_STUDY_FIELDS)
    record.full_clean()
    record.save()
    audit_record(actor=actor, action=Action.CREATE, obj=record, after=snapshot(record, ("cadre", *SELF_STUDY_FIELDS)))
    return record


@transaction.atomic
def self_study_update(*, actor, record: SelfStudy, **fields: Any) -> SelfStudy:
    """Correct a self-study record; who it belongs to does not change."""
    _require_record_reach(actor, record)
    stored = SelfStudy.objects.select_for_update().get(pk=record.pk)
    before = snapshot(stored, SELF_STUDY_FIELDS)
    _assign(record, fields, SELF_STUDY_FIELDS)
    record.cadre_id = stored.cadre_id
    record.full_clean()
    record.save()
    audit_record(
        actor=actor, action=Action.UPDATE, obj=record, before=before, after=snapshot(record, SELF_STUDY_FIELDS)
    )
    return record


@transaction.atomic
def self_study_delete(*, actor, record: SelfStudy) -> None:
    """Delete a self-study record (it counts no 学时, so nothing else holds it); the trail keeps what it said."""
    _require_record_reach(actor, record)
    audit_record(actor=actor, action=Action.DELETE, obj=record, before=snapshot(record, ("cadre", *SELF_STUDY_FIELDS)))
    attachment = record.attachment.name if record.attachment else ""
    record.delete()
    if attachment:
        storage = SelfStudy._meta.get_field("attachment").storage
        transaction.on_commit(lambda: storage.delete(attachment))


@transaction.atomic
def plan_create(*, actor, unit: Unit, year: int, title: str = "", note: str = "") -> StudyPlan:
    """Start a unit's plan of 中心组学习 for a year."""
    _require_plan_admin(actor, unit.pk)
    plan = StudyPlan(unit=unit, year=year, title=title.strip(), note=note.strip())
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action=Action.CREATE, obj=plan, after={"year": year, **snapshot(plan, PLAN_FIELDS)})
    return plan


@transaction.atomic
def plan_update(*, actor, plan: StudyPlan, **fields: Any) -> StudyPlan:
    _require_plan_admin(actor, plan.unit_id)
    stored = StudyPlan.objects.select_for_update().get(pk=plan.pk)
    before = snapshot(stored, PLAN_FIELDS)
    _assign(plan, fields, PLAN_FIELDS)
    plan.unit_id, plan.year = stored.unit_id, stored.year
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=plan, before=before, after=snapshot(plan, PLAN_FIELDS))
    return plan


def _topic_audit(topic: PlanTopic) -> str:
    return f"{topic.plan} {topic}"


@transaction.atomic
def topic_create(*, actor, plan: StudyPlan, **fields: Any) -> PlanTopic:
    """Add a numbered topic to a year's plan."""
    _require_plan_admin(actor, plan.unit_id)
    topic = PlanTopic(plan=plan)
    _assign(topic, fields, TOPIC_FIELDS)
    topic.full_clean()
    topic.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=topic,
        object_repr=_topic_audit(topic),
        after=snapshot(topic, TOPIC_FIELDS),
    )
    return topic


@transaction.atomic
def topic_update(*, actor, plan_topic: PlanTopic, **fields: Any) -> PlanTopic:
    topic = plan_topic
    _require_plan_admin(actor, topic.plan.unit_id)
    stored = PlanTopic.objects.select_for_update().get(pk=topic.pk)
    before = snapshot(stored, TOPIC_FIELDS)
    _assign(topic, fields, TOPIC_FIELDS)
    topic.plan_id = stored.plan_id
    topic.full_clean()
    topic.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=topic,
        object_repr=_topic_audit(topic),
        before=before,
        after=snapshot(topic, TOPIC_FIELDS),
    )
    return topic


@transaction.atomic
def topic_delete(*, actor, plan_topic: PlanTopic) -> None:
    topic = plan_topic
    _require_plan_admin(actor, topic.plan.unit_id)
    audit_record(
        actor=actor,
        action=Action.DELETE,
        obj=topic,
        object_repr=_topic_audit(topic),
        before=snapshot(topic, TOPIC_FIELDS),
    )
    topic.delete()


# --- the demo ---------------------------------------------------------------------------------------------

DEMO_READINGS = (
    (MaterialKind.BOOK, "习近平谈治国理政（第四卷）", "外文出版社"),
    (MaterialKind.BOOK, "习近平关于城市工作论述摘编", "中央文献出版社"),
    (MaterialKind.DOCUMENT, "中共中央 国务院关于加快发展保障性租赁住房的意见", "国务院办公厅"),
    (MaterialKind.ARTICLE, "人民城市人民建，人民城市为人民", "《求是》杂志"),
    (MaterialKind.BOOK, "论党的自我革命", "中央文献出版社"),
    (MaterialKind.DOCUMENT, "上海市城市更新条例", "上海市人民代表大会常务委员会"),
)
DEMO_NOTES = (
    "结合旧区改造“收尾”工作实际，体会到必须把人民群众对美好生活的向往作为出发点和落脚点。",
    "认真研读原文，围绕保障性住房筹措建设撰写学习体会一篇，在中心组会上作交流发言。",
    "对照条例逐条学习，梳理本条线需要落实的制度要求，形成问题清单。",
)


def demo_study(*, unit: Unit, year: int, topics: dict[int, str], today: dt.date, seed: int = 2026) -> StudyPlan:
    """The demo's study record for ``unit`` and ``year`` (called by ``ganxun.demo``, as the system): the year's
    plan of 中心组 topics by month (``topics``, the months the demo's sessions study) with the leaders taking
    turns to lead, and two or three pieces of self-study per leader of the unit up to ``today``.  Idempotent: a
    plan already there is left as it is."""
    rng = random.Random(seed)
    existing = StudyPlan.objects.filter(unit=unit, year=year).first()
    if existing is not None:
        return existing
    leaders = list(Cadre.objects.in_group(DerivedGroup.LEADER).filter(unit=unit).order_by("pk"))
    plan = plan_create(actor=None, unit=unit, year=year, title=f"{year}年党委理论学习中心组学习计划")
    for number, (month, topic) in enumerate(sorted(topics.items()), start=1):
        lead = leaders[(number - 1) % len(leaders)].name if leaders else ""
        topic_create(actor=None, plan=plan, number=number, topic=topic, month=month, lead=lead)
    for leader in leaders:
        for _n in range(rng.randint(2, 3)):
            month = rng.randint(1, 12)
            start = dt.date(year, month, rng.randint(1, 20))
            if start > today:
                continue
            kind, title, author = rng.choice(DEMO_READINGS)
            end = min(start + dt.timedelta(days=rng.choice((0, 6, 13))), today)
            self_study_create(
                actor=None,
                cadre=leader,
                start_date=start,
                end_date=end if end != start else None,
                material=kind,
                title=title,
                author=author,
                pages=rng.randint(20, 120) if kind == MaterialKind.BOOK else None,
                hours=Decimal(rng.randint(2, 8)),
                notes=rng.choice(DEMO_NOTES),
                attachment=ContentFile(f"{leader.name}学习心得：{title}\n".encode(), name=f"{leader.name}学习心得.txt"),
            )
    return plan
