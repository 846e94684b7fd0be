"""The lecturer pool (讲师库), audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from ..models import LecturerProfile
from .common import snapshot


@transaction.atomic
def lecturer_save(
    *, actor, lecturer: LecturerProfile, topics=None, before: dict[str, Any] | None = None
) -> LecturerProfile:
    """Add a lecturer to the pool or change one; ``topics`` (TopicModules) replaces what they can teach."""
    creating = lecturer.pk is None
    lecturer.full_clean()
    lecturer.save()
    if topics is not None:
        lecturer.topics.set(topics)
    if creating:
        audit_record(actor=actor, action=Action.CREATE, obj=lecturer, after=snapshot(lecturer))
    else:
        audit_record(actor=actor, action=Action.UPDATE, obj=lecturer, before=before or {}, after=snapshot(lecturer))
    return lecturer
