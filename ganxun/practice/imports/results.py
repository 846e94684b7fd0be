"""What a practice import reports: the bad cells (第N行 列名: 原因), the counts, a sample and the changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from ganxun.roster.imports.results import RowError


@dataclass
class SampleRow:
    """A row as the preview lists it."""

    row: int
    action: str  # created / updated / unchanged
    name: str
    id_number: str  # masked
    what: str  # the record in a few words: place and dates, team and role …


@dataclass
class RowChange:
    """A record already there that the file changes: which fields, before → after."""

    row: int
    name: str
    what: str
    fields: list[tuple[str, str, str]]  # (column, before, after)

    @property
    def text(self) -> str:
        """张伟 长白一村居委 2022-04-01–2022-05-31：结束日期 2022-05-31 → 2022-06-15"""
        changes = "；".join(f"{column} {before or '—'} → {after or '—'}" for column, before, after in self.fields)
        return f"{self.name} {self.what}：{changes}"


@dataclass
class PracticeImportResult:
    """What a practice list would do (preview) or did (import)."""

    file_name: str
    kind: str
    header_row: int = 0
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    skipped_rows: list[int] = field(default_factory=list)  # 合计 and sign-off lines under the table
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    sample: list[SampleRow] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    new_places: list[str] = field(default_factory=list)  # places the import adds to the register
    campaign: str = ""  # the campaign (deployments) or team (team lists) the rows go to
    team: str = ""
    created_group: str = ""  # the campaign or team the import creates, with its period, for the messages
    widened_group: str = ""  # an existing campaign or team whose dates the rows widen
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def counts(self) -> str:
        return f"created={self.created} updated={self.updated} unchanged={self.unchanged}"
