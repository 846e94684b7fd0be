"""Courses and lessons, written through here and audited; a course assigned to an audience like an activity."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster.models import Cadre, DerivedGroup, Section, Tag, Unit
from ganxun.training.models import Session
from ganxun.training.services.activities import audience_members

from ..models import LECTURER_TAG, Assignment, Course, Lesson, lesson_kind_of

COURSE_FIELDS = ("title", "description", "completion_percent", "published", "open_to_lecturers")
LESSON_FIELDS = ("title", "length_seconds", "completion_percent", "sort_order", "session")


def _is_system(actor) -> bool:
    return actor is None or not getattr(actor, "is_authenticated", False)


def _display(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int)):
        return value
    return str(value)


def course_snapshot(course: Course) -> dict[str, Any]:
    return {name: _display(getattr(course, name)) for name in COURSE_FIELDS}


def lesson_snapshot(lesson: Lesson) -> dict[str, Any]:
    values = {name: _display(getattr(lesson, name)) for name in LESSON_FIELDS}
    values["kind"] = str(lesson.get_kind_display())
    values["file"] = lesson.file.name if lesson.file else ""
    return values


def _require_course(actor, course: Course) -> None:
    if not _is_system(actor) and not Course.objects.editable_by(actor).filter(pk=course.pk).exists():
        raise PermissionDenied


def _assign(obj: Any, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def course_create(*, actor, unit: Unit | None = None, **fields: Any) -> Course:
    """A new course, organised by the actor's unit (or ``unit``, one they reach)."""
    if not _is_system(actor) and not (actor.is_active and actor.is_admin):
        raise PermissionDenied
    course = Course(created_by=None if _is_system(actor) else actor)
    _assign(course, fields, COURSE_FIELDS)
    if unit is not None:
        if not _is_system(actor) and not Unit.objects.visible_to(actor).filter(pk=unit.pk).exists():
            raise PermissionDenied
        course.unit = unit
    elif not _is_system(actor) and actor.unit_id:
        course.unit_id = actor.unit_id
    course.full_clean()
    course.save()
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(actor=actor, action=Action.CREATE, obj=course, after=course_snapshot(course))
    return course


@transaction.atomic
def course_update(*, actor, course: Course, **fields: Any) -> Course:
    _require_course(actor, course)
    before = course_snapshot(course)
    _assign(course, fields, COURSE_FIELDS)
    course.full_clean()
    course.save()
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(actor=actor, action=Action.UPDATE, obj=course, before=before, after=course_snapshot(course))
    return course


def _kind_of(file: Any) -> str:
    kind = lesson_kind_of(getattr(file, "name", "") or "")
    if kind is None:
        raise ValidationError({"file": _("Upload a PDF document or a video (MP4, WebM, Ogg, MOV).")})
    return kind


@transaction.atomic
def lesson_create(*, actor, course: Course, file: Any, **fields: Any) -> Lesson:
    """A lesson in a course the actor may change; its kind follows the file (a PDF or a video)."""
    _require_course(actor, course)
    return _lesson_save(actor=actor, course=course, file=file, fields=fields)


def _lesson_save(*, actor, course: Course, file: Any, fields: dict[str, Any]) -> Lesson:
    lesson = Lesson(course=course, created_by=None if _is_system(actor) else actor)
    _assign(lesson, fields, LESSON_FIELDS)
    lesson.kind = _kind_of(file)
    lesson.file = file
    if not fields.get("sort_order"):
        last = course.lessons.order_by("-sort_order").values_list("sort_order", flat=True).first()
        lesson.sort_order = (last or 0) + 1
    lesson.full_clean()
    lesson.save()
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(actor=actor, action=Action.CREATE, obj=lesson, after=lesson_snapshot(lesson))
    return lesson


@transaction.atomic
def lesson_update(*, actor, lesson: Lesson, file: Any = None, **fields: Any) -> Lesson:
    """Change a lesson; a new file replaces the old one (the old file stays on disk: progress was made on it)."""
    _require_course(actor, lesson.course)
    before = lesson_snapshot(lesson)
    _assign(lesson, fields, LESSON_FIELDS)
    if file:
        lesson.kind = _kind_of(file)
        lesson.file = file
    lesson.full_clean()
    lesson.save()
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(actor=actor, action=Action.UPDATE, obj=lesson, before=before, after=lesson_snapshot(lesson))
    return lesson


def _studied_message(count: int) -> str:
    return _(
        "%(count)s people have studied it: their progress and 学时 stand on it, so it cannot be deleted. Unpublish "
        "the course instead to take it off the list."
    ) % {"count": count}


@transaction.atomic
def lesson_delete(*, actor, lesson: Lesson) -> None:
    """Delete a lesson nobody has studied yet (its file too); one with progress is refused: unpublish instead."""
    _require_course(actor, lesson.course)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    studied = lesson.progress.count()
    if studied:
        raise ValidationError(_studied_message(studied))
    before = lesson_snapshot(lesson)
    file = lesson.file
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(actor=actor, action=Action.DELETE, obj=lesson, before=before)
    lesson.delete()
    if file:
        transaction.on_commit(lambda: file.storage.delete(file.name))


