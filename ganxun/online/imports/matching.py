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
from ganxun.roster.models import Cadre, CadrePeriod, admin_unit_ids

BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Ref:
    pk: int
    name: str
    id_number: str
    phone: str
    unit_id: int
    section_id: int
    unit_name: str
    section_name: str


class Ambiguous(Exception):
    """The row names someone, but who cannot be told (a bad row); ``column`` is the column to blame."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


_FIELDS = ("pk", "name", "id_number", "phone", "unit_id", "section_id", "unit__name", "section__name")


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")[-11:]


class Matcher:
    """The cadres of a batch among those ``actor`` reaches during ``year``, as ``Cadre.objects.visible_to(actor,
    during=…)`` decides, without its subquery over every period in reach (read once per statement, it made a large
    import quadratic): the batch's cadres are read by their numbers, then kept when their unit (a section head:
    their 科室) is in reach, or, rarely, when a period of service in reach overlaps the year."""

    def __init__(self, actor, year: int) -> None:
        self.during = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        self.everyone = actor is None
        self.units: set[int] | None = None
        self.section: int | None = None
        self.own: int | None = None
        if actor is not None and actor.is_authenticated and actor.is_active:
            if actor.is_admin:
                units = admin_unit_ids(actor)
                self.everyone = units is None
                self.units = set(units.values_list("pk", flat=True)) if units is not None else None
            elif actor.is_section_head and actor.section_id_scope is not None:
                self.section = actor.section_id_scope
            else:
                self.own = actor.cadre_id
        self.by_id: dict[str, Ref] = {}
        self.by_phone: dict[str, list[Ref]] = defaultdict(list)
        self.by_name: dict[str, list[Ref]] = defaultdict(list)

    def _in_reach(self, refs: list[Ref]) -> list[Ref]:
        if self.everyone:
            return refs
        if self.units is None and self.section is None:
            return [r for r in refs if self.own is not None and r.pk == self.own]
        if self.units is not None:
            inside = [r for r in refs if r.unit_id in self.units]
        else:
            inside = [r for r in refs if r.section_id == self.section]
        kept = {r.pk for r in inside}
        outside = [r.pk for r in refs if r.pk not in kept]
        if outside:
            periods = CadrePeriod.objects.overlapping(*self.during).filter(cadre_id__in=outside)
            if self.units is not None:
                periods = periods.filter(unit_id__in=self.units)
            else:
                periods = periods.filter(section_id=self.section)
            served = set(periods.values_list("cadre_id", flat=True))
            inside += [r for r in refs if r.pk in served]
        return inside

    def _read(self, lookup: str, values: list[str]) -> list[Ref]:
        found: list[Ref] = []
        for start in range(0, len(values), BATCH_SIZE):
            chunk = values[start : start + BATCH_SIZE]
            found += [Ref(*row) for row in Cadre.objects.filter(**{lookup: chunk}).values_list(*_FIELDS)]
        return self._in_reach(found)

    def load(self, ids: Iterable[str], phones: Iterable[str], names: Iterable[str]) -> None:
        self.by_id.clear()
        self.by_phone.clear()
        self.by_name.clear()
        ids = [n for n in dict.fromkeys(ids) if n]
        phones = [p for p in dict.fromkeys(phones) if p]
        names = [n for n in dict.fromkeys(names) if n]
        for ref in self._read("id_number__in", ids):
            self.by_id[ref.id_number] = ref
        for ref in self._read("phone__in", phones):
            self.by_phone[_digits(ref.phone)].append(ref)
        for ref in self._read("name__in", names):
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
