"""Writes for activities: the activity itself, its sessions, lecturers, materials and who is enrolled.

Every write is audited.  Session hours come from the year's conversion rule unless an administrator
sets them by hand; whenever a session's hours or date change, the ledger of the cadres who attended is
brought back in line through ``sync_ledger``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours.models import LedgerEntry, Source, source_content_type
from ganxun.hours.services import refuse_own
from ganxun.roster.models import Cadre, DerivedGroup, Section, Tag, Unit, home_unit_id

from ..hooks import session_default_hours, sync_ledger
from ..models import (
    Activity,
    ActivityKind,
    AttendanceStatus,
    Enrolment,
    Lecturer,
    Material,
    Session,
    TopicModule,
    attendance_rows,
)
from .lectures import lecture_credit_sync

ACTIVITY_FIELDS = ("title", "kind", "topic", "organiser", "place", "description", "audience_note", "allow_walk_in")
SESSION_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "place",
    "evaluation_closes_at",
    "host",
    "speaker",
    "key_speakers",
    "recorder",
    "makeup_note",
    "minutes",
)
KIND_FIELDS = (
    "name",
    "classroom",
    "bucket",
    "unit",
    "is_study_session",
    "is_class",
    "opens_evaluation",
    "training_type",
    "sort_order",
    "is_active",
)
TOPIC_FIELDS = ("name", "sort_order", "is_active")

MATERIAL_MAX_BYTES = 20 * 1024 * 1024
# Extension -> the first bytes a real file of that type starts with (None: plain text, checked as UTF-8/GBK).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
MATERIAL_TYPES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF",),
    ".doc": (_OLE,),
    ".docx": (_ZIP,),
    ".xls": (_OLE,),
    ".xlsx": (_ZIP,),
    ".ppt": (_OLE,),
    ".pptx": (_ZIP,),
    ".wps": (_OLE,),
    ".ofd": (_ZIP,),
    ".zip": (_ZIP,),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".txt": None,
}

_UNSET: Any = object()


def _display(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, dt.date | dt.time):
        return value.strftime("%H:%M") if isinstance(value, dt.time) else value.isoformat()
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral() else str(value)
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def activity_snapshot(activity: Activity) -> dict[str, Any]:
    """What the audit trail keeps of an activity, in the system's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return {name: _display(getattr(activity, name)) for name in ACTIVITY_FIELDS}


def session_snapshot(session: Session) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        data = {name: _display(getattr(session, name)) for name in SESSION_FIELDS}
        data["hours"] = _display(session.hours)
        data["hours_overridden"] = session.hours_overridden
        return data


def _attendee_ids(activity: Activity, session: Session | None = None) -> list[int]:
    """The cadres whose hours for this activity may change: in a class every cadre with attendance,
    since a session's hours move the 1/7 line; otherwise those present at the session."""
    rows = attendance_rows().filter(session__activity=activity)
    if session is not None and not activity.kind.is_class:
        rows = rows.filter(session=session, status=AttendanceStatus.PRESENT)
    return list(rows.values_list("cadre_id", flat=True).distinct())


def _resync(*, actor, activity: Activity, cadre_ids: Iterable[int]) -> None:
    for cadre in Cadre.objects.filter(pk__in=list(cadre_ids)):
        sync_ledger(actor=actor, activity=activity, cadre=cadre)


# --- activities ------------------------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor,
    title: str,
    kind: ActivityKind,
    topic: TopicModule | None = None,
    organiser: Section | None = None,
    place: str = "",
    description: str = "",
    audience_note: str = "",
    allow_walk_in: bool = False,
    unit: Unit | None = None,
) -> Activity:
    """A new activity, organised by ``unit``: by default the organising 科室's unit, else the unit the
    administrator's role is held in, else the home unit."""
    if unit is None:
        if organiser is not None:
            unit = organiser.unit
        elif getattr(actor, "is_authenticated", False) and actor.is_admin and actor.unit_scope is not None:
            unit = actor.unit_scope
        else:
            unit = Unit.objects.get(pk=home_unit_id())
    activity = Activity(
        title=title.strip(),
        kind=kind,
        topic=topic,
        unit=unit,
        organiser=organiser,
        place=place.strip(),
        description=description.strip(),
        audience_note=audience_note.strip(),
        allow_walk_in=allow_walk_in,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    activity.full_clean()
    activity.save()
    audit_record(actor=actor, action=Action.CREATE, obj=activity, after=activity_snapshot(activity))
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, **fields: Any) -> Activity:
    """Change an activity; a new title or kind is carried into the ledger entries of its sessions."""
    before = activity_snapshot(Activity.objects.select_related("kind", "topic", "organiser").get(pk=activity.pk))
    for name, value in fields.items():
        if name not in ACTIVITY_FIELDS:
            raise TypeError(f"activity_update cannot set {name!r}")
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    activity.full_clean()
    activity.save()
    after = activity_snapshot(activity)
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=activity, before=before, after=after)
        if before["title"] != after["title"] or before["kind"] != after["kind"]:
            _resync(actor=actor, activity=activity, cadre_ids=_attendee_ids(activity))
    return activity


