"""Writing a checked roster file: prepared inserts and updates, one audit event per cadre.

The data is what roster.services.cadre_create / cadre_update would write (derived fields filled,
masked snapshots in the audit trail).  Every statement's SQL is built and every value converted for
the database while the file is read, before the transaction; inside it only ``executemany`` runs, a
thousand rows a call, so that the write lock is held for the writing alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import translation

from ganxun.audit.models import AuditEvent

from ..models import Cadre
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
                # A section this import creates has no key yet, but the cadre holds it.
                data[field] = cadre.section.name if cadre.section_id or cadre.section else None
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


class PreparedRows:
    """Rows for one INSERT or UPDATE statement of a model, converted for the database ahead of the write.

    An insert covers every concrete field but the key, with the values (and defaults) of a model
    instance, as Model.save would write them; an update sets ``update_fields`` where the key matches.
    """

    def __init__(self, model: type[models.Model], update_fields: Sequence[str] | None = None) -> None:
        opts = model._meta
        quote = connection.ops.quote_name
        self.update = update_fields is not None
        if update_fields is None:
            self.fields = [f for f in opts.concrete_fields if not f.primary_key and not f.generated]
            self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
                quote(opts.db_table),
                ", ".join(quote(f.column) for f in self.fields),
                ", ".join(["%s"] * len(self.fields)),
            )
        else:
            self.fields = [opts.get_field(name) for name in update_fields]
            self.sql = "UPDATE {} SET {} WHERE {} = %s".format(
                quote(opts.db_table),
                ", ".join(f"{quote(f.column)} = %s" for f in self.fields),
                quote(opts.pk.column),
            )
        self.positions = {f.name: i for i, f in enumerate(self.fields)}
        self.rows: list[list[Any]] = []

    def add(self, obj: models.Model) -> list[Any]:
        """The instance's row, its values as the database takes them (auto_now fields filled)."""
        add = not self.update
        row = [f.get_db_prep_save(f.pre_save(obj, add), connection) for f in self.fields]
        if self.update:
            row.append(obj.pk)
        self.rows.append(row)
        return row

    def set(self, row: list[Any], field: str, value: Any) -> None:
        """Fill in a value known only inside the transaction (the key of a row just inserted)."""
        row[self.positions[field]] = self.fields[self.positions[field]].get_db_prep_save(value, connection)

    def execute(self) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(self.rows), BATCH_SIZE):
                cursor.executemany(self.sql, self.rows[start : start + BATCH_SIZE])
