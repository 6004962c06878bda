"""A batch: many books uploaded together, each an ordinary job carrying the batch's id.

The batch keeps only what must be exact: how many books it has and how many have
ended (a mark per ended book and an increment, written together, so a book is counted
once however often its end is reported). It completes, once, when the count of ended
books reaches the count of books: the first to see it moves the batch with a
compare-and-set. What each book is doing is read from the books themselves.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.domain.errors import BatchClosed, BatchStateConflict
from shared.domain.ids import BatchId, JobId, TeamId
from shared.domain.jobs import JobSettings


class BatchStatus(StrEnum):
    OPEN = "open"  # files may still be added (until its last upload URL expires)
    PROCESSING = "processing"  # closed to new files; books still running
    COMPLETED = "completed"  # every book completed
    COMPLETED_WITH_FAILURES = "completed_with_failures"  # every book ended, some not completed
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset(
    {BatchStatus.COMPLETED, BatchStatus.COMPLETED_WITH_FAILURES, BatchStatus.CANCELLED}
)


@dataclass(frozen=True, slots=True)
class Batch:
    id: BatchId
    owner_uid: str
    name: str
    # Stored: OPEN until it ends; `seen_at` tells OPEN from PROCESSING by the clock.
    status: BatchStatus
    settings: JobSettings  # for files that bring none of their own
    created_at: datetime
    updated_at: datetime
    # Files are added until then: the latest upload URL's expiry.
    open_until: datetime
    job_ids: tuple[JobId, ...] = ()
    ended_count: int = 0  # books ended (completed, failed or cancelled), counted once each
    failed_count: int = 0  # of those, the ones that did not complete
    completed_at: datetime | None = None
    team_id: TeamId | None = None  # the team whose space it is in (None: its owner's own)
    # The stored revision this copy was read at (opaque; set by the repository).
    version: object = field(default=None, compare=False)

    @property
    def file_count(self) -> int:
        return len(self.job_ids)

    def seen_at(self, now: datetime) -> Batch:
        """The batch as it stands at `now`: past its upload window it is processing."""
        if self.status is BatchStatus.OPEN and now >= self.open_until:
            return dataclasses.replace(self, status=BatchStatus.PROCESSING)
        return self

    def is_open(self, now: datetime) -> bool:
        return self.seen_at(now).status is BatchStatus.OPEN

    def check_open(self, now: datetime) -> None:
        if not self.is_open(now):
            status = self.seen_at(now).status
            raise BatchClosed(
                f"The batch is {status}; files are added only while it is open.",
                details={"status": str(status)},
            )

    def with_files(self, now: datetime, job_ids: tuple[JobId, ...], open_until: datetime) -> Batch:
        self.check_open(now)
        return dataclasses.replace(
            self,
            job_ids=self.job_ids + job_ids,
            open_until=max(self.open_until, open_until),
            updated_at=now,
        )

    def finished(self, now: datetime) -> Batch | None:
        """The batch completed, if every book has ended and it has not ended yet."""
        if self.status.is_final or self.ended_count < self.file_count:
            return None
        status = (
            BatchStatus.COMPLETED
            if self.failed_count == 0
            else (BatchStatus.COMPLETED_WITH_FAILURES)
        )
        return dataclasses.replace(self, status=status, completed_at=now, updated_at=now)

    def cancelled(self, now: datetime) -> Batch:
        if self.status.is_final:
            raise BatchStateConflict(
                f"The batch is {self.status}; it cannot be cancelled.",
                details={"status": str(self.status)},
            )
        return dataclasses.replace(
            self, status=BatchStatus.CANCELLED, completed_at=now, updated_at=now
        )