# --- sessions --------------------------------------------------------------------------------------------


def _refuse_own_override(actor, session: Session, hours: Decimal) -> None:
    """Nobody sets by hand the hours of a session they attend (or are enrolled for)."""
    if session.pk is not None:  # compared with what is stored: a form may already have set the instance
        stored = Session.objects.filter(pk=session.pk).values_list("hours", "hours_overridden").first()
        if stored is not None and stored[1] and stored[0] == hours:
            return  # unchanged
    cadre_id = getattr(actor, "cadre_id", None)
    if cadre_id is None:
        return
    attends = Enrolment.objects.filter(activity_id=session.activity_id, cadre_id=cadre_id).exists() or (
        session.pk is not None and attendance_rows().filter(session_id=session.pk, cadre_id=cadre_id).exists()
    )
    if attends:
        refuse_own(actor, cadre_id, field="hours")


def _apply_hours(session: Session, hours: Decimal | None, actor=None) -> None:
    """Set by hand when given; otherwise (and when not set by hand before) from the conversion rule."""
    if hours is not None:
        _refuse_own_override(actor, session, hours)
        session.hours, session.hours_overridden = hours, True
    elif not session.hours_overridden:
        if session.end_time and session.start_time and session.end_time <= session.start_time:
            # Leave it to the model's constraint to say so, in its own words.
            session.hours = Decimal(0)
        else:
            session.hours = session_default_hours(session)


@transaction.atomic
def session_create(
    *,
    actor,
    activity: Activity,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    hours: Decimal | None = None,
    **fields: Any,
) -> Session:
    """Add a sitting; ``hours=None`` means the rule's figure for its kind and length."""
    for name in fields:
        if name not in SESSION_FIELDS:
            raise TypeError(f"session_create cannot set {name!r}")
    session = Session(activity=activity, date=date, start_time=start_time, end_time=end_time, **fields)
    _apply_hours(session, hours, actor)
    session.full_clean()
    session.save()
    audit_record(actor=actor, action=Action.CREATE, obj=session, after=session_snapshot(session))
    if activity.kind.is_class:  # a class's total moved: completion may change for everyone with attendance
        _resync(actor=actor, activity=activity, cadre_ids=_attendee_ids(activity))
    return session


@transaction.atomic
def session_update(*, actor, session: Session, hours: Decimal | None = _UNSET, **fields: Any) -> Session:
    """Change a sitting.

    ``hours`` left out: kept if set by hand, else recomputed from the (new) date and times;
    ``hours=None``: back to the rule's figure; a number: set by hand.
    Attendees' ledger entries follow a change of hours or date.
    """
    before = session_snapshot(Session.objects.get(pk=session.pk))
    for name, value in fields.items():
        if name not in SESSION_FIELDS:
            raise TypeError(f"session_update cannot set {name!r}")
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    if hours is None:
        session.hours_overridden = False
    _apply_hours(session, None if hours is _UNSET else hours, actor)
    session.full_clean()
    session.save()
    after = session_snapshot(session)
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=session, before=before, after=after)
    if before["hours"] != after["hours"] or before["date"] != after["date"]:
        _resync(actor=actor, activity=session.activity, cadre_ids=_attendee_ids(session.activity, session))
    if before != after:
        lecture_credit_sync(actor=actor, session=session)
    return session