@transaction.atomic
def course_delete(*, actor, course: Course) -> None:
    """Delete a course none of whose lessons anyone has studied (its lessons, files and assignments too)."""
    _require_course(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    studied = Lesson.objects.filter(course=course, progress__isnull=False).values("progress__cadre").distinct().count()
    if studied:
        raise ValidationError(_studied_message(studied))
    with translation.override(settings.LANGUAGE_CODE):
        for lesson in course.lessons.all():
            audit_record(actor=actor, action=Action.DELETE, obj=lesson, before=lesson_snapshot(lesson))
        audit_record(
            actor=actor,
            action=Action.DELETE,
            obj=course,
            before={**course_snapshot(course), "assigned": course.assignments.count()},
        )
    files = [lesson.file for lesson in course.lessons.all() if lesson.file]
    course.delete()
    for file in files:
        transaction.on_commit(lambda file=file: file.storage.delete(file.name))


def lecturer_sessions(user) -> QuerySet[Session]:
    """The sessions an internal lecturer (a cadre tagged 内训师) taught, up to today: those whose recording they may
    publish as a lesson."""
    cadre_id = getattr(user, "cadre_id", None)
    if cadre_id is None or not Cadre.objects.filter(pk=cadre_id, tags__name=LECTURER_TAG).exists():
        return Session.objects.none()
    return (
        Session.objects.filter(lecturer_links__lecturer__cadre_id=cadre_id, date__lte=timezone.localdate())
        .select_related("activity")
        .order_by("-date", "-start_time")
        .distinct()
    )


def is_lecturer(user) -> bool:
    cadre_id = getattr(user, "cadre_id", None)
    return cadre_id is not None and Cadre.objects.filter(pk=cadre_id, tags__name=LECTURER_TAG).exists()


@transaction.atomic
def recording_publish(*, actor, course: Course, session: Session, file: Any, **fields: Any) -> Lesson:
    """An internal lecturer publishes the recording of a lecture they gave as a lesson of a course open to
    lecturers."""
    if not lecturer_sessions(actor).filter(pk=session.pk).exists():
        raise PermissionDenied
    if not Course.objects.open_to_lecturers(actor).filter(pk=course.pk).exists():
        raise PermissionDenied
    fields["session"] = session
    return _lesson_save(actor=actor, course=course, file=file, fields=fields)


# --- assignment by audience -----------------------------------------------------------------------------


@dataclasses.dataclass
class AssignmentResult:
    """What an assignment by audience did."""

    added: int = 0
    already: int = 0
    outside: int = 0  # named cadres not in post in the course's units
    by_via: dict[str, int] = dataclasses.field(default_factory=dict)


@transaction.atomic
def assign_audience(
    *,
    actor,
    course: Course,
    everyone: bool = False,
    sections: Sequence[Section] = (),
    groups: Sequence[str] = (),
    tags: Sequence[Tag] = (),
    cadres: Sequence[Cadre] = (),
) -> AssignmentResult:
    """Assign the course to everyone the audience means today (the course's unit and those below), each row
    kept with the 科室 they are in now; idempotent."""
    _require_course(actor, course)
    for group in groups:
        if group not in DerivedGroup.values:
            raise ValueError(f"unknown group {group!r}")
    Course.objects.select_for_update().filter(pk=course.pk).first()  # one assignment at a time per course
    result = AssignmentResult()
    chosen: dict[int, tuple[int, str]] = {}
    with translation.override(settings.LANGUAGE_CODE):
        audiences = audience_members(
            everyone=everyone,
            sections=sections,
            groups=groups,
            tags=tags,
            cadres=cadres,
            on=timezone.localdate(),
            unit=course.unit,
        )
    for via, queryset in audiences:
        for cadre_id, section_id in queryset.values_list("pk", "section_id").distinct():
            chosen.setdefault(cadre_id, (section_id, via))
    result.outside = sum(1 for c in cadres if c.pk not in chosen)
    assigned = set(course.assignments.values_list("cadre_id", flat=True))
    rows = []
    for cadre_id, (section_id, via) in chosen.items():
        if cadre_id in assigned:
            result.already += 1
            continue
        rows.append(Assignment(course=course, cadre_id=cadre_id, section_id=section_id, via=via[:100]))
        result.by_via[via] = result.by_via.get(via, 0) + 1
    Assignment.objects.bulk_create(rows, batch_size=500)
    result.added = len(rows)
    if result.added:
        with translation.override(settings.LANGUAGE_CODE):
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=course,
                before={"assigned": len(assigned)},
                after={"assigned": len(assigned) + result.added},
                summary=_("Assigned %(count)s: %(audience)s")
                % {"count": result.added, "audience": "、".join(f"{v} {n}" for v, n in result.by_via.items())},
            )
    return result
