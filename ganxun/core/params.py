"""Values read from a query string, made safe to put in a query: ids the database can hold, text without NUL.

Every list filter reads its parameters through these, so that a hand-edited or hostile link
(``?section=99999999999999999999``, ``?section=²``, ``?q=%00``) is ignored like any other value that
names nothing, instead of reaching the database and failing there.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection

# Search text longer than this is cut: nobody types more, and a megabyte of it would go into a LIKE.
TEXT_MAX_LENGTH = 100


def id_from(value: object) -> int | None:
    """A positive id written in ASCII digits that fits the database's integers, else None.

    ``str.isdigit`` alone is not enough: it accepts ² and other scripts' digits, which ``int`` then
    refuses or reads as another number, and SQLite cannot bind an integer beyond 64 bits.
    """
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    _low, high = connection.ops.integer_field_range("BigIntegerField")
    return number if 0 < number <= high else None


def query_id(params: Mapping[str, str], name: str) -> int | None:
    """The id in ``params[name]``, or None when it is missing, not an id or out of the database's range."""
    return id_from(params.get(name))


def query_ids(params, name: str) -> list[int]:
    """Every valid id given for ``name`` (a QueryDict may repeat a key), in order, each once."""
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    return list(dict.fromkeys(number for value in values if (number := id_from(value)) is not None))


def query_text(params: Mapping[str, str], name: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    """Search text: trimmed, cut to ``max_length``, without NUL (PostgreSQL refuses it in a text value)."""
    value = params.get(name)
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").strip()[:max_length].strip()
