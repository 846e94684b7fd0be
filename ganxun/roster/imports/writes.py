"""Writing a checked roster file: bulk inserts and updates, one audit event per cadre.

The data is what roster.services.cadre_create / cadre_update would write (derived fields filled,
masked snapshots in the audit trail), prepared before the transaction and written in a few statements
per thousand cadres instead of several per cadre.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from ganxun.audit.models import Action, AuditEvent

from ..models import Cadre, Tag
from ..services import CADRE_FIELDS

BATCH_SIZE = 1000


class Snapshots:
    """roster.services.cadre_snapshot for many cadres: the same dict, with the choice labels looked up once.

    (Model.get_FOO_display rebuilds its choice dict on every call, which dominates a large import.)
    """

    def __init__(self) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self.labels = {
                field.name: {value: str(label) for value, label in field.flatchoices}
                for field in Cadre._meta.concrete_fields
                if field.choices
            }

    def take(self, cadre: Cadre, tags: list[str]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for field in CADRE_FIELDS:
            if field == "id_number":
                data[field] = cadre.id_number_masked
            elif field == "phone":
                data[field] = cadre.phone_masked
            elif field == "section":
                data[field] = cadre.section.name if cadre.section_id else None
            else:
                value = getattr(cadre, field)
                labels = self.labels.get(field)
                if labels is not None and value:
                    value = labels.get(value, str(value))
                elif isinstance(value, dt.date):
                    value = value.isoformat()
                data[field] = value
        data["status"] = self.labels["status"].get(cadre.status, str(cadre.status))
        data["tags"] = sorted(tags)
        return data


@dataclass
class Create:
    """A new cadre, its tags and what its creation event keeps."""

    cadre: Cadre
    tags: list[Tag]
    changes: dict[str, Any]


@dataclass
class Update:
    """An existing cadre already changed in memory, and what its update event keeps."""

    cadre: Cadre
    fields: set[str]
    tags: list[Tag] | None  # None: tags unchanged
    changes: dict[str, Any]
    before_updated_at: Any  # as read: the write refuses a cadre edited since


@dataclass
class Author:
    """Who the audit events name."""

    user: Any
    name: str
    ip_address: str | None

    def event(self, action: str, cadre: Cadre, changes: dict[str, Any]) -> AuditEvent:
        """The event audit_record would write for this cadre."""
        return AuditEvent(
            actor=self.user,
            actor_name=self.name,
            action=action,
            object_type=cadre._meta.model_name,
            object_id=str(cadre.pk),
            object_repr=str(cadre)[:200],
            changes=changes,
            ip_address=self.ip_address,
        )


def write_plan(creates: list[Create], updates: list[Update], author: Author) -> None:
    """The bulk inserts and updates of a checked file and one audit event per cadre (inside a transaction)."""
    through = Cadre.tags.through
    events: list[AuditEvent] = []
    if creates:
        new = [c.cadre for c in creates]
        Cadre.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if not connection.features.can_return_rows_from_bulk_insert:
            pks: dict[str, int] = {}
            numbers = [c.id_number for c in new]
            for start in range(0, len(numbers), BATCH_SIZE):
                chunk = numbers[start : start + BATCH_SIZE]
                pks.update(Cadre.objects.filter(id_number__in=chunk).values_list("id_number", "pk"))
            for cadre in new:
                cadre.pk = pks[cadre.id_number]
        through.objects.bulk_create(
            [through(cadre_id=c.cadre.pk, tag_id=t.pk) for c in creates for t in c.tags], batch_size=BATCH_SIZE
        )
        events.extend(author.event(Action.CREATE, c.cadre, c.changes) for c in creates)
    if updates:
        now = timezone.now()
        fields = {"updated_at"}
        for update in updates:
            update.cadre.updated_at = now
            fields |= update.fields
        Cadre.objects.bulk_update([u.cadre for u in updates], sorted(fields), batch_size=BATCH_SIZE)
        retagged = [u for u in updates if u.tags is not None]
        if retagged:
            keys = [u.cadre.pk for u in retagged]
            for start in range(0, len(keys), BATCH_SIZE):
                through.objects.filter(cadre_id__in=keys[start : start + BATCH_SIZE]).delete()
            through.objects.bulk_create(
                [through(cadre_id=u.cadre.pk, tag_id=t.pk) for u in retagged for t in u.tags or []],
                batch_size=BATCH_SIZE,
            )
        events.extend(author.event(Action.UPDATE, u.cadre, u.changes) for u in updates)
    AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
