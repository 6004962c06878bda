"""The storage trigger: check an uploaded PDF (`upload_checks`), queue its job and enqueue
one task per chunk.

Events arrive at least once and an overwrite fires a new one, so this is idempotent
on (job, object generation): the job accepts exactly one generation, its move to
`queued` is a compare-and-set only one delivery wins, and the winner holds a short
lease while it enqueues the chunk tasks (named per job, generation and chunk, so a
re-enqueue after a crash adds nothing). A delivery that finds the lease held asks
to be retried; one that finds it expired takes over.
"""

from __future__ import annotations

import logging

from shared.domain.errors import DispatchInProgress, ScannerUnavailable
from shared.domain.ids import JobId
from shared.domain.jobs import Job, JobStatus, plan_chunks
from shared.observability.logs import log_context
from shared.observability.tracing import continued, current_traceparent, tracer
from shared.service.deps import Deps
from shared.service.job_endings import end_job
from shared.service.job_updates import update_job
from shared.service.ports import Task
from shared.service.task_messages import ChunkTask
from shared.service.upload_checks import FinalizedObject, inspect_upload
from shared.service.uploads import job_id_of

log = logging.getLogger(__name__)


def on_object_finalized(deps: Deps, obj: FinalizedObject) -> str:
    """Handle one delivery; returns what was done (for the log)."""
    job_id = job_id_of(obj.name)
    if job_id is None:
        return "ignored: not an upload"
    job = deps.jobs.get(job_id)
    if job is None:
        deps.store.delete(obj.name)  # no job will ever claim it
        return "ignored: no such job; object deleted"
    with continued(job.traceparent), tracer().start_as_current_span("storage trigger") as span:
        span.set_attributes({"job_id": job.id, "generation": obj.generation})
        with log_context(job_id=job.id):
            outcome = _handle(deps, job, obj)
        span.set_attribute("outcome", outcome)
        return outcome


def _handle(deps: Deps, job: Job, obj: FinalizedObject) -> str:
    if job.generation is not None and job.generation != obj.generation:
        return "ignored: the job already took another generation of this object"
    if job.status is JobStatus.AWAITING_UPLOAD:
        return _accept(deps, job, obj)
    if job.status.is_final:
        if job.generation is None:  # it ended before its upload came: nobody needs it
            deps.store.delete(obj.name)
        return f"ignored: the job is {job.status}"
    return resume_dispatch(deps, job.id)


def _accept(deps: Deps, job: Job, obj: FinalizedObject) -> str:
    try:
        inspection = inspect_upload(deps, job, obj)
    except ScannerUnavailable as error:
        _note_waiting(deps, job, error.code)  # the job fails with it if this lasts
        raise
    now = deps.clock()
    problem = inspection.problem
    if problem is not None:
        _, changed = end_job(
            deps,
            job.id,
            lambda current: (
                current.failed(now, problem.code, problem.message)
                if current.status is JobStatus.AWAITING_UPLOAD
                else None
            ),
        )
        if inspection.infected:
            deps.quarantine.move(obj.name, obj.generation)
        elif changed:
            deps.store.delete(obj.name)
        return f"rejected: {problem.code}"
    page_count = inspection.page_count
    chunk_count = len(plan_chunks(page_count, deps.limits.pages_per_chunk))

    def queue(current: Job) -> Job | None:
        if current.status is not JobStatus.AWAITING_UPLOAD:
            return None
        return current.moved_to(
            JobStatus.QUEUED,
            now,
            generation=obj.generation,
            page_count=page_count,
            chunk_count=chunk_count,
            dispatch_lease_until=now + deps.limits.dispatch_lease,
            active_content=inspection.active_content,
            waiting_for=None,
        )

    stored, changed = update_job(deps.jobs, job.id, queue)
    if not changed:
        return on_object_finalized(deps, obj)  # another delivery won: judge again
    _enqueue_chunks(deps, stored)
    return f"queued: {chunk_count} chunks"


def _note_waiting(deps: Deps, job: Job, reason: str) -> None:
    now = deps.clock()
    update_job(
        deps.jobs,
        job.id,
        lambda current: (
            current.changed(now, waiting_for=reason)
            if current.status is JobStatus.AWAITING_UPLOAD and current.waiting_for != reason
            else None
        ),
    )


def resume_dispatch(deps: Deps, job_id: JobId) -> str:
    """Finish enqueueing a queued job's tasks if the delivery that queued it could not."""
    now = deps.clock()

    def take_lease(current: Job) -> Job | None:
        if current.tasks_enqueued or current.status.is_final:
            return None
        if current.dispatch_in_progress(now):
            raise DispatchInProgress("The job's tasks are being enqueued; retry later.")
        return current.changed(now, dispatch_lease_until=now + deps.limits.dispatch_lease)

    stored, changed = update_job(deps.jobs, job_id, take_lease)
    if not changed:
        return "duplicate: tasks already enqueued"
    _enqueue_chunks(deps, stored)
    return "resumed: tasks enqueued"


def _enqueue_chunks(deps: Deps, job: Job) -> None:
    assert job.page_count is not None and job.generation is not None  # set when queued
    traceparent = current_traceparent()
    trace_headers = {"traceparent": traceparent} if traceparent else {}
    queue = deps.engines.for_job(job).queue
    for chunk in plan_chunks(job.page_count, deps.limits.pages_per_chunk):
        message = ChunkTask.of(job.id, job.generation, chunk)
        deps.tasks.enqueue(Task(message, queue=queue, headers=trace_headers))
    now = deps.clock()
    update_job(
        deps.jobs,
        job.id,
        lambda current: (
            None if current.tasks_enqueued else current.changed(now, tasks_enqueued=True)
        ),
    )
