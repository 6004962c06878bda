"""A batch's completion on the Firestore emulator: its books end on many threads at once,
each reported twice, and the batch completes exactly once, announced once."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest
from google.cloud import firestore

from shared.adapters.firestore_batches import FirestoreBatchRepository
from shared.adapters.firestore_jobs import FirestoreJobRepository
from shared.domain.jobs import Job, JobSettings, JobStatus
from shared.domain.webhooks import EventType
from shared.service.batch_progress import book_ended
from shared.service.batches import BatchFile, create_batch
from shared.service.webhook_endpoints import create_endpoint
from tests.fakes import fake_world
from tests.integration.test_firestore_jobs import NOW

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("clean_firestore")]

BOOKS = 16


@pytest.mark.parametrize("failures", [0, 5])
def test_books_ending_together_complete_the_batch_once(
    firestore_client: firestore.Client, failures: int
) -> None:
    world = fake_world()
    world.clock.now = NOW
    deps = dataclasses.replace(
        world.deps,
        jobs=FirestoreJobRepository(firestore_client),
        batches=FirestoreBatchRepository(firestore_client),
    )
    create_endpoint(deps, "reader-1", "https://hooks.example/in", [EventType.BATCH_COMPLETED])
    files = [BatchFile(f"{n}.pdf", 1000) for n in range(BOOKS)]
    batch, books = create_batch(deps, "reader-1", "Course", files, JobSettings())
    ended: list[Job] = []
    for number, book in enumerate(books):
        status = JobStatus.FAILED if number < failures else JobStatus.COMPLETED
        final = dataclasses.replace(book.job, status=status, completed_at=NOW)
        assert deps.jobs.compare_and_set(book.job, final)
        ended.append(final)
    world.clock.advance(timedelta(minutes=30))
    barrier = threading.Barrier(BOOKS)
    errors: list[BaseException] = []

    def end(job: Job) -> None:
        try:
            barrier.wait()
            book_ended(deps, job)
            book_ended(deps, job)  # a redelivered task reports it again
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=end, args=(job,)) for job in ended]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    stored = deps.batches.get(batch.id)
    assert stored is not None
    expected = "completed_with_failures" if failures else "completed"
    assert (stored.status, stored.ended_count, stored.failed_count) == (expected, BOOKS, failures)
    assert len(world.tasks.of_kind("webhook")) == 1  # batch.completed, once