@transaction.atomic
def session_delete(*, actor, session: Session) -> None:
    """Remove a sitting that nobody's attendance has been recorded for."""
    if session.attendances.exists():
        raise ValidationError(_("Attendance has been recorded for this session: it cannot be removed."))
    if LedgerEntry.objects.filter(source_type=source_content_type(Source.SESSION), source_id=session.pk).exists():
        raise ValidationError(_("Hours have been counted from this session: it cannot be removed."))
    activity = session.activity
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=activity,
        before={"session": str(session)},
        after={"session": None},
        summary=_("Session removed"),
    )
    session.delete()


# --- lecturers and materials -----------------------------------------------------------------------------


def _sync_lecture_credits(*, actor, activity: Activity, cadre: Cadre | None) -> None:
    """After a change of lecturers: their credits, and whether their own attendance counts."""
    for session in activity.sessions.select_related("activity"):
        lecture_credit_sync(actor=actor, session=session)
    if cadre is not None:
        sync_ledger(actor=actor, activity=activity, cadre=cadre)


def _lecturer_names(activity: Activity) -> list[str]:
    return [str(lecturer) for lecturer in activity.lecturers.select_related("cadre").order_by("pk")]


def _own_sessions(activity: Activity, sessions: Iterable[Session]) -> list[Session]:
    sessions = list(sessions)
    if any(session.activity_id != activity.pk for session in sessions):
        raise ValidationError({"sessions": _("Choose sessions of this activity.")})
    return sessions


def _session_labels(lecturer: Lecturer) -> list[str]:
    return [
        f"{session.date:%Y-%m-%d} {session.start_time:%H:%M}"
        for session in lecturer.sessions.order_by("date", "start_time", "pk")
    ]


@transaction.atomic
def lecturer_add(
    *,
    actor,
    activity: Activity,
    cadre: Cadre | None = None,
    outside_name: str = "",
    affiliation: str = "",
    sessions: Iterable[Session] | None = None,
) -> Lecturer:
    """A cadre from the roster or an outside lecturer, not both; nobody adds themself (lecturers are credited).

    ``sessions``: the sittings they teach; left out, the activity's only session when it has one (in an activity
    of several sittings nothing is guessed: the administrator says which).
    """
    if cadre is not None:
        refuse_own(actor, cadre.pk, field="cadre")
    if sessions is None:
        only = list(activity.sessions.all()[:2])
        sessions = only if len(only) == 1 else []
    sessions = _own_sessions(activity, sessions)
    before = _lecturer_names(activity)
    lecturer = Lecturer(
        activity=activity, cadre=cadre, outside_name=outside_name.strip(), affiliation=affiliation.strip()
    )
    lecturer.full_clean()
    lecturer.save()
    lecturer.sessions.set(sessions)
    _sync_lecture_credits(actor=actor, activity=activity, cadre=cadre)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=activity,
        before={"lecturers": before},
        after={"lecturers": _lecturer_names(activity)},
    )
    return lecturer


@transaction.atomic
def lecturer_set_sessions(*, actor, lecturer: Lecturer, sessions: Iterable[Session]) -> Lecturer:
    """Say which sittings of the activity the lecturer teaches; their credits and attendance follow.  Nobody
    says it of themself (lecturers are credited)."""
    if lecturer.cadre_id is not None:
        refuse_own(actor, lecturer.cadre_id, field="sessions")
    activity = lecturer.activity
    sessions = _own_sessions(activity, sessions)
    before = _session_labels(lecturer)
    lecturer.sessions.set(sessions)
    after = _session_labels(lecturer)
    if before != after:
        _sync_lecture_credits(actor=actor, activity=activity, cadre=lecturer.cadre)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=lecturer,
            before={"sessions": before},
            after={"sessions": after},
            summary=_("Sessions taught by %(name)s") % {"name": lecturer},
        )
    return lecturer


@transaction.atomic
def lecturer_remove(*, actor, lecturer: Lecturer) -> None:
    activity = lecturer.activity
    before = _lecturer_names(activity)
    cadre = lecturer.cadre
    lecturer.delete()
    _sync_lecture_credits(actor=actor, activity=activity, cadre=cadre)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=activity,
        before={"lecturers": before},
        after={"lecturers": _lecturer_names(activity)},
    )


