"""The Cloud Tasks worker: run the text engine on one chunk and finish the job after the last.

Tasks arrive at least once. A chunk's results, its "done" mark and its share of the
job's counters are written in one atomic batch that fails if the mark exists, so a
redelivered task changes nothing. The job completes through a compare-and-set from
`processing`, so exactly one of the chunks that see the last count wins.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate

from shared.domain.errors import (
    AppError,
    ChunkRetry,
    ObjectMissing,
    TooLittleText,
)
from shared.domain.ids import JobId
from shared.domain.jobs import CHUNK_FAILED, REMOVED, UPLOAD_MISSING, Job, JobStatus
from shared.observability.metrics import instruments
from shared.service.chunk_books import StoredOrPdfBook
from shared.service.deps import Deps
from shared.service.job_endings import announce_end, end_job
from shared.service.job_updates import update_job
from shared.service.ports import ChunkRecord, ResultPart
from shared.service.result_parts import split_into_parts
from shared.service.task_messages import ChunkTask
from shared.text.pipeline import RunStats

log = logging.getLogger(__name__)


def run_chunk(deps: Deps, task: ChunkTask, attempt: int) -> str:
    """Process one chunk (attempt 1 is the first delivery); returns what was done.

    The job is read once; only the chunk that records last reads it again, to complete it.
    """
    job = deps.jobs.get(task.job_id)
    if job is None:
        return "ignored: no such job"
    if job.status.is_final:
        announce_end(deps, job)  # in case the run that ended it stopped before announcing
        return f"ignored: the job is {job.status}"
    if job.generation != task.generation:
        return "ignored: the task is for another upload of this job"
    if deps.jobs.chunk_recorded(job.id, task.chunk):
        finish_if_last(deps, job)
        return "duplicate: chunk already recorded"
    try:
        return _run(deps, job, task)
    except ObjectMissing:
        message = "The uploaded PDF is no longer in storage; upload it again."
        _fail(deps, job.id, UPLOAD_MISSING, message)
        return f"failed: {UPLOAD_MISSING}"
    except AppError as error:
        if error.transient:
            return _retry_or_fail(deps, job, attempt, error)
        _fail(deps, job.id, error.code, error.message)
        return f"failed: {error.code}"
    except Exception as error:  # anything unexpected, recording included: try again
        return _retry_or_fail(deps, job, attempt, error)


def _run(deps: Deps, job: Job, task: ChunkTask) -> str:
    _start(deps, job)
    record, parts = _process(deps, job, task)
    instruments().chunk_duration.record(
        (record.finished_at - record.started_at).total_seconds(), {"engine": str(job.engine)}
    )
    chunks_done = deps.jobs.record_chunk(job.id, record, parts)
    if chunks_done is None:
        finish_if_last(deps, job)
        return "duplicate"
    if chunks_done >= job.chunk_count:
        finish_if_last(deps, job)
    return f"recorded: {record.sentence_count} sentences"


def finish_if_last(deps: Deps, job: Job) -> bool:
    """Complete the job if every chunk is recorded; True if this call completed it."""
    if job.status.is_final:
        return False
    records = deps.jobs.chunk_records(job.id)
    if len(records) < job.chunk_count:
        return False
    sentences = [record.sentence_count for record in records]
    sources = [record.source_count for record in records]
    now = deps.clock()

    def complete(current: Job) -> Job | None:
        if current.status is not JobStatus.PROCESSING:
            return None
        if sum(sentences) == 0:
            error = TooLittleText("No sentence of the novel was found in the PDF.")
            return current.failed(now, error.code, error.message)
        return current.moved_to(
            JobStatus.COMPLETED,
            now,
            completed_at=now,
            chunk_offsets=tuple(accumulate(sentences[:-1], initial=0)),
            source_offsets=tuple(accumulate(sources[:-1], initial=0)),
            stats=_job_stats(records),
        )

    stored, changed = end_job(deps, job.id, complete)
    if changed:
        _count_finished(stored)
    return changed


def _job_stats(records: Sequence[ChunkRecord]) -> dict[str, int]:
    """The book's counts: pages without text, and what was not prose, by kind."""
    removed: Counter[str] = Counter()
    for record in records:
        removed.update(record.removed)
    stats = {"pages_without_text": sum(r.pages_without_text for r in records)}
    return stats | {f"{REMOVED}{kind}": count for kind, count in sorted(removed.items())}


def _start(deps: Deps, job: Job) -> None:
    """Move a queued job to processing: at once from the copy read, else read again."""
    if job.status is not JobStatus.QUEUED:
        return
    now = deps.clock()
    if deps.jobs.compare_and_set(job, job.moved_to(JobStatus.PROCESSING, now, started_at=now)):
        return
    update_job(
        deps.jobs,
        job.id,
        lambda current: (
            current.moved_to(JobStatus.PROCESSING, now, started_at=now)
            if current.status is JobStatus.QUEUED
            else None
        ),
    )


def _process(deps: Deps, job: Job, task: ChunkTask) -> tuple[ChunkRecord, list[ResultPart]]:
    started_at = deps.clock()
    stats = RunStats()
    chunk = task.pages
    engine = deps.engines.for_job(job)
    output = engine.run_chunk(job, chunk, StoredOrPdfBook(deps, job), stats)
    record = ChunkRecord(
        number=chunk.number,
        sentence_count=len(output.sentences),
        source_count=stats.source_sentences,
        pages=chunk.pages,
        pages_without_text=stats.pages_without_text,
        started_at=started_at,
        finished_at=deps.clock(),
        prompt_tokens=output.usage.prompt_tokens,
        output_tokens=output.usage.output_tokens,
        thinking_tokens=output.usage.thinking_tokens,
        model_calls=output.model_calls,
        flagged=output.flagged,
        removed=dict(sorted(stats.removed.items())),
    )
    originals = {source.index: source.text for source in output.sources}
    return record, split_into_parts(chunk.number, output.sentences, originals, output.notes)


def _retry_or_fail(deps: Deps, job: Job, attempt: int, error: Exception) -> str:
    if attempt < deps.limits.chunk_max_attempts:
        if isinstance(error, AppError) and error.transient:
            raise error  # its kind tells the queue how: a spent quota backs off longer
        raise ChunkRetry(f"Chunk processing failed; Cloud Tasks will retry: {error}") from error
    log.error("chunk failed on its last attempt", exc_info=error, extra={"job_id": job.id})
    _fail(deps, job.id, CHUNK_FAILED, "Part of the book could not be processed; try again.")
    return f"failed: {CHUNK_FAILED} after {attempt} attempts"


def _fail(deps: Deps, job_id: JobId, code: str, message: str) -> None:
    now = deps.clock()
    stored, changed = end_job(
        deps,
        job_id,
        lambda current: None if current.status.is_final else current.failed(now, code, message),
    )
    if changed:
        _count_finished(stored)


def _count_finished(job: Job) -> None:
    attributes = {"status": str(job.status), "engine": str(job.engine)}
    if job.error is not None:
        attributes["error_code"] = job.error.code
    instruments().jobs_finished.add(1, attributes)
