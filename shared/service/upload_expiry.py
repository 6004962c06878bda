"""The upload deadline's task: a job whose PDF never came is failed, and a dispatch its
trigger abandoned (it crashed and its event was not redelivered) is resumed."""

from __future__ import annotations

from shared.domain.errors import DispatchInProgress, Unavailable
from shared.domain.ids import JobId
from shared.domain.jobs import Job, JobStatus
from shared.service.deps import Deps
from shared.service.dispatch import resume_dispatch
from shared.service.job_endings import end_job


def expire_upload(deps: Deps, job_id: JobId) -> str:
    """The upload deadline's task: fail a job whose PDF never came, or whose dispatch
    was abandoned (its trigger crashed and its event was not redelivered)."""
    now = deps.clock()

    def expire(current: Job) -> Job | None:
        return current.seen_at(now) if current.upload_expired_at(now) else None

    job, changed = end_job(deps, job_id, expire)
    if changed:
        return "expired"
    if job.status is JobStatus.AWAITING_UPLOAD:
        raise Unavailable("The upload URL has not expired yet.")  # an early delivery
    if job.status is JobStatus.QUEUED and not job.tasks_enqueued:
        if job.dispatch_in_progress(now):
            raise DispatchInProgress("The job's tasks are being enqueued; check again later.")
        return resume_dispatch(deps, job_id)
    return f"ignored: the job is {job.status}"