def validate_material(file: UploadedFile) -> str:
    """The lower-case extension of an acceptable upload; a clear error for anything else."""
    if file.size is not None and file.size > MATERIAL_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB.") % {"size": MATERIAL_MAX_BYTES // (1024 * 1024)}, code="size"
        )
    if not file.size:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = PurePath(file.name or "").suffix.lower()
    if extension not in MATERIAL_TYPES:
        raise ValidationError(
            _("Files of this type cannot be uploaded. Allowed: %(types)s.")
            % {"types": " ".join(sorted(e.lstrip(".") for e in MATERIAL_TYPES))},
            code="type",
        )
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    signatures = MATERIAL_TYPES[extension]
    if signatures is None:
        if b"\x00" in head:
            raise ValidationError(_("The file's content does not match its type."), code="content")
    elif not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(_("The file's content does not match its type."), code="content")
    return extension


@transaction.atomic
def material_add(*, actor, activity: Activity, file: UploadedFile, name: str = "") -> Material:
    """Store an attachment under MEDIA_ROOT with a random file name; the name people see is kept apart."""
    extension = validate_material(file)
    display = (name or "").strip() or PurePath(file.name or "").name
    if not PurePath(display).suffix:
        display += extension
    file.name = f"{uuid.uuid4().hex}{extension}"
    material = Material(
        activity=activity,
        name=display[:200],
        file=file,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    material.full_clean()
    material.save()
    try:
        audit_record(
            actor=actor, action=Action.UPDATE, obj=activity, before={"material": None}, after={"material": display}
        )
    except Exception:
        material.file.storage.delete(material.file.name)  # no row, no file
        raise
    return material


@transaction.atomic
def material_remove(*, actor, material: Material) -> None:
    activity = material.activity
    stored, name = material.file.name, material.name
    material.delete()
    audit_record(actor=actor, action=Action.UPDATE, obj=activity, before={"material": name}, after={"material": None})
    storage = material.file.storage
    transaction.on_commit(lambda: storage.delete(stored))


# --- enrolment -------------------------------------------------------------------------------------------


@dataclasses.dataclass
class EnrolmentResult:
    """What an enrolment by audience did: how many were added, and how many were there already."""

    added: int = 0
    already: int = 0
    not_active: int = 0
    outside: int = 0  # named cadres outside the organising unit's subtree, not enrolled
    by_via: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def matched(self) -> int:
        return self.added + self.already


def audience_members(
    *,
    everyone: bool,
    sections: Sequence[Section],
    groups: Sequence[str],
    tags: Sequence[Tag],
    cadres: Sequence[Cadre],
    on: dt.date,
    unit: Unit,
) -> list[tuple[str, QuerySet[Cadre]]]:
    """(the `via` label, the active cadres of ``unit`` and the units below it it means today), in the order
    the labels win."""
    active = Cadre.objects.active().filter(unit_id__in=Unit.objects.subtree(unit).values("pk"))
    found: list[tuple[str, QuerySet[Cadre]]] = []
    if cadres:
        found.append((_("Named"), active.filter(pk__in=[c.pk for c in cadres])))
    for section in sections:
        found.append((_("Section: %(name)s") % {"name": section.name}, active.filter(section=section)))
    for group in groups:
        found.append((str(DerivedGroup(group).label), active.in_group(group, on=on)))
    for tag in tags:
        found.append((tag.name, active.filter(tags=tag)))
    if everyone:
        found.append((_("Everyone"), active))
    return found


@transaction.atomic
def enrol_audience(
    *,
    actor,
    activity: Activity,
    everyone: bool = False,
    sections: Sequence[Section] = (),
    groups: Sequence[str] = (),
    tags: Sequence[Tag] = (),
    cadres: Sequence[Cadre] = (),
) -> EnrolmentResult:
    """Enrol everyone the audience means today, each with the 科室 they are in now.

    The audience is drawn from the organising unit and the units below it: "everyone" is everyone in post
    there, and named cadres of other units are not enrolled (counted in ``outside``).

    The audience is resolved here and stored row by row, so a later move of section or a birthday
    does not rewrite who was enrolled.  Idempotent: the already enrolled are counted and skipped.
    Named cadres no longer in post are not enrolled (counted in ``not_active``).
    """
    for group in groups:
        if group not in DerivedGroup.values:
            raise ValueError(f"unknown group {group!r}")
    # One enrolment at a time per activity, so that two admins do not race on the same cadres.
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    on = timezone.localdate()
    result = EnrolmentResult()
    chosen: dict[int, tuple[int, str]] = {}  # cadre id -> (section id, via)
    with translation.override(settings.LANGUAGE_CODE):
        audiences = audience_members(
            everyone=everyone, sections=sections, groups=groups, tags=tags, cadres=cadres, on=on, unit=activity.unit
        )
    for via, queryset in audiences:
        for cadre_id, section_id in queryset.values_list("pk", "section_id").distinct():
            chosen.setdefault(cadre_id, (section_id, via))
    if cadres:
        reached = set(Unit.objects.subtree(activity.unit).values_list("pk", flat=True))
        missing = [c for c in cadres if c.pk not in chosen]
        result.outside = sum(1 for c in missing if c.unit_id not in reached)
        result.not_active = len(missing) - result.outside
    enrolled = set(activity.enrolments.values_list("cadre_id", flat=True))
    new_rows = []
    for cadre_id, (section_id, via) in chosen.items():
        if cadre_id in enrolled:
            result.already += 1
            continue
        new_rows.append(Enrolment(activity=activity, cadre_id=cadre_id, section_id=section_id, via=via[:100]))
        result.by_via[via] = result.by_via.get(via, 0) + 1
    Enrolment.objects.bulk_create(new_rows, batch_size=500)
    result.added = len(new_rows)
    if result.added:
        with translation.override(settings.LANGUAGE_CODE):
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=activity,
                before={"enrolled": len(enrolled)},
                after={"enrolled": len(enrolled) + result.added},
                summary=_("Enrolled %(count)s: %(audience)s")
                % {"count": result.added, "audience": "、".join(f"{v} {n}" for v, n in result.by_via.items())},
            )
    return result


