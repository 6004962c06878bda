"""Starting a job: a signed URL for the browser's PUT, or a small PDF posted to the API.

Either way the job waits in `awaiting_upload` until the storage trigger sees its
object; a delayed task fails it if the upload never comes.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from shared.domain.errors import FileTooLarge, InvalidInput, NotAPdf
from shared.domain.ids import BatchId, JobId, TeamId
from shared.domain.jobs import UPLOAD_FAILED, Job, JobSettings, JobStatus
from shared.domain.plans import FREE
from shared.observability.tracing import current_traceparent
from shared.service.deps import Deps
from shared.service.job_endings import end_job
from shared.service.plan_checks import admit_books, settings_within_plan
from shared.service.ports import SignedUpload, Task
from shared.service.spaces import Space
from shared.service.task_messages import ExpireUploadTask
from shared.text.pdf_basics import looks_like_pdf

PDF_CONTENT_TYPE = "application/pdf"
_UPLOAD_PREFIX = "uploads/"
_OBJECT_NAME = re.compile(r"uploads/(.*)\.pdf")


@dataclass(frozen=True, slots=True)
class NewUpload:
    filename: str
    size_bytes: int
    settings: JobSettings


def object_name_for(job_id: JobId) -> str:
    return f"{_UPLOAD_PREFIX}{job_id}.pdf"


def job_id_of(object_name: str) -> JobId | None:
    """The job an uploaded object belongs to, or None for an object that is no upload."""
    match = _OBJECT_NAME.fullmatch(object_name)
    return JobId.parse(match.group(1)) if match else None


def expiry_task(job: Job) -> Task:
    return Task(ExpireUploadTask(job_id=job.id), schedule_at=job.upload_expires_at)


def create_upload(
    deps: Deps,
    owner_uid: str,
    upload: NewUpload,
    *,
    plan: str = FREE,
    team_id: TeamId | None = None,
) -> tuple[Job, SignedUpload]:
    """A new job and the signed URL its PDF must be PUT to.

    Signing first, then the expiry task, then the job: if a step fails, nothing of the
    later ones exists, and a job never exists without the task that ends it.
    """
    check_size(deps, upload.size_bytes)
    space = Space.of(deps, owner_uid, team_id, plan)
    upload = within_plan(deps, space, upload)
    job = new_job(deps, owner_uid, upload, space=space)
    signed = signed_upload(deps, job)
    deps.tasks.enqueue(expiry_task(job))
    deps.jobs.add(job)
    return job, signed


def signed_upload(deps: Deps, job: Job) -> SignedUpload:
    """The URL the job's PDF is PUT to, expiring a grace period before the job's deadline."""
    expires_at = job.upload_expires_at - deps.limits.upload_grace
    return deps.store.signed_upload(job.object_name, PDF_CONTENT_TYPE, job.size_bytes, expires_at)


def accept_direct_upload(
    deps: Deps,
    owner_uid: str,
    filename: str,
    data: bytes,
    settings: JobSettings,
    *,
    plan: str = FREE,
    team_id: TeamId | None = None,
) -> Job:
    """A job for a PDF posted to the API; the storage trigger takes it from there."""
    check_size(deps, len(data))
    if not looks_like_pdf(data):
        raise NotAPdf("The file is not a PDF.")
    space = Space.of(deps, owner_uid, team_id, plan)
    upload = within_plan(deps, space, NewUpload(filename, len(data), settings))
    job = new_job(deps, owner_uid, upload, space=space)
    deps.tasks.enqueue(expiry_task(job))
    deps.jobs.add(job)
    try:
        deps.store.write(job.object_name, data, PDF_CONTENT_TYPE)
    except Exception:
        now = deps.clock()
        message = "The PDF could not be stored; send it again."
        end_job(deps, job.id, lambda current: current.failed(now, UPLOAD_FAILED, message))
        raise
    return job


def check_size(deps: Deps, size_bytes: int) -> None:
    limit = deps.limits.max_upload_bytes
    if size_bytes < 1:
        raise InvalidInput("The file is empty.", details={"size_bytes": size_bytes})
    if size_bytes > limit:
        raise FileTooLarge(
            f"The file is {size_bytes} bytes; the limit is {limit} bytes.",
            details={"size_bytes": size_bytes, "max_bytes": limit},
        )


def within_plan(deps: Deps, space: Space, upload: NewUpload) -> NewUpload:
    """The upload with its settings within the space's plan, counted as one of today's
    books."""
    settings = settings_within_plan(deps, space.plan, upload.settings)
    admit_books(deps, space, [upload.size_bytes])
    return dataclasses.replace(upload, settings=settings)


def new_job(
    deps: Deps,
    owner_uid: str,
    upload: NewUpload,
    batch_id: BatchId | None = None,
    *,
    space: Space | None = None,
) -> Job:
    space = space or Space(owner_uid, FREE)
    choice = deps.engines.for_settings(upload.settings).choice
    now = deps.clock()
    job_id = JobId.new()
    return Job(
        id=job_id,
        owner_uid=owner_uid,
        status=JobStatus.AWAITING_UPLOAD,
        filename=upload.filename,
        size_bytes=upload.size_bytes,
        settings=upload.settings,
        object_name=object_name_for(job_id),
        created_at=now,
        updated_at=now,
        upload_expires_at=now + deps.limits.upload_url_ttl + deps.limits.upload_grace,
        traceparent=current_traceparent(),
        engine=choice.engine,
        model=choice.model,
        prompt_version=choice.prompt_version,
        batch_id=batch_id,
        plan=space.plan,
        team_id=space.team_id,
    )
