"""The 微课堂's part of the permission matrix: every ``microclass:`` URL, what each role gets for GET and an empty
POST.  Administrators keep courses and lessons; a cadre sees the published courses assigned to them (another
course is a 404) and may open a viewing of their lessons; the heartbeat needs a cadre (an empty one is a 400).
``test_permissions_microclass.py`` runs it."""

from __future__ import annotations

from ganxun.core.tests.test_permissions import FORBIDDEN, INVALID, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, roles

ADMIN_PAGE = {
    "get": roles(FORBIDDEN, training_admin=OK, system_admin=OK),
    "post": roles(NOT_ALLOWED, section_head=FORBIDDEN, cadre=FORBIDDEN),
}
# Forms: an empty POST is the form again with its errors (200), or 400 where the view says so.
ADMIN_FORM = {
    "get": roles(FORBIDDEN, training_admin=OK, system_admin=OK),
    "post": roles(FORBIDDEN, training_admin=OK, system_admin=OK),
}
GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)

POLICY: dict[str, list[dict]] = {
    "microclass:course_list": [{"target": "", "get": roles(OK), "post": GET_ONLY}],
    "microclass:course_create": [{"target": "", **ADMIN_FORM}],
    "microclass:course_detail": [
        {"target": "course", "get": roles(OK, section_head=NOT_FOUND), "post": GET_ONLY},
        {"target": "course_unassigned", "get": roles(OK, section_head=NOT_FOUND, cadre=NOT_FOUND), "post": GET_ONLY},
    ],
    "microclass:course_update": [{"target": "course", **ADMIN_FORM}],
    # The world's course and lesson have been studied: the deletion is refused with a message (a redirect).
    "microclass:course_delete": [
        {"target": "course", "get": POST_ONLY, "post": roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT)}
    ],
    "microclass:lesson_delete": [
        {"target": "lesson", "get": POST_ONLY, "post": roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT)}
    ],
    "microclass:course_assign": [
        {
            "target": "course",
            "get": roles(FORBIDDEN, training_admin=OK, system_admin=OK),
            "post": roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID),
        }
    ],
    "microclass:course_progress": [
        {"target": "course", "get": roles(FORBIDDEN, training_admin=OK, system_admin=OK), "post": GET_ONLY}
    ],
    "microclass:course_progress_export": [
        {"target": "course", "get": roles(FORBIDDEN, training_admin=OK, system_admin=OK), "post": GET_ONLY}
    ],
    "microclass:lesson_create": [{"target": "course", **ADMIN_FORM}],
    "microclass:lesson_update": [{"target": "lesson", **ADMIN_FORM}],
    "microclass:lesson_detail": [
        {"target": "lesson", "get": roles(OK, section_head=NOT_FOUND), "post": GET_ONLY},
        {"target": "lesson_unassigned", "get": roles(OK, section_head=NOT_FOUND, cadre=NOT_FOUND), "post": GET_ONLY},
    ],
    "microclass:lesson_file": [
        {"target": "lesson", "get": roles(OK, section_head=NOT_FOUND), "post": GET_ONLY},
        {"target": "lesson_unassigned", "get": roles(OK, section_head=NOT_FOUND, cadre=NOT_FOUND), "post": GET_ONLY},
    ],
    # Only a cadre assigned the course opens a viewing; an administrator previews (403), others do not see it.
    "microclass:viewing_start": [
        {
            "target": "lesson",
            "get": POST_ONLY,
            "post": roles(FORBIDDEN, cadre=OK, section_head=NOT_FOUND),
        }
    ],
    "microclass:viewing_beat": [
        {"target": "lesson", "get": POST_ONLY, "post": roles(FORBIDDEN, cadre=INVALID, section_head=INVALID)}
    ],
    # A ledger entry's source: the cadre's own progress, or any in a course an administrator reaches.
    "microclass:progress_detail": [
        {"target": "progress", "get": roles(REDIRECT, section_head=NOT_FOUND), "post": GET_ONLY},
        {"target": "progress_other", "get": roles(REDIRECT, section_head=NOT_FOUND, cadre=NOT_FOUND), "post": GET_ONLY},
    ],
    # The matrix's cadre is an internal lecturer (内训师); the other roles are not.
    "microclass:recording_create": [
        {"target": "", "get": roles(FORBIDDEN, cadre=OK), "post": roles(FORBIDDEN, cadre=INVALID)}
    ],
}


def add_targets(world) -> None:
    """A published course assigned to the matrix's cadre (not to the section head), one lesson in it, and a
    published course and lesson assigned to nobody; the cadre is tagged 内训师."""
    from ganxun.roster.models import Tag

    from ..models import LECTURER_TAG, LessonProgress
    from .factories import AssignmentFactory, CourseFactory, LessonFactory

    world.course = CourseFactory(title="住房保障政策解读", unit=world.home_unit, open_to_lecturers=True)
    world.lesson = LessonFactory(course=world.course, title="第一讲")
    AssignmentFactory(course=world.course, cadre=world.own_cadre)
    world.course_unassigned = CourseFactory(title="物业管理条例", unit=world.home_unit)
    world.lesson_unassigned = LessonFactory(course=world.course_unassigned, title="条例总则")
    world.progress = LessonProgress.objects.create(cadre=world.own_cadre, lesson=world.lesson, credited_ms=1000)
    AssignmentFactory(course=world.course, cadre=world.peer)
    world.progress_other = LessonProgress.objects.create(cadre=world.peer, lesson=world.lesson, credited_ms=2000)
    tag, _created = Tag.objects.get_or_create(name=LECTURER_TAG)
    world.own_cadre.tags.add(tag)