@transaction.atomic
def unenrol(*, actor, enrolment: Enrolment) -> None:
    """Take a cadre off an activity, as long as no attendance of theirs has been recorded in it."""
    if attendance_rows().filter(session__activity_id=enrolment.activity_id, cadre_id=enrolment.cadre_id).exists():
        raise ValidationError(
            _("%(name)s already has attendance recorded in this activity and cannot be taken off it.")
            % {"name": enrolment.cadre.name}
        )
    activity = enrolment.activity
    name = enrolment.cadre.name
    enrolment.delete()
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=activity,
            before={"enrolment": name},
            after={"enrolment": None},
            summary=_("Enrolment of %(name)s withdrawn") % {"name": name},
        )


# --- kinds and topic modules -----------------------------------------------------------------------------


def _snapshot(obj: ActivityKind | TopicModule, names: Sequence[str]) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        data: dict[str, Any] = {}
        for name in names:
            display = getattr(obj, f"get_{name}_display", None)
            data[name] = str(display()) if display is not None else _display(getattr(obj, name))
        return data


def _create(actor, model: type[ActivityKind] | type[TopicModule], names: Sequence[str], fields: dict[str, Any]):
    unknown = set(fields) - set(names)
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    obj = model(**{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()})
    obj.full_clean()
    obj.save()
    audit_record(actor=actor, action=Action.CREATE, obj=obj, after=_snapshot(obj, names))
    return obj


def _update(actor, obj: ActivityKind | TopicModule, names: Sequence[str], fields: dict[str, Any]):
    before = _snapshot(type(obj).objects.get(pk=obj.pk), names)
    for name, value in fields.items():
        if name not in names:
            raise TypeError(f"cannot set {name!r}")
        setattr(obj, name, value.strip() if isinstance(value, str) else value)
    obj.full_clean()
    obj.save()
    after = _snapshot(obj, names)
    if before != after:
        action = Action.STATUS if set(k for k in after if before[k] != after[k]) == {"is_active"} else Action.UPDATE
        audit_record(actor=actor, action=action, obj=obj, before=before, after=after)
    return obj


@transaction.atomic
def kind_create(*, actor, **fields: Any) -> ActivityKind:
    return _create(actor, ActivityKind, KIND_FIELDS, fields)


@transaction.atomic
def kind_update(*, actor, kind: ActivityKind, **fields: Any) -> ActivityKind:
    """Change a kind; one in use is taken out of use (is_active=False), never deleted."""
    return _update(actor, kind, KIND_FIELDS, fields)


@transaction.atomic
def topic_create(*, actor, **fields: Any) -> TopicModule:
    return _create(actor, TopicModule, TOPIC_FIELDS, fields)


@transaction.atomic
def topic_update(*, actor, topic: TopicModule, **fields: Any) -> TopicModule:
    return _update(actor, topic, TOPIC_FIELDS, fields)
