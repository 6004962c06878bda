"""What follows a job's end: its batch counts it, and its owner's webhooks hear of it.

Every change that may end a job goes through `end_job`, which announces the end when
that change made it. Announcing is idempotent (the batch counts a book once, a
webhook message is named by its event), so a task that finds its job already ended
announces again, in case the run that ended it stopped before announcing.
"""

from __future__ import annotations

from shared.domain.ids import JobId
from shared.domain.jobs import Job, JobStatus
from shared.domain.webhooks import EventType
from shared.service.batch_progress import book_ended
from shared.service.deps import Deps
from shared.service.job_updates import JobChange, update_job
from shared.service.usage_counting import count_job_end
from shared.service.webhook_events import iso_time, publish

_EVENTS = {JobStatus.COMPLETED: EventType.JOB_COMPLETED, JobStatus.FAILED: EventType.JOB_FAILED}


def end_job(deps: Deps, job_id: JobId, change: JobChange) -> tuple[Job, bool]:
    """`update_job`, announcing the job's end when this change made it."""
    stored, changed = update_job(deps.jobs, job_id, change)
    if changed and stored.status.is_final:
        announce_end(deps, stored)
    return stored, changed


def announce_end(deps: Deps, job: Job) -> None:
    """Tell the job's batch and its owner's webhooks that it ended (a cancelled job is
    not announced to webhooks: its owner ended it)."""
    count_job_end(deps, job)
    if not job.status.is_final:
        return
    if job.batch_id is not None:
        book_ended(deps, job)
    event = _EVENTS.get(job.status)
    if event is not None:
        publish(deps, job.owner_uid, event, job_event(job), job.completed_at or job.updated_at)


def job_event(job: Job) -> dict[str, object]:
    return {
        "job_id": job.id,
        "status": str(job.status),
        "filename": job.filename,
        "batch_id": job.batch_id,
        "page_count": job.page_count,
        "sentence_count": job.sentence_count,
        "error": {"code": job.error.code, "message": job.error.message} if job.error else None,
        "completed_at": iso_time(job.completed_at) if job.completed_at else None,
    }
