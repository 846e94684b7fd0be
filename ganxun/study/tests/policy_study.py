"""The study record's permission policy: every ``study:`` URL, role by role, GET and an empty POST.

The matrix's world (``core/tests/test_permissions.World``) has no 领导干部 account: its cadre and 科室负责人 are not
leaders, so they are refused (403) everywhere here before anything is looked up; the archive and the self-study
are the administrators' and the leaders' (a leader's own pages are tested in ``test_views.py``).  ``add_targets``
adds a leader of the head's 科室 with a self-study record (with an attachment), and this year's plan of the home
unit with one topic.  An empty POST to a form is the form with its errors (200; the plan's first page says 400);
deleting: the training administrator deletes (a redirect), the system administrator after finds nothing (404).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from ganxun.core.tests.test_permissions import FORBIDDEN, INVALID, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Rule, roles


def admins(outcome: str) -> dict[str, str]:
    return roles(FORBIDDEN, training_admin=outcome, system_admin=outcome)


GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)
DELETED_ONCE = roles(FORBIDDEN, training_admin=REDIRECT, system_admin=NOT_FOUND)

POLICY: dict[str, list[Rule]] = {
    "study:index": [Rule(get=admins(OK), post=GET_ONLY)],
    "study:archive": [Rule(target="study_year", get=admins(OK), post=GET_ONLY)],
    "study:archive_docx": [Rule(target="study_year", get=admins(OK), post=GET_ONLY)],
    "study:archive_zip": [Rule(target="study_year", get=admins(OK), post=GET_ONLY)],
    "study:plan_create": [
        # Last year has no plan: the form; an empty POST lacks the title (400).
        Rule(target="study_last_year", get=admins(OK), post=admins(INVALID)),
        # This year's plan exists: its edit page instead.
        Rule(target="study_year", get=admins(REDIRECT), post=admins(REDIRECT)),
    ],
    "study:plan_update": [Rule(target="study_plan", get=admins(OK), post=admins(OK))],
    "study:topic_create": [Rule(target="study_plan", get=admins(OK), post=admins(OK))],
    "study:topic_update": [Rule(target="study_topic", get=admins(OK), post=admins(OK))],
    "study:topic_delete": [Rule(target="study_topic", get=POST_ONLY, post=DELETED_ONCE)],
    "study:self_study_list": [Rule(get=admins(OK), post=GET_ONLY)],
    "study:self_study_export": [Rule(get=admins(OK), post=GET_ONLY)],
    "study:self_study_create": [Rule(get=admins(OK), post=admins(OK))],
    "study:self_study_update": [Rule(target="study_self_study", get=admins(OK), post=admins(OK))],
    "study:self_study_delete": [Rule(target="study_self_study", get=POST_ONLY, post=DELETED_ONCE)],
    "study:self_study_attachment": [Rule(target="study_self_study", get=admins(OK), post=GET_ONLY)],
}


class Year(int):
    """A year as a path parameter (``pk`` is what the worlds read)."""

    @property
    def pk(self) -> int:
        return int(self)


def add_targets(world) -> None:
    """A leader with a self-study record, this year's plan with a topic; the years the URLs name."""
    from ganxun.roster.models import Unit, home_unit_id
    from ganxun.roster.tests.factories import CadreFactory

    from ..models import PlanTopic, SelfStudy, StudyPlan

    this = dt.date.today().year
    world.study_year, world.study_last_year = Year(this), Year(this - 1)
    world.study_leader = CadreFactory(
        section=world.head_section, name="王局长", leadership_level="division_chief", post="局长"
    )
    world.study_self_study = SelfStudy.objects.create(
        cadre=world.study_leader,
        start_date=dt.date(this, 1, 5),
        title="论党的自我革命",
        pages=40,
        attachment=ContentFile("心得".encode(), name="心得.txt"),
    )
    world.study_plan = StudyPlan.objects.create(unit=Unit.objects.get(pk=home_unit_id()), year=this, title="学习计划")
    world.study_topic = PlanTopic.objects.create(plan=world.study_plan, number=1, topic="人民城市重要理念", month=3)
