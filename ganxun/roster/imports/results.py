"""What an import reports: each bad cell as 第N行 列名: 原因, the counts, the changes and a sample of the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A column the file does not have sorts after every column it has.
NOT_IN_FILE = 1 << 20


@dataclass
class RowError:
    """One bad cell, shown as 第N行 列名: 原因 (N is the row number Excel shows)."""

    row: int
    column: str
    reason: str
    position: int = NOT_IN_FILE  # the column's place in the file, for sorting

    def __str__(self) -> str:
        return _("Row %(row)s %(column)s: %(reason)s") % {"row": self.row, "column": self.column, "reason": self.reason}

    @property
    def order(self) -> tuple[int, int]:
        return (self.row, self.position)


class ErrorList:
    """The errors of a file in row order, then the file's column order, keeping at most ``limit``.

    Errors do not arrive in that order (a row's cells are read before its checks against the roster,
    a batch at a time), so the list is kept sorted rather than trusted.
    """

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.count = 0
        self._errors: list[RowError] = []

    def add(self, error: RowError) -> None:
        self.count += 1
        self._errors.append(error)
        if self.limit is not None and len(self._errors) >= 2 * self.limit + 100:
            self._trim()

    def _trim(self) -> None:
        self._errors.sort(key=lambda e: e.order)
        if self.limit is not None:
            del self._errors[self.limit :]

    def sorted(self) -> list[RowError]:
        self._trim()
        return list(self._errors)


@dataclass
class FieldChange:
    """One field of an existing cadre that the file changes, as the preview shows it (ID and phone masked)."""

    column: str
    before: str
    after: str


@dataclass
class CadreChange:
    """An existing cadre the file updates, and what changes."""

    row: int
    name: str
    id_number: str  # masked
    fields: list[FieldChange]

    def __str__(self) -> str:
        changes = "；".join(f"{c.column} {c.before or '—'} → {c.after or '—'}" for c in self.fields)
        return _("Row %(row)s %(name)s (%(id_number)s): %(changes)s") % {
            "row": self.row,
            "name": self.name,
            "id_number": self.id_number,
            "changes": changes,
        }


@dataclass
class SampleRow:
    row: int
    action: str  # created / updated / unchanged
    name: str
    id_number: str  # masked
    section: str


@dataclass
class ImportResult:
    """What an import found (preview) or did (confirm)."""

    file_name: str
    header_row: int = 0
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    section_column: str = ""
    section_position: int = NOT_IN_FILE
    rows: int = 0
    skipped_rows: list[int] = field(default_factory=list)  # 合计 and sign-off lines under the table
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    unknown_sections: dict[str, list[int]] = field(default_factory=dict)
    changes: list[CadreChange] = field(default_factory=list)
    sample: list[SampleRow] = field(default_factory=list)
    written: bool = False
    as_of: dt.date | None = None  # the day the changes to dated fields take effect
    write_seconds: float = 0.0  # how long the write transaction took (and, on SQLite, held the write lock)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def changes_not_shown(self) -> int:
        return max(self.updated - len(self.changes), 0)

    def section_errors(self) -> list[RowError]:
        """The rows naming a 科室 that does not exist, as row errors (for the command)."""
        return [
            RowError(
                row, self.section_column, _("There is no section “%(name)s”.") % {"name": name}, self.section_position
            )
            for name, rows in self.unknown_sections.items()
            for row in rows
        ]

    def all_errors(self, *, with_sections: bool) -> list[RowError]:
        """Every error to print, in row order and then the file's column order."""
        errors = self.errors + (self.section_errors() if with_sections else [])
        return sorted(errors, key=lambda e: e.order)

    @property
    def counts(self) -> str:
        return f"created={self.created} updated={self.updated} unchanged={self.unchanged}"
