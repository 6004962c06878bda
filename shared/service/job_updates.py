"""Atomic job changes: read, decide with the domain rules, compare-and-set, repeat on a race.

Compare-and-set on the job's stored revision instead of a locking transaction: chunk
workers add to the job's counters concurrently, and contended transactions stall,
while a lost race here only costs one more read.
"""

from __future__ import annotations

from collections.abc import Callable

from shared.domain.errors import JobNotFound, Unavailable
from shared.domain.ids import JobId
from shared.domain.jobs import Job
from shared.service.ports import JobRepository

MAX_RACES = 20

# Given the stored job, the job it should become (None: leave it as it is).
JobChange = Callable[[Job], Job | None]


def load_job(jobs: JobRepository, job_id: JobId) -> Job:
    job = jobs.get(job_id)
    if job is None:
        raise JobNotFound("No such job.", details={"job_id": job_id})
    return job


def update_job(jobs: JobRepository, job_id: JobId, change: JobChange) -> tuple[Job, bool]:
    """Apply `change` atomically; returns the job as stored and whether this call changed it."""
    for _ in range(MAX_RACES):
        current = load_job(jobs, job_id)
        new = change(current)
        if new is None or new == current:
            return current, False
        if jobs.compare_and_set(current, new):
            return new, True
    raise Unavailable("The job is being updated by many requests at once; try again.")
