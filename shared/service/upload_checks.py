"""What the storage trigger checks of an upload before its job may be queued: its size,
malware (every upload is scanned, nothing goes on unscanned), that it is a readable PDF
with a book's text in it, and what active content it holds. What the text engine learns
of the whole book is kept for the chunks."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shared.domain.errors import (
    ActiveContent,
    FileTooLarge,
    NoTextLayer,
    PdfError,
    PlanLimitExceeded,
    UploadInfected,
)
from shared.domain.jobs import Job, JobError
from shared.domain.plans import plan_of
from shared.service.chunk_books import save_reading
from shared.service.deps import Deps
from shared.text.active_content import find_active_content
from shared.text.learning import learn_pages, read_pages
from shared.text.pdf_source import PdfBook, open_pdf
from shared.text.pipeline import check_text_layer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FinalizedObject:
    """The fields of a `google.cloud.storage.object.v1.finalized` event used here."""

    bucket: str
    name: str
    generation: int
    size: int


@dataclass(frozen=True, slots=True)
class Inspection:
    problem: JobError | None = None  # why the upload cannot be this job's book
    infected: bool = False  # the problem is malware: the file goes to quarantine
    page_count: int = 0
    active_content: tuple[str, ...] = ()


def inspect_upload(deps: Deps, job: Job, upload: FinalizedObject) -> Inspection:
    """Raises ScannerUnavailable (the upload waits) and transient storage errors."""
    limit = min(job.size_bytes, deps.limits.max_upload_bytes)
    if upload.size > limit:
        message = f"The upload is {upload.size} bytes, more than the {limit} bytes announced."
        return Inspection(JobError(FileTooLarge.code, message))
    verdict = deps.scanner.scan(upload.bucket, upload.name, upload.generation)
    if verdict.infected:
        log.warning("upload infected: %s", verdict.signature, extra={"job_id": job.id})
        message = f"The file contains malware ({verdict.signature}); it was quarantined."
        return Inspection(JobError(UploadInfected.code, message), infected=True)
    data = deps.store.read(upload.name, upload.generation)
    try:
        book = open_pdf(data, max_pages=deps.limits.max_pages)
        plan = deps.limits.plan(job.plan)
        plan.check(plan_of(job.plan), "pages_per_book", plan.pages_per_book, book.page_count)
        active = find_active_content(book.reader)
        if active and deps.limits.refuse_active_content:
            raise ActiveContent(
                f"The PDF holds active content ({', '.join(active)}), which is refused here;"
                " print it to a plain PDF and upload that."
            )
        printed = _printed(book, deps.engines.for_job(job).reads_scans)
        # Learned once from the whole book, so that every chunk cleans its pages as the
        # whole book would be cleaned (headers, notes, matter pages, line-end hyphens);
        # the pages cleaned on the way are kept for the chunks.
        reading = learn_pages(read_pages(book)) if printed else None
    except (PdfError, PlanLimitExceeded) as error:
        cause = type(error.__cause__).__name__ if error.__cause__ else "-"
        log.info("upload refused: %s (cause %s)", error.code, cause, extra={"job_id": job.id})
        return Inspection(JobError(error.code, error.message))
    if reading is not None:
        save_reading(deps, job, upload.generation, *reading)
    return Inspection(page_count=book.page_count, active_content=active)


def _printed(book: PdfBook, reads_scans: bool) -> bool:
    """Whether the book has a text layer; without one, only an engine that reads page
    images (Gemini transcribes a scan chunk by chunk) may take it."""
    try:
        check_text_layer(book)
    except NoTextLayer:
        if reads_scans:
            return False
        raise
    return True
