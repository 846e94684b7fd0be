"""The study record's pages: the years, a year's archive (page, Word, zip), the leaders' self-study, the plan.

Who: administrators and 领导干部 (``models.may_read_archive``) read the archive of their unit (an administrator
may pick a unit they reach); a leader enters and corrects their own self-study, an administrator those of the
leaders they reach; the plan is the administrators'.  A 科室负责人 or a cadre who is no leader is refused (403)
before anything is looked up; a record outside one's reach is a 404.
"""

from .archive import archive, archive_docx_view, archive_zip, index
from .plans import PlanUpdateView, TopicCreateView, TopicUpdateView, plan_create, topic_delete
from .self_study import (
    SelfStudyCreateView,
    SelfStudyUpdateView,
    self_study_attachment,
    self_study_delete,
    self_study_export,
    self_study_list,
)

__all__ = [
    "PlanUpdateView",
    "SelfStudyCreateView",
    "SelfStudyUpdateView",
    "TopicCreateView",
    "TopicUpdateView",
    "archive",
    "archive_docx_view",
    "archive_zip",
    "index",
    "plan_create",
    "self_study_attachment",
    "self_study_delete",
    "self_study_export",
    "self_study_list",
    "topic_delete",
]
