"""A user's jobs as a history: list, delete, retry a failed one, duplicate with new settings.

A retry or a duplicate is a new job over a server-side copy of the stored PDF: the
storage trigger takes it from there exactly as for an upload, so the same checks and
the same exactly-once machinery apply, and the original job stays as it was.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from shared.domain.jobs import Job, JobSettings, JobStatus
from shared.errors import Conflict, InvalidRequest
from shared.service.deps import Deps
from shared.service.ports import JobCursor, ObjectMissing
from shared.service.queries import owned_job
from shared.service.uploads import NewUpload, expiry_task, new_job

MAX_PAGE_SIZE = 100


class UploadGone(Conflict):
    code = "UPLOAD_GONE"


def list_jobs(
    deps: Deps, owner_uid: str, status: JobStatus | None, limit: int, cursor: str | None
) -> tuple[list[Job], str | None]:
    """Up to `limit` of the owner's jobs, newest first, and the cursor of the next page."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidRequest(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
    after = _decode(cursor) if cursor else None
    jobs = deps.jobs.list_for_owner(owner_uid, status, limit + 1, after)
    if len(jobs) <= limit:
        return jobs, None
    last = jobs[limit - 1]
    return jobs[:limit], _encode(JobCursor(last.created_at, last.id))


def delete_job(deps: Deps, owner_uid: str, job_id: str) -> None:
    """The job, its results and its stored PDF. Chunks still running find no job and stop."""
    job = owned_job(deps, owner_uid, job_id)
    deps.jobs.delete(job.id)
    deps.store.delete(job.object_name)


def retry_job(deps: Deps, owner_uid: str, job_id: str) -> Job:
    job = owned_job(deps, owner_uid, job_id)
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise Conflict(
            f"Only a failed or cancelled job can be retried; this one is {job.status}.",
            details={"status": str(job.status)},
        )
    return _rerun(deps, job, job.settings)


def duplicate_job(deps: Deps, owner_uid: str, job_id: str, settings: JobSettings) -> Job:
    return _rerun(deps, owned_job(deps, owner_uid, job_id), settings)


def _rerun(deps: Deps, source: Job, settings: JobSettings) -> Job:
    if source.generation is None:
        raise UploadGone("This job's PDF never arrived or was refused; upload it again.")
    job = new_job(deps, source.owner_uid, NewUpload(source.filename, source.size_bytes, settings))
    deps.tasks.enqueue(expiry_task(job))
    deps.jobs.add(job)
    try:
        deps.store.copy(source.object_name, source.generation, job.object_name)
    except ObjectMissing as error:
        deps.jobs.delete(job.id)
        raise UploadGone("This job's PDF is no longer stored; upload it again.") from error
    return job


def _encode(cursor: JobCursor) -> str:
    text = f"{cursor.created_at.isoformat()}|{cursor.job_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> JobCursor:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, job_id = text.split("|")
        if len(job_id) != 32 or not all(c in "0123456789abcdef" for c in job_id):
            raise ValueError(job_id)
        return JobCursor(datetime.fromisoformat(created_at), job_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidRequest("The cursor is not one this API returned.") from exc
