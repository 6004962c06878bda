"""A batch's progress as its books end: each book counted once, the batch completed once.

Any number of workers may end the last books of a batch at the same moment: each adds
its book to the counts (a mark per book and increments, in one write that fails if the
mark exists), then reads the batch; the first to move it from open to completed with a
compare-and-set announces it. A book ending again (a redelivered task) counts nothing
new but still checks completion, in case the run that counted it stopped before.
"""

from __future__ import annotations

from collections.abc import Callable

from shared.domain.batches import Batch
from shared.domain.errors import BatchNotFound
from shared.domain.ids import BatchId
from shared.domain.jobs import Job, JobStatus
from shared.domain.webhooks import EventType
from shared.service.deps import Deps
from shared.service.versioned import update_stored
from shared.service.webhook_events import iso_time, publish


def book_ended(deps: Deps, job: Job) -> None:
    """Count the batch's book `job` (final) as ended, and complete the batch if it was last."""
    assert job.batch_id is not None and job.status.is_final
    deps.batches.record_ended(job.batch_id, job.id, failed=job.status is not JobStatus.COMPLETED)
    complete_if_done(deps, job.batch_id)


def book_removed(deps: Deps, job: Job) -> None:
    """A book deleted before it ended: the batch goes on without it (counted as failed)."""
    assert job.batch_id is not None
    if not job.status.is_final:
        deps.batches.record_ended(job.batch_id, job.id, failed=True)
        complete_if_done(deps, job.batch_id)


def complete_if_done(deps: Deps, batch_id: BatchId) -> bool:
    """Complete the batch if every book has ended; True if this call completed it."""
    if deps.batches.get(batch_id) is None:
        return False  # deleted meanwhile
    now = deps.clock()
    batch, changed = update_batch(deps, batch_id, lambda current: current.finished(now))
    if changed:
        publish(deps, batch.owner_uid, EventType.BATCH_COMPLETED, batch_event(batch), now)
    return changed


def update_batch(
    deps: Deps, batch_id: BatchId, change: Callable[[Batch], Batch | None]
) -> tuple[Batch, bool]:
    return update_stored(deps.batches, batch_id, change, lambda: BatchNotFound("No such batch."))


def batch_event(batch: Batch) -> dict[str, object]:
    return {
        "batch_id": batch.id,
        "name": batch.name,
        "status": str(batch.status),
        "files": batch.file_count,
        "failed": batch.failed_count,
        "completed_at": iso_time(batch.completed_at) if batch.completed_at else None,
    }
