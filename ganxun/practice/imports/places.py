"""The places a list names: found in the register by the place services (normalised names, merged places
followed to the place kept), or planned as new ones and created only when the import is written.

A file names few distinct places however many rows it has, so each (name, kind, parent) is looked up once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from ganxun.roster.imports.columns import CellError

from ..models import PARENT_KINDS, Place
from ..services.places import normalise, place_find, place_get_or_create, tidy
from . import vocabulary


@dataclass(eq=False)
class NewPlace:
    """A place the import will add to the register."""

    name: str
    kind: str
    parent: Place | NewPlace | None
    place: Place | None = field(default=None)  # once created
    number: int = 0  # its number in a record's identity (``place_key``)

    @property
    def pk(self) -> int | None:
        return self.place.pk if self.place is not None else None

    @property
    def full_name(self) -> str:
        return f"{self.parent.full_name} {self.name}" if self.parent is not None else self.name


class PlaceResolver:
    """Finds or plans the places of a file's rows; creates the planned ones when the import is written."""

    def __init__(self) -> None:
        self.cache: dict[tuple, Place | NewPlace] = {}
        self.kinds: dict[str, str | None] = {}
        self.new: list[NewPlace] = []

    def find(self, name: str, kind: str, parent: Place | NewPlace | None = None) -> Place | NewPlace:
        """The place of that spelling, kind and parent (``place_find``), or a planned new one.

        CellError when the register holds several places of that name and nothing tells which.
        """
        if parent is not None and parent.kind not in PARENT_KINDS.get(kind, frozenset()):
            parent = None  # e.g. a street given for an airport: not where the register keeps it
        key = (kind, normalise(name), id(parent) if isinstance(parent, NewPlace) else getattr(parent, "pk", None))
        if key not in self.cache:
            found = None
            if not isinstance(parent, NewPlace):
                try:
                    found = place_find(name, kind, parent)
                except ValidationError as exc:
                    raise CellError("；".join(exc.messages)) from exc
            if found is None:
                found = NewPlace(written(name), kind, parent, number=NEW_PLACES_FROM + len(self.new))
                self.new.append(found)
            self.cache[key] = found
        return self.cache[key]

    def kind_of(self, name: str) -> str:
        """The kind of a place written without its kind: the register's, when it holds the name under one kind
        only; else what the name says (…居委, …小区, …机场, …隔离点 …), 其他 when it says nothing."""
        key = normalise(name)
        if key not in self.kinds:
            kinds = set(Place.objects.live().filter(normalised_name=key).values_list("kind", flat=True)[:2])
            self.kinds[key] = kinds.pop() if len(kinds) == 1 else vocabulary.place_kind_of_name(key)
        return self.kinds[key]

    def create(self, actor) -> None:
        """Create the planned places, parents first (a parent is always planned before its children)."""
        for new in self.new:
            if new.place is not None:
                continue  # created with an earlier batch
            parent = new.parent.place if isinstance(new.parent, NewPlace) else new.parent
            new.place, _created = place_get_or_create(actor=actor, name=new.name, kind=new.kind, parent=parent)


def written(name: str) -> str:
    """A new place's name as the register keeps it: tidied, and without the spaces that pad Chinese words
    (长白二村 居委 is 长白二村居委); spaces between Latin words stay."""
    return _PADDING.sub("", tidy(name))


_PADDING = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def resolved(place: Place | NewPlace) -> Place:
    """The saved place (a planned one once created)."""
    if isinstance(place, NewPlace):
        assert place.place is not None
        return place.place
    return place


# A place's number in a record's identity: its key, or for a place still to be created a number above any key.
NEW_PLACES_FROM = 1 << 22


def place_key(place: Place | NewPlace) -> int:
    return place.number if isinstance(place, NewPlace) else place.pk
