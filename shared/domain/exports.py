"""An export of a job's sentences, or of a batch's books: to Google Sheets, or a CSV or
XLSX file to download (a batch: a tab or sheet per book, or a ZIP of CSV files)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.domain.ids import BatchId, ExportId, JobId, TeamId
from shared.domain.jobs import JobError

COLUMNS = ("index", "sentence", "original", "page", "word_count", "method")
HEADERS = {
    "index": "#",
    "sentence": "Phrase",
    "original": "Phrase d'origine",
    "page": "Page",
    "word_count": "Mots",
    "method": "Méthode",
}


class ExportKind(StrEnum):
    GOOGLE_SHEETS = "google_sheets"
    CSV = "csv"
    XLSX = "xlsx"


class ExportStatus(StrEnum):
    PENDING = "pending"  # waiting for its Cloud Task (a large export)
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SheetsOptions:
    spreadsheet_id: str | None = None  # None: a new spreadsheet
    title: str | None = None
    folder_id: str | None = None
    tab: str | None = None
    create_tab: bool = True
    bold_header: bool = True
    header_colour: str | None = "#E8F0FE"
    freeze_header: bool = True
    auto_resize: bool = True
    collaborators: tuple[str, ...] = ()
    anyone_with_link: bool = False


@dataclass(frozen=True, slots=True)
class Export:
    id: ExportId
    owner_uid: str
    job_id: JobId | None  # None for a batch's export
    kind: ExportKind
    columns: tuple[str, ...]
    created_at: datetime
    status: ExportStatus = ExportStatus.PENDING
    indices: tuple[int, ...] | None = None  # a subset of the job's sentences, by index
    sheets: SheetsOptions | None = None
    rows: int = 0
    url: str | None = None  # the spreadsheet, or the file's signed download URL
    finished_at: datetime | None = None
    error: JobError | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # A batch's export: the batch, and the books it holds (those completed when asked).
    batch_id: BatchId | None = None
    job_ids: tuple[JobId, ...] = ()
    team_id: TeamId | None = None  # the space of what it exports
    plan: str = "free"  # the plan it was made under, which usage counts it for

    def changed(self, **changes: object) -> Export:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
