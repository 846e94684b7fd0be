"""The places a list names, found in the register by their normalised names, or planned as new ones.

The register is small (the streets, committees, estates and sites a bureau serves), so it is read once.  A name
is looked up by kind and normalised name ("长白一村 居委" is "长白一村居委"); a place merged into another leads to
the place kept.  Where several places share kind and name, the one under the row's parent is taken.  A name not
in the register becomes a new place, created (through the place service) only when the import is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..models import PARENT_KINDS, Place
from ..services.places import normalise, place_create


@dataclass(eq=False)
class NewPlace:
    """A place the import will add to the register."""

    name: str
    kind: str
    parent: Place | NewPlace | None
    place: Place | None = field(default=None)  # once created

    @property
    def pk(self) -> int | None:
        return self.place.pk if self.place is not None else None

    @property
    def full_name(self) -> str:
        return f"{self.parent.full_name} {self.name}" if self.parent is not None else self.name

    def __str__(self) -> str:
        return self.name


class PlaceResolver:
    """Finds or plans the places of a file's rows; creates the planned ones when the import is written."""

    def __init__(self) -> None:
        self.by_kind: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self.by_name: dict[str, list[Place]] = defaultdict(list)
        places = {p.pk: p for p in Place.objects.select_related("parent")}
        for place in places.values():
            kept = place
            hops = 0
            while kept.merged_into_id is not None and hops < 20:
                kept = places[kept.merged_into_id]
                hops += 1
            self.by_kind[(place.kind, place.normalised_name)].append(kept)
            self.by_name[place.normalised_name].append(kept)
        self.planned: dict[tuple[str, str, int], NewPlace] = {}
        self.new: list[NewPlace] = []

    def find(self, name: str, kind: str | None, parent: Place | NewPlace | None) -> Place | NewPlace:
        """The place of that name (and kind, when known) in the register, or a planned new one of ``kind``."""
        key = normalise(name)
        found = _distinct(self.by_kind.get((kind, key), []) if kind else self.by_name.get(key, []))
        if len(found) > 1 and parent is not None:
            under = [p for p in found if p.parent_id is not None and p.parent_id == parent.pk]
            found = under or found
        if found:
            return found[0]
        assert kind is not None
        if parent is not None and kind not in ("", None) and parent.kind not in PARENT_KINDS.get(kind, frozenset()):
            parent = None  # a street given for a place that does not stand under one
        planned_key = (kind, key, id(parent))
        if planned_key not in self.planned:
            self.planned[planned_key] = NewPlace(name.strip(), kind, parent)
            self.new.append(self.planned[planned_key])
        return self.planned[planned_key]

    def create(self, actor) -> None:
        """Create the planned places, parents first (they were planned before their children)."""
        for new in self.new:
            parent = new.parent.place if isinstance(new.parent, NewPlace) else new.parent
            new.place = place_create(actor=actor, name=new.name, kind=new.kind, parent=parent)


def resolved(place: Place | NewPlace) -> Place:
    """The saved place (a planned one once created)."""
    if isinstance(place, NewPlace):
        assert place.place is not None
        return place.place
    return place


def _distinct(places: list[Place]) -> list[Place]:
    return list({p.pk: p for p in places}.values())
