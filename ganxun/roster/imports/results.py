"""What an import reports: each bad cell as 第N行 列名: 原因, the counts, and a sample of the rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class RowError:
    """One bad cell, shown as 第N行 列名: 原因 (N is the row number Excel shows)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("Row %(row)s %(column)s: %(reason)s") % {"row": self.row, "column": self.column, "reason": self.reason}


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
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    unknown_sections: dict[str, list[int]] = field(default_factory=dict)
    sample: list[SampleRow] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    def section_errors(self) -> list[RowError]:
        """The rows naming a 科室 that does not exist, as row errors (for the command)."""
        return sorted(
            (
                RowError(row, self.section_column, _("There is no section “%(name)s”.") % {"name": name})
                for name, rows in self.unknown_sections.items()
                for row in rows
            ),
            key=lambda e: e.row,
        )

    @property
    def counts(self) -> str:
        return f"created={self.created} updated={self.updated} unchanged={self.unchanged}"
