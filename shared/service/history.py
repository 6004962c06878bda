"""A user's jobs as a history: list, cancel, delete, retry a failed one, duplicate with new
settings.

A retry or a duplicate is a new job over a server-side copy of the stored PDF: the
storage trigger takes it from there exactly as for an upload, so the same checks and
the same exactly-once machinery apply, and the original job stays as it was.
"""

from __future__ import annotations

from shared.domain.errors import Conflict, InvalidInput, ObjectMissing, UploadGone
from shared.domain.ids import JobId, TeamId
from shared.domain.jobs import Job, JobSettings, JobStatus
from shared.domain.plans import FREE
from shared.domain.teams import Action
from shared.service.access import member_team
from shared.service.batch_progress import book_removed
from shared.service.cursors import decode_cursor, paged
from shared.service.deps import Deps
from shared.service.job_endings import end_job
from shared.service.ports import JobCursor
from shared.service.queries import job_for
from shared.service.spaces import Space
from shared.service.uploads import NewUpload, expiry_task, new_job, within_plan

MAX_PAGE_SIZE = 100


def list_jobs(
    deps: Deps,
    owner_uid: str,
    status: JobStatus | None,
    limit: int,
    cursor: str | None,
    team_id: TeamId | None = None,
) -> tuple[list[Job], str | None]:
    """Up to `limit` jobs, newest first, and the cursor of the next page: those the user
    made (in any space), or with `team_id` those in the team's space (members only)."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
    after = JobCursor(*decode_cursor(cursor, JobId)) if cursor else None
    now = deps.clock()
    if team_id is not None:
        member_team(deps, owner_uid, team_id)
        found = deps.jobs.list_for_team(team_id, status, limit + 1, after)
    else:
        found = deps.jobs.list_for_owner(owner_uid, status, limit + 1, after)
    return paged([job.seen_at(now) for job in found], limit)


def delete_job(deps: Deps, owner_uid: str, job_id: JobId) -> None:
    """The job, its results and its stored PDF. Chunks still running find no job and stop."""
    job = job_for(deps, owner_uid, job_id, Action.DELETE)
    deps.jobs.delete(job.id)
    deps.store.delete(job.object_name)
    if job.batch_id is not None:
        book_removed(deps, job)


def cancel_job(deps: Deps, owner_uid: str, job_id: JobId) -> Job:
    job_for(deps, owner_uid, job_id, Action.CANCEL)
    now = deps.clock()
    job, _ = end_job(
        deps,
        job_id,
        lambda current: current.moved_to(JobStatus.CANCELLED, now, completed_at=now),
    )
    return job


def retry_job(deps: Deps, owner_uid: str, job_id: JobId, *, plan: str = FREE) -> Job:
    job = job_for(deps, owner_uid, job_id, Action.CREATE)
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise Conflict(
            f"Only a failed or cancelled job can be retried; this one is {job.status}.",
            details={"status": str(job.status)},
        )
    return _rerun(deps, owner_uid, job, job.settings, plan)


def duplicate_job(
    deps: Deps, owner_uid: str, job_id: JobId, settings: JobSettings, *, plan: str = FREE
) -> Job:
    return _rerun(deps, owner_uid, job_for(deps, owner_uid, job_id, Action.CREATE), settings, plan)


def _rerun(deps: Deps, uid: str, source: Job, settings: JobSettings, plan: str) -> Job:
    """A new job of `uid`'s over the source's PDF, in the source's space."""
    if source.generation is None:
        raise UploadGone("This job's PDF never arrived or was refused; upload it again.")
    space = Space.of(deps, uid, source.team_id, plan)
    upload = within_plan(deps, space, NewUpload(source.filename, source.size_bytes, settings))
    job = new_job(deps, uid, upload, space=space)
    deps.tasks.enqueue(expiry_task(job))
    deps.jobs.add(job)
    try:
        deps.store.copy(source.object_name, source.generation, job.object_name)
    except ObjectMissing as error:
        deps.jobs.delete(job.id)
        raise UploadGone("This job's PDF is no longer stored; upload it again.") from error
    return job
