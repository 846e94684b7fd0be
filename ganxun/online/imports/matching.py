"""Who a row of a platform's export is: by ID number, by mobile number, by the platform's user name when it is one
of those, or by the name when exactly one cadre in reach bears it (the 单位/部门 column telling namesakes apart).

Cadres are read a batch of rows at a time among those the importing account reaches during the year (a cadre who
left in June is still matched: their figure is then flagged as not in post), so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ganxun.roster.imports.columns import fold
from ganxun.roster.models import Cadre

BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Ref:
    pk: int
    name: str
    id_number: str
    phone: str
    unit_id: int
    unit_name: str
    section_name: str


class Ambiguous(Exception):
    """The row names someone, but who cannot be told (a bad row); ``column`` is the column to blame."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


_FIELDS = ("pk", "name", "id_number", "phone", "unit_id", "unit__name", "section__name")


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")[-11:]


class Matcher:
    def __init__(self, actor, year: int) -> None:
        during = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        self.scope = Cadre.objects.visible_to(actor, during=during) if actor is not None else Cadre.objects.all()
        self.by_id: dict[str, Ref] = {}
        self.by_phone: dict[str, list[Ref]] = defaultdict(list)
        self.by_name: dict[str, list[Ref]] = defaultdict(list)

    def load(self, ids: Iterable[str], phones: Iterable[str], names: Iterable[str]) -> None:
        self.by_id.clear()
        self.by_phone.clear()
        self.by_name.clear()
        ids = [n for n in dict.fromkeys(ids) if n]
        phones = [p for p in dict.fromkeys(phones) if p]
        names = [n for n in dict.fromkeys(names) if n]
        for start in range(0, len(ids), BATCH_SIZE):
            for values in self.scope.filter(id_number__in=ids[start : start + BATCH_SIZE]).values_list(*_FIELDS):
                ref = Ref(*values)
                self.by_id[ref.id_number] = ref
        for start in range(0, len(phones), BATCH_SIZE):
            for values in self.scope.filter(phone__in=phones[start : start + BATCH_SIZE]).values_list(*_FIELDS):
                ref = Ref(*values)
                self.by_phone[_digits(ref.phone)].append(ref)
        for start in range(0, len(names), BATCH_SIZE):
            for values in self.scope.filter(name__in=names[start : start + BATCH_SIZE]).values_list(*_FIELDS):
                ref = Ref(*values)
                self.by_name[fold(ref.name)].append(ref)

    def match(
        self, *, id_number: str, phone: str, name: str, section: str, id_column: str, phone_column: str
    ) -> Ref | None:
        """The cadre, None when not on the roster in reach (unmatched), or Ambiguous."""
        if id_number:
            ref = self.by_id.get(id_number)
            if ref is not None:
                self._same_name(ref, name)
                return ref
            if not phone:
                return None
        if phone:
            found = self.by_phone.get(phone, [])
            if name and len(found) > 1:
                found = [r for r in found if fold(r.name) == fold(name)]
            if len(found) == 1:
                self._same_name(found[0], name)
                return found[0]
            if len(found) > 1:
                raise Ambiguous(phone_column, _("Several cadres have this mobile number; add the ID number column."))
            return None
        if not name:
            raise Ambiguous("name", _("Write the name, the ID number or the mobile number."))
        candidates = self.by_name.get(fold(name), [])
        if len(candidates) > 1 and section:
            wanted = fold(section)
            narrowed = [
                r
                for r in candidates
                if wanted in (fold(r.section_name), fold(r.unit_name))
                or wanted.endswith(fold(r.section_name))
                or fold(r.section_name) in wanted
            ]
            if narrowed:
                candidates = narrowed
        if len(candidates) > 1:
            sections = "、".join(sorted({f"{r.unit_name}{r.section_name}" for r in candidates}))
            raise Ambiguous(
                "name",
                _("%(count)s cadres are named %(name)s (%(sections)s); add the ID number or mobile number column.")
                % {"count": len(candidates), "name": name, "sections": sections},
            )
        return candidates[0] if candidates else None

    @staticmethod
    def _same_name(ref: Ref, name: str) -> None:
        if name and fold(name) != fold(ref.name):
            raise Ambiguous(
                "name", _("The name does not match the roster's (%(name)s) for this number.") % {"name": ref.name}
            )
