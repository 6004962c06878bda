"""Batches: many books uploaded together, each an ordinary job carrying the batch's id.

Creating a batch (or adding files to it) makes one job and one signed upload URL per
file, each with its own expiry task, exactly as a single upload does: everything that
works for a job works for a book of a batch, and a file that never arrives expires
alone. The jobs are stored before the batch names them; if a step fails, the jobs made
so far are removed again, so a batch never names a job that does not exist.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.batches import Batch, BatchStatus
from shared.domain.errors import (
    AppError,
    BatchNotFound,
    BatchTooLarge,
    InvalidInput,
    InvalidTransition,
)
from shared.domain.ids import BatchId, JobId, TeamId
from shared.domain.jobs import Job, JobSettings, JobStatus
from shared.domain.plans import FREE
from shared.domain.teams import Action
from shared.service.access import allowed, member_team
from shared.service.batch_progress import update_batch
from shared.service.cursors import decode_cursor, paged
from shared.service.deps import Deps
from shared.service.job_endings import end_job
from shared.service.plan_checks import admit_books, settings_within_plan
from shared.service.ports import BatchCursor, SignedUpload
from shared.service.spaces import Space
from shared.service.uploads import NewUpload, check_size, expiry_task, new_job, signed_upload

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class BatchFile:
    filename: str
    size_bytes: int
    settings: JobSettings | None = None  # None: the batch's


@dataclass(frozen=True, slots=True)
class NewBook:
    job: Job
    upload: SignedUpload


@dataclass(frozen=True, slots=True)
class BatchReport:
    """A batch as it stands, with each of its books."""

    batch: Batch
    books: list[Job]
    missing: list[JobId]  # books deleted since

    @property
    def by_status(self) -> dict[str, int]:
        counts = Counter(str(job.status) for job in self.books)
        return {str(status): counts.get(str(status), 0) for status in JobStatus}

    @property
    def pages(self) -> tuple[int, int]:
        """Pages done, and pages known (a book's count is known once it has arrived)."""
        return (
            sum(job.pages_done for job in self.books),
            sum(job.page_count or 0 for job in self.books),
        )

    @property
    def sentences(self) -> int:
        return sum(job.sentence_count for job in self.books)


def create_batch(
    deps: Deps,
    owner_uid: str,
    name: str,
    files: Sequence[BatchFile],
    settings: JobSettings,
    *,
    plan: str = FREE,
    team_id: TeamId | None = None,
) -> tuple[Batch, list[NewBook]]:
    _check_count(deps, 0, len(files))
    space = Space.of(deps, owner_uid, team_id, plan)
    batch_id = BatchId.new()
    books = _new_books(deps, space, batch_id, files, settings, len(files))
    now = deps.clock()
    batch = Batch(
        id=batch_id,
        owner_uid=owner_uid,
        name=name,
        status=BatchStatus.OPEN,
        settings=settings,
        created_at=now,
        updated_at=now,
        open_until=_open_until(books),
        job_ids=tuple(book.job.id for book in books),
        team_id=space.team_id,
    )
    try:
        deps.batches.add(batch)
    except Exception:
        _discard(deps, books)
        raise
    return batch, books


def add_files(
    deps: Deps,
    owner_uid: str,
    batch_id: BatchId,
    files: Sequence[BatchFile],
    *,
    plan: str = FREE,
) -> tuple[Batch, list[NewBook]]:
    batch = batch_for(deps, owner_uid, batch_id, Action.CREATE)
    now = deps.clock()
    batch.check_open(now)
    _check_count(deps, batch.file_count, len(files))
    space = Space.of(deps, owner_uid, batch.team_id, plan)
    total = batch.file_count + len(files)
    books = _new_books(deps, space, batch.id, files, batch.settings, total)
    job_ids = tuple(book.job.id for book in books)

    def add(current: Batch) -> Batch:
        _check_count(deps, current.file_count, len(files))
        return current.with_files(now, job_ids, _open_until(books))

    try:
        stored, _ = update_batch(deps, batch.id, add)
    except Exception:
        _discard(deps, books)
        raise
    return stored, books


def batch_for(deps: Deps, uid: str, batch_id: BatchId, action: Action = Action.READ) -> Batch:
    """The batch, if `uid` may do `action` to it (see `access`)."""
    return allowed(
        deps,
        uid,
        action,
        deps.batches.get(batch_id),
        lambda batch: batch.owner_uid,
        lambda batch: batch.team_id,
        lambda: BatchNotFound("No such batch.", details={"batch_id": batch_id}),
    )


def batch_report(deps: Deps, owner_uid: str, batch_id: BatchId) -> BatchReport:
    batch = batch_for(deps, owner_uid, batch_id)
    now = deps.clock()
    books = [job.seen_at(now) for job in deps.jobs.get_many(batch.job_ids)]
    found = {job.id for job in books}
    missing = [job_id for job_id in batch.job_ids if job_id not in found]
    return BatchReport(batch.seen_at(now), books, missing)


def list_batches(
    deps: Deps, owner_uid: str, limit: int, cursor: str | None, team_id: TeamId | None = None
) -> tuple[list[Batch], str | None]:
    """The batches the user made (in any space), or with `team_id` the team's (members)."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
    after = BatchCursor(*decode_cursor(cursor, BatchId)) if cursor else None
    now = deps.clock()
    if team_id is not None:
        member_team(deps, owner_uid, team_id)
        found = deps.batches.list_for_team(team_id, limit + 1, after)
    else:
        found = deps.batches.list_for_owner(owner_uid, limit + 1, after)
    return paged([batch.seen_at(now) for batch in found], limit)


def cancel_batch(deps: Deps, owner_uid: str, batch_id: BatchId) -> Batch:
    """The batch cancelled, and each of its books that has not ended."""
    batch_for(deps, owner_uid, batch_id, Action.CANCEL)
    now = deps.clock()
    batch, _ = update_batch(deps, batch_id, lambda current: current.cancelled(now))
    for job in deps.jobs.get_many(batch.job_ids):
        if job.status.is_final:
            continue
        try:
            end_job(
                deps,
                job.id,
                lambda current: current.moved_to(JobStatus.CANCELLED, now, completed_at=now),
            )
        except InvalidTransition:  # it ended meanwhile
            continue
    return batch


def delete_batch(deps: Deps, owner_uid: str, batch_id: BatchId) -> None:
    """The batch, its books with their results, and their PDFs. Books first: a batch whose
    deletion stopped halfway can be deleted again."""
    batch = batch_for(deps, owner_uid, batch_id, Action.DELETE)
    for job in deps.jobs.get_many(batch.job_ids):
        deps.jobs.delete(job.id)
        deps.store.delete(job.object_name)
    deps.batches.delete(batch.id)


def _new_books(
    deps: Deps,
    space: Space,
    batch_id: BatchId,
    files: Sequence[BatchFile],
    settings: JobSettings,
    batch_files: int,
) -> list[NewBook]:
    """A job and signed URL per file, once every file passed the platform's and the
    plan's limits (then counted against the books a day)."""
    for file in files:
        check_size(deps, file.size_bytes)
    chosen = [settings_within_plan(deps, space.plan, file.settings or settings) for file in files]
    admit_books(deps, space, [file.size_bytes for file in files], batch_files)
    books: list[NewBook] = []
    try:
        for file, file_settings in zip(files, chosen, strict=True):
            upload = NewUpload(file.filename, file.size_bytes, file_settings)
            job = new_job(deps, space.uid, upload, batch_id, space=space)
            signed = signed_upload(deps, job)
            deps.tasks.enqueue(expiry_task(job))
            deps.jobs.add(job)
            books.append(NewBook(job, signed))
    except Exception:
        _discard(deps, books)
        raise
    return books


def _discard(deps: Deps, books: Sequence[NewBook]) -> None:
    """Remove jobs made for a batch that could not take them (their expiry tasks then find
    no job and stop)."""
    for book in books:
        try:
            deps.jobs.delete(book.job.id)
        except AppError as error:  # the expiry task fails it; the batch never names it
            log.warning("could not remove job %s: %s", book.job.id, error.code)


def _check_count(deps: Deps, current: int, adding: int) -> None:
    limit = deps.limits.max_batch_files
    if adding < 1:
        raise InvalidInput("Send at least one file.")
    if current + adding > limit:
        raise BatchTooLarge(
            f"A batch holds at most {limit} files; this one would hold {current + adding}.",
            details={"max_files": limit, "files": current + adding},
        )


def _open_until(books: Sequence[NewBook]) -> datetime:
    return max(book.upload.expires_at for book in books)
