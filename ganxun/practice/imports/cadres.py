"""Who a row of a practice list means: the cadre of its ID number, or of its name when the name is unique.

Cadres are looked up among those the importing account reaches (an administrator's units, a section head's
科室; the command without an account: every unit), a batch of rows at a time, so that a list of thousands of
rows costs a few queries.  A name alone is enough when exactly one cadre in reach bears it (the 科室 column,
when the file has one, tells namesakes apart); an unknown or ambiguous name is the row's error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ganxun.roster.imports.columns import fold
from ganxun.roster.models import PARTY_MEMBER_STATUSES, Cadre

BATCH_SIZE = 1000


@dataclass(frozen=True)
class CadreRef:
    """What an import needs of a cadre, without loading the whole row."""

    pk: int
    name: str
    id_number: str
    section_id: int
    section_name: str
    unit_id: int
    political_status: str

    @property
    def party_member(self) -> bool:
        return self.political_status in PARTY_MEMBER_STATUSES


class CadreNotFound(Exception):
    """The row's cadre cannot be told; ``column`` is the column to blame (id_number, name or section)."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


_FIELDS = ("pk", "name", "id_number", "section_id", "section__name", "unit_id", "political_status")


class CadreMatcher:
    """Finds the cadres of a batch of rows among those ``actor`` reaches (``None``: every cadre)."""

    def __init__(self, actor=None) -> None:
        self.scope = Cadre.objects.visible_to(actor) if actor is not None else Cadre.objects.all()
        self.by_id: dict[str, CadreRef] = {}
        self.by_name: dict[str, list[CadreRef]] = defaultdict(list)

    def load(self, id_numbers: Iterable[str], names: Iterable[str]) -> None:
        """Fetch the cadres of a batch's ID numbers and names (those of the batch before are let go: memory stays
        flat however long the file)."""
        self.by_id.clear()
        self.by_name.clear()
        wanted = [n for n in dict.fromkeys(id_numbers) if n]
        for start in range(0, len(wanted), BATCH_SIZE):
            for values in self.scope.filter(id_number__in=wanted[start : start + BATCH_SIZE]).values_list(*_FIELDS):
                ref = CadreRef(*values)
                self.by_id[ref.id_number] = ref
        names = [n for n in dict.fromkeys(names) if n]
        for start in range(0, len(names), BATCH_SIZE):
            chunk = names[start : start + BATCH_SIZE]
            for values in self.scope.filter(name__in=chunk).values_list(*_FIELDS):
                ref = CadreRef(*values)
                self.by_name[fold(ref.name)].append(ref)

    def match(self, *, id_number: str, name: str, section: str = "") -> CadreRef:
        """The cadre of an ID number (the name, when given, must agree) or of a name unique in reach."""
        if id_number:
            ref = self.by_id.get(id_number)
            if ref is None:
                raise CadreNotFound("id_number", _("No cadre with this ID number is on the roster you manage."))
            if name and fold(name) != fold(ref.name):
                raise CadreNotFound(
                    "name",
                    _("The name does not match the ID number (the roster says %(name)s).") % {"name": ref.name},
                )
            return ref
        if not name:
            raise CadreNotFound("name", _("Write the name or the ID number."))
        candidates = self.by_name.get(fold(name), [])
        if not candidates:
            raise CadreNotFound("name", _("No cadre named %(name)s is on the roster you manage.") % {"name": name})
        if len(candidates) > 1 and section:
            in_section = [c for c in candidates if fold(c.section_name) == fold(section)]
            if len(in_section) == 1:
                return in_section[0]
            if not in_section:
                raise CadreNotFound(
                    "section",
                    _("No cadre named %(name)s is in the section %(section)s.") % {"name": name, "section": section},
                )
        if len(candidates) > 1:
            sections = "、".join(sorted({c.section_name for c in candidates}))
            raise CadreNotFound(
                "name",
                _("%(count)s cadres are named %(name)s (%(sections)s); add the ID number column to tell them apart.")
                % {"count": len(candidates), "name": name, "sections": sections},
            )
        return candidates[0]
