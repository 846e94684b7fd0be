"""Writing a checked batch of the roster: bulk inserts and updates, one audit event per cadre.

The data is what roster.services.cadre_create / cadre_update would write (derived fields filled,
masked snapshots in the audit trail), in a few statements per batch instead of several per cadre.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from ganxun.audit.models import Action, AuditEvent
from ganxun.audit.services import changed_fields

from ..models import Cadre, Tag
from ..services import cadre_snapshot

BATCH_SIZE = 1000


@dataclass
class Update:
    """An existing cadre already changed in memory, with its audit snapshots."""

    cadre: Cadre
    before: dict[str, Any]
    after: dict[str, Any]
    fields: set[str]
    tags: list[Tag] | None  # None: tags unchanged


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


def write_batch(creates: list[tuple[Cadre, list[Tag]]], updates: list[Update], author: Author) -> None:
    through = Cadre.tags.through
    events: list[AuditEvent] = []
    if creates:
        new = [cadre for cadre, _tags in creates]
        Cadre.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if not connection.features.can_return_rows_from_bulk_insert:
            pks = dict(Cadre.objects.filter(id_number__in=[c.id_number for c in new]).values_list("id_number", "pk"))
            for cadre in new:
                cadre.pk = pks[cadre.id_number]
        through.objects.bulk_create(
            [through(cadre_id=c.pk, tag_id=t.pk) for c, tags in creates for t in tags], batch_size=BATCH_SIZE
        )
        for cadre, tags in creates:
            after = cadre_snapshot(cadre)
            after["tags"] = sorted(t.name for t in tags)
            # As audit_record keeps a creation: the values that are set.
            changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [])}
            events.append(author.event(Action.CREATE, cadre, changes))
    if updates:
        now = timezone.now()
        fields = {"updated_at"}
        for update in updates:
            update.cadre.updated_at = now
            fields |= update.fields
        Cadre.objects.bulk_update([u.cadre for u in updates], sorted(fields), batch_size=BATCH_SIZE)
        retagged = [u for u in updates if u.tags is not None]
        if retagged:
            through.objects.filter(cadre_id__in=[u.cadre.pk for u in retagged]).delete()
            through.objects.bulk_create(
                [through(cadre_id=u.cadre.pk, tag_id=t.pk) for u in retagged for t in u.tags or []],
                batch_size=BATCH_SIZE,
            )
        for update in updates:
            events.append(author.event(Action.UPDATE, update.cadre, changed_fields(update.before, update.after)))
    AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
