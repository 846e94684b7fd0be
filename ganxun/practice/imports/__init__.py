"""The practice lists from Excel (deployments, community reporting, team members, secondments).

``practice_import`` checks a workbook (the preview, ``--dry-run``) or imports it, all rows or none; the web page
and ``manage.py import_practice`` both call it.  ``template_workbook`` is the template of each kind.
"""

from __future__ import annotations

from pathlib import Path

from ganxun.core.collector import paused_collection

from .columns import COLUMNS, DEPLOYMENT, KINDS, Column
from .engine import KIND_LABELS
from .kinds import KINDS as IMPORTS
from .results import PracticeImportResult, RowChange, SampleRow
from .template import template_workbook

__all__ = [
    "COLUMNS",
    "DEPLOYMENT",
    "KINDS",
    "KIND_LABELS",
    "Column",
    "PracticeImportResult",
    "RowChange",
    "SampleRow",
    "practice_import",
    "template_workbook",
]


@paused_collection()  # the rows, records and events of a whole list live until it is written (core/collector.py)
def practice_import(
    path: Path,
    *,
    kind: str,
    file_name: str,
    actor=None,
    actor_name: str = "",
    campaign: str = "",
    team: str = "",
    write: bool = False,
    max_errors: int | None = 500,
    max_changes: int | None = 200,
    ip_address: str | None = None,
) -> PracticeImportResult:
    """Check (``write=False``) or import a practice list of ``kind``; ExcelFileError for an unusable file.

    Deployments go to the campaign named ``campaign`` and team members to the team named ``team``; either is
    created with the import when it does not exist yet (its period from the rows).
    """
    job = IMPORTS[kind](
        file_name=file_name,
        actor=actor,
        actor_name=actor_name,
        ip_address=ip_address,
        max_errors=max_errors,
        max_changes=max_changes,
        group_name=campaign if kind == DEPLOYMENT else team,
        writing=write,
    )
    job.read(path)  # an import that streams writes as it reads
    if write and job.result.ok and not job.streams:
        job.write()
    return job.result
