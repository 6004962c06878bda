"""Atomic job changes: read, decide with the domain rules, compare-and-set, repeat on a race."""

from __future__ import annotations

from collections.abc import Callable

from shared.domain.errors import JobNotFound
from shared.domain.ids import JobId
from shared.domain.jobs import Job
from shared.service.ports import JobRepository
from shared.service.versioned import loaded, update_stored

# Given the stored job, the job it should become (None: leave it as it is).
JobChange = Callable[[Job], Job | None]


def load_job(jobs: JobRepository, job_id: JobId) -> Job:
    return loaded(jobs.get(job_id), lambda: _missing(job_id))


def update_job(jobs: JobRepository, job_id: JobId, change: JobChange) -> tuple[Job, bool]:
    """Apply `change` atomically; returns the job as stored and whether this call changed it."""
    return update_stored(jobs, job_id, change, lambda: _missing(job_id))


def _missing(job_id: JobId) -> JobNotFound:
    return JobNotFound("No such job.", details={"job_id": job_id})
