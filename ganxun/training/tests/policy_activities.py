"""Who may open the activity pages: the training part of the permission matrix, to merge into POLICY.

Rules point at objects that ``add_targets(world)`` puts on the matrix's ``World``:
``activity_enrolled`` (organised by the other 科室; the world's cadre, of the head's 科室, is enrolled),
``activity_elsewhere`` (the other 科室's, nobody of the head's 科室 enrolled), their sessions and materials,
``enrolment_attended`` (an enrolment with attendance: removing it is refused, so nothing changes),
``lecturer``, ``kind`` and ``topic``.  Lecturers and materials are removed by the first administrator
who posts, so the second finds them gone (404): the world is built once per URL, roles in ROLES order.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from ganxun.core.tests.test_permissions import (
    FORBIDDEN,
    INVALID,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Rule,
    admins_only,
    roles,
)
from ganxun.training.models import ActivityKind, AttendanceMethod, AttendanceStatus, Material, TopicModule
from ganxun.training.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    LecturerFactory,
    SessionFactory,
)

GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)
EVERYONE = roles(OK)
# Admins see it; the section head and the cadre of the head's 科室 do not.
ADMINS_SEE = roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND)
# Admins only, refused before anything is looked up.
ADMINS = roles(FORBIDDEN, training_admin=OK, system_admin=OK)


def admins_post(outcome: str, *, second: str | None = None) -> dict[str, str]:
    """A POST only administrators may make; ``second`` is what the system admin gets after the training admin."""
    return roles(FORBIDDEN, training_admin=outcome, system_admin=second or outcome)


POLICY: dict[str, list[Rule]] = {
    "training:activity_list": [Rule(get=EVERYONE, post=GET_ONLY)],
    "training:activity_calendar": [Rule(get=EVERYONE, post=GET_ONLY)],
    # An empty POST is the form again with its errors (200), as Django's generic views answer.
    "training:activity_create": [admins_only()],
    "training:activity_detail": [
        Rule(target="activity_enrolled", get=EVERYONE, post=GET_ONLY),
        Rule(target="activity_elsewhere", get=ADMINS_SEE, post=GET_ONLY),
    ],
    "training:activity_update": [admins_only("activity_enrolled"), admins_only("activity_elsewhere")],
    # Empty POST: the activity page again with the enrolment form's errors, as a 400.
    "training:activity_enrol": [Rule(target="activity_enrolled", get=POST_ONLY, post=admins_post(INVALID))],
    # The enrolled list: admins, and section heads (names of their own 科室); a cadre is refused.
    "training:enrolment_list": [
        Rule(target="activity_enrolled", get=roles(OK, cadre=FORBIDDEN), post=GET_ONLY),
        Rule(target="activity_elsewhere", get=ADMINS_SEE, post=GET_ONLY),
    ],
    "training:lecturer_create": [Rule(target="activity_enrolled", get=POST_ONLY, post=admins_post(INVALID))],
    "training:material_create": [Rule(target="activity_enrolled", get=POST_ONLY, post=admins_post(INVALID))],
    "training:session_create": [
        Rule(target="activity_enrolled", get=ADMINS, post=admins_post(INVALID)),
    ],
    # Has attendance: the removal is refused with a message, and the admin is sent back.
    "training:enrolment_remove": [Rule(target="enrolment_attended", get=POST_ONLY, post=admins_post(REDIRECT))],
    # Ticking the sittings a lecturer teaches; an empty POST means none (back to the activity).
    "training:lecturer_sessions": [Rule(target="lecturer", get=POST_ONLY, post=admins_post(REDIRECT))],
    "training:lecturer_delete": [Rule(target="lecturer", get=POST_ONLY, post=admins_post(REDIRECT, second=NOT_FOUND))],
    "training:material_download": [
        Rule(target="material_enrolled", get=EVERYONE, post=GET_ONLY),
        Rule(target="material_elsewhere", get=ADMINS_SEE, post=GET_ONLY),
    ],
    "training:material_delete": [
        Rule(target="material_elsewhere", get=POST_ONLY, post=admins_post(REDIRECT, second=NOT_FOUND))
    ],
    "training:session_detail": [
        Rule(target="session_enrolled", get=EVERYONE, post=GET_ONLY),
        Rule(target="session_elsewhere", get=ADMINS_SEE, post=GET_ONLY),
    ],
    # Empty POST: the session form with its errors, as a 400.
    "training:session_update": [Rule(target="session_enrolled", get=ADMINS, post=admins_post(INVALID))],
    # The session has attendance: removal refused, back to the session page.
    "training:session_delete": [Rule(target="session_enrolled", get=POST_ONLY, post=admins_post(REDIRECT))],
    "training:cadre_picker": [Rule(get=ADMINS, post=GET_ONLY)],
    "training:kind_list": [Rule(get=ADMINS, post=GET_ONLY)],
    "training:kind_create": [admins_only()],
    "training:kind_update": [admins_only("kind")],
    "training:topic_list": [Rule(get=ADMINS, post=GET_ONLY)],
    "training:topic_create": [admins_only()],
    "training:topic_update": [admins_only("topic")],
}


def add_targets(world) -> None:
    """Put the objects the rules above point at on the matrix's World.  Needs MEDIA_ROOT to be writable."""
    world.activity_enrolled = ActivityFactory(title="月末讲坛", organiser=world.other_section)
    world.session_enrolled = SessionFactory(activity=world.activity_enrolled)
    EnrolmentFactory(activity=world.activity_enrolled, cadre=world.own_cadre)
    world.enrolment_attended = EnrolmentFactory(activity=world.activity_enrolled, cadre=world.peer)
    AttendanceFactory(
        session=world.session_enrolled, cadre=world.peer, status=AttendanceStatus.PRESENT, method=AttendanceMethod.QR
    )
    world.activity_elsewhere = ActivityFactory(title="住房保障科业务培训", organiser=world.other_section)
    world.session_elsewhere = SessionFactory(activity=world.activity_elsewhere)
    EnrolmentFactory(activity=world.activity_elsewhere, cadre=world.elsewhere)
    world.lecturer = LecturerFactory(activity=world.activity_enrolled)
    world.material_enrolled = _material(world.activity_enrolled, "讲义.pdf")
    world.material_elsewhere = _material(world.activity_elsewhere, "内部资料.pdf")
    world.kind = ActivityKind.objects.get(name="月末讲坛")
    world.topic = TopicModule.objects.get(name="住房保障")


def _material(activity, name: str) -> Material:
    material = Material(activity=activity, name=name)
    material.file.save(name.replace(".pdf", ".bin") + ".pdf", ContentFile(b"%PDF-1.4 policy"), save=False)
    material.save()
    return material
