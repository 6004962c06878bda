"""The batch routes' bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.domain.batches import Batch, BatchStatus
from shared.domain.jobs import Job, JobStatus
from shared.http.schemas import (
    ErrorView,
    Filename,
    SettingsIn,
    SpaceName,
    Strict,
    UploadTarget,
)
from shared.service.batches import BatchFile, BatchReport, NewBook

# The schema's cap; the configured limit (50 by default) is checked by the use case.
SCHEMA_MAX_FILES = 500


class BatchFileIn(Strict):
    filename: Filename
    size_bytes: int = Field(gt=0)
    settings: SettingsIn | None = None  # None: the batch's settings

    def to_domain(self) -> BatchFile:
        return BatchFile(
            self.filename, self.size_bytes, self.settings.to_domain() if self.settings else None
        )


class BatchRequest(Strict):
    name: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")
    files: list[BatchFileIn] = Field(min_length=1, max_length=SCHEMA_MAX_FILES)
    settings: SettingsIn | None = None  # None: the user's saved settings
    space: SpaceName = "me"


class BatchFilesRequest(Strict):
    files: list[BatchFileIn] = Field(min_length=1, max_length=SCHEMA_MAX_FILES)


class BatchListQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=512)
    space: SpaceName = "me"  # or "team:<id>": the team's batches


class BookUpload(BaseModel):
    job_id: str
    filename: str
    upload: UploadTarget


class BookView(BaseModel):
    job_id: str
    filename: str
    status: JobStatus
    pages_done: int
    page_count: int | None
    sentences: int
    error: ErrorView | None

    @classmethod
    def of(cls, job: Job) -> BookView:
        return cls(
            job_id=job.id,
            filename=job.filename,
            status=job.status,
            pages_done=job.pages_done,
            page_count=job.page_count,
            sentences=job.sentence_count,
            error=ErrorView(code=job.error.code, message=job.error.message) if job.error else None,
        )


class BatchSummary(BaseModel):
    batch_id: str
    name: str
    status: BatchStatus
    team_id: str | None
    settings: SettingsIn
    files: int
    ended: int
    failed: int
    created_at: datetime
    open_until: datetime
    completed_at: datetime | None

    @classmethod
    def of(cls, batch: Batch) -> BatchSummary:
        return cls(
            batch_id=batch.id,
            name=batch.name,
            status=batch.status,
            team_id=batch.team_id,
            settings=SettingsIn.of(batch.settings),
            files=batch.file_count,
            ended=batch.ended_count,
            failed=batch.failed_count,
            created_at=batch.created_at,
            open_until=batch.open_until,
            completed_at=batch.completed_at,
        )


class ProgressTotals(BaseModel):
    pages_done: int
    pages_total: int  # of the books whose page count is known (they have arrived)
    sentences: int


class BatchView(BatchSummary):
    by_status: dict[str, int]  # books per job status
    progress: ProgressTotals
    books: list[BookView]
    deleted: list[str]  # books deleted since they were added

    @classmethod
    def of_report(cls, report: BatchReport) -> BatchView:
        pages_done, pages_total = report.pages
        books = {job.id: BookView.of(job) for job in report.books}
        return cls(
            **BatchSummary.of(report.batch).model_dump(),
            by_status=report.by_status,
            progress=ProgressTotals(
                pages_done=pages_done, pages_total=pages_total, sentences=report.sentences
            ),
            books=[books[job_id] for job_id in report.batch.job_ids if job_id in books],
            deleted=list(report.missing),
        )


class BatchCreated(BaseModel):
    batch: BatchSummary
    uploads: list[BookUpload]  # one per file, in the order sent: PUT each file there

    @classmethod
    def of(cls, batch: Batch, books: list[NewBook]) -> BatchCreated:
        return cls(
            batch=BatchSummary.of(batch),
            uploads=[
                BookUpload(
                    job_id=book.job.id,
                    filename=book.job.filename,
                    upload=UploadTarget(
                        url=book.upload.url,
                        method=book.upload.method,
                        headers=dict(book.upload.headers),
                        expires_at=book.upload.expires_at,
                    ),
                )
                for book in books
            ],
        )


class BatchList(BaseModel):
    batches: list[BatchSummary]
    next_cursor: str | None
