"""The service layer end to end on in-memory fakes: upload, trigger, chunks, results."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta
from pathlib import Path

import pytest

from shared.domain.errors import (
    DispatchInProgress,
    FileTooLarge,
    InvalidInput,
    InvalidTransition,
    JobNotFound,
    NotAPdf,
    Unavailable,
)
from shared.domain.jobs import CHUNK_FAILED, Job, JobSettings, JobStatus
from shared.domain.text_search import folded
from shared.service import chunks, dispatch, history, queries, upload_checks, upload_expiry, uploads
from shared.service.deps import Limits
from shared.service.ports import SignedUpload
from shared.text.pipeline import process_pdf
from tests.books.builder import not_a_pdf, scanned_pdf
from tests.drive import OWNER, all_sentences, chunk_tasks
from tests.fakes import FakeObjectStore, FakeWorld, fake_world

SAMPLE = (Path(__file__).parents[2] / "samples" / "sample-novel.pdf").read_bytes()
LIMITS = Limits(pages_per_chunk=7, chunk_max_attempts=3)


@pytest.fixture
def world() -> FakeWorld:
    return fake_world(LIMITS)


@pytest.fixture(scope="module")
def whole_book() -> list[dict[str, object]]:
    return [s.to_dict() for s in process_pdf(SAMPLE, 8)]


def start_job(world: FakeWorld, data: bytes = SAMPLE, size: int | None = None) -> Job:
    upload = uploads.NewUpload("roman.pdf", size or len(data), JobSettings(8))
    job, _ = uploads.create_upload(world.deps, OWNER, upload)
    world.store.write(job.object_name, data, "application/pdf")
    return job


def event_for(world: FakeWorld, job: Job) -> upload_checks.FinalizedObject:
    generation, data = world.store.objects[job.object_name]
    return upload_checks.FinalizedObject("uploads", job.object_name, generation, len(data))


def run_book(world: FakeWorld, order: list[int] | None = None) -> Job:
    job = start_job(world)
    dispatch.on_object_finalized(world.deps, event_for(world, job))
    tasks = chunk_tasks(world)
    for index in order or range(len(tasks)):
        chunks.run_chunk(world.deps, tasks[index], attempt=1)
    return world.jobs.get(job.id)  # type: ignore[return-value]


def test_upload_creates_a_waiting_job_a_signed_url_and_an_expiry_task(world: FakeWorld) -> None:
    job, signed = uploads.create_upload(
        world.deps, OWNER, uploads.NewUpload("roman.pdf", 1234, JobSettings(10))
    )

    assert job.status is JobStatus.AWAITING_UPLOAD
    assert world.jobs.get(job.id) == job
    assert signed.headers["x-goog-content-length-range"] == "0,1234"
    assert signed.expires_at < job.upload_expires_at
    (expiry,) = world.tasks.of_kind("expire_upload")
    assert expiry.schedule_at == job.upload_expires_at


def test_an_upload_over_the_limit_is_refused_before_any_write(world: FakeWorld) -> None:
    with pytest.raises(FileTooLarge):
        uploads.create_upload(
            world.deps, OWNER, uploads.NewUpload("big.pdf", 50 * 1024 * 1024 + 1, JobSettings())
        )
    assert world.tasks.enqueued == 0


def test_a_queue_outage_at_upload_leaves_no_job_behind(world: FakeWorld) -> None:
    world.tasks.fail_next = 1
    with pytest.raises(Unavailable):
        uploads.create_upload(world.deps, OWNER, uploads.NewUpload("r.pdf", 10, JobSettings()))
    assert not world.jobs._jobs


def test_the_trigger_queues_the_job_with_one_task_per_chunk(world: FakeWorld) -> None:
    job = start_job(world)

    outcome = dispatch.on_object_finalized(world.deps, event_for(world, job))

    stored = world.jobs.get(job.id)
    assert stored is not None and stored.status is JobStatus.QUEUED
    assert (stored.page_count, stored.chunk_count, stored.tasks_enqueued) == (30, 5, True)
    ranges = [(t.first_page, t.last_page) for t in chunk_tasks(world)]
    assert ranges == [(1, 6), (7, 12), (13, 18), (19, 24), (25, 30)]
    assert outcome == "queued: 5 chunks"


def test_the_same_event_twice_enqueues_nothing_more(world: FakeWorld) -> None:
    job = start_job(world)
    event = event_for(world, job)
    dispatch.on_object_finalized(world.deps, event)
    enqueued = world.tasks.enqueued

    outcome = dispatch.on_object_finalized(world.deps, event)

    assert world.tasks.enqueued == enqueued
    assert outcome.startswith("duplicate")


def test_an_overwrite_of_the_upload_is_ignored(world: FakeWorld) -> None:
    job = start_job(world)
    dispatch.on_object_finalized(world.deps, event_for(world, job))
    enqueued = world.tasks.enqueued
    world.store.write(job.object_name, SAMPLE, "application/pdf")

    outcome = dispatch.on_object_finalized(world.deps, event_for(world, job))

    assert outcome.startswith("ignored")
    assert world.tasks.enqueued == enqueued


def test_a_delivery_during_another_ones_dispatch_asks_for_a_retry(world: FakeWorld) -> None:
    job = start_job(world)
    event = event_for(world, job)
    world.tasks.fail_next = 1  # the first delivery crashes while enqueueing
    with pytest.raises(Unavailable):
        dispatch.on_object_finalized(world.deps, event)

    with pytest.raises(DispatchInProgress):
        dispatch.on_object_finalized(world.deps, event)

    world.clock.advance(LIMITS.dispatch_lease)
    assert dispatch.on_object_finalized(world.deps, event) == "resumed: tasks enqueued"
    assert len(chunk_tasks(world)) == 5
    assert world.jobs.get(job.id).tasks_enqueued  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("data", "code"),
    [(not_a_pdf(), "NOT_A_PDF"), (scanned_pdf(3), "PDF_NO_TEXT_LAYER")],
)
def test_a_bad_upload_fails_the_job_and_is_deleted(
    world: FakeWorld, data: bytes, code: str
) -> None:
    job = start_job(world, data)

    dispatch.on_object_finalized(world.deps, event_for(world, job))

    stored = world.jobs.get(job.id)
    assert stored is not None and stored.status is JobStatus.FAILED
    assert stored.error is not None and stored.error.code == code
    assert job.object_name not in world.store.objects
    assert not world.tasks.of_kind("chunk")


def test_an_upload_larger_than_announced_fails_the_job(world: FakeWorld) -> None:
    job = start_job(world, SAMPLE, size=1000)

    dispatch.on_object_finalized(world.deps, event_for(world, job))

    assert world.jobs.get(job.id).error.code == "FILE_TOO_LARGE"  # type: ignore[union-attr]


def test_chunks_in_any_order_give_the_whole_book_once(
    world: FakeWorld, whole_book: list[dict[str, object]]
) -> None:
    order = list(range(5))
    random.Random(7).shuffle(order)

    job = run_book(world, order)

    assert job.status is JobStatus.COMPLETED
    assert (job.chunks_done, job.pages_done, job.sentence_count) == (5, 30, len(whole_book))
    sentences = all_sentences(world.deps, job.id, page_size=37)
    assert [s["index"] for s in sentences] == list(range(len(whole_book)))
    assert [{k: v for k, v in s.items() if k != "index"} for s in sentences] == whole_book


def test_a_redelivered_task_changes_nothing(world: FakeWorld) -> None:
    job = run_book(world)
    before = world.jobs.get(job.id)

    outcome = chunks.run_chunk(world.deps, chunk_tasks(world)[2], attempt=1)

    assert outcome.startswith("ignored")
    assert world.jobs.get(job.id) == before


def test_a_duplicate_task_while_processing_records_its_chunk_once(world: FakeWorld) -> None:
    job = start_job(world)
    dispatch.on_object_finalized(world.deps, event_for(world, job))
    first = chunk_tasks(world)[0]
    chunks.run_chunk(world.deps, first, attempt=1)

    assert chunks.run_chunk(world.deps, first, attempt=1).startswith("duplicate")
    stored = world.jobs.get(job.id)
    assert stored is not None and (stored.status, stored.chunks_done) == (JobStatus.PROCESSING, 1)


class FlakyPages:
    """Reads of the book's stored pages fail `failures` times, then pass: a worker crash
    in the middle of a book."""

    def __init__(self, world: FakeWorld, failures: int) -> None:
        self._world, self.failures = world, failures

    def __getattr__(self, name: str) -> object:
        return getattr(self._world.jobs, name)

    def pages_part(self, job_id: str, generation: int, part: int) -> bytes | None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("connection reset")
        return self._world.jobs.pages_part(job_id, generation, part)


def test_a_failed_chunk_is_retried_and_the_book_loses_nothing(
    world: FakeWorld, whole_book: list[dict[str, object]]
) -> None:
    job = start_job(world)
    dispatch.on_object_finalized(world.deps, event_for(world, job))
    tasks = chunk_tasks(world)
    for task in tasks[:2]:
        chunks.run_chunk(world.deps, task, attempt=1)
    flaky = FlakyPages(world, failures=1)
    flaky_deps = dataclasses.replace(world.deps, jobs=flaky)

    with pytest.raises(chunks.ChunkRetry):
        chunks.run_chunk(flaky_deps, tasks[2], attempt=1)
    for task in tasks[2:]:
        chunks.run_chunk(flaky_deps, task, attempt=2)

    assert world.jobs.get(job.id).status is JobStatus.COMPLETED  # type: ignore[union-attr]
    assert [
        {k: v for k, v in s.items() if k != "index"} for s in all_sentences(world.deps, job.id)
    ] == (whole_book)


def test_a_chunk_that_fails_on_its_last_attempt_fails_the_job(world: FakeWorld) -> None:
    job = start_job(world)
    dispatch.on_object_finalized(world.deps, event_for(world, job))
    broken = dataclasses.replace(world.deps, jobs=FlakyPages(world, failures=99))
    task = chunk_tasks(world)[1]

    for attempt in range(1, LIMITS.chunk_max_attempts):
        with pytest.raises(chunks.ChunkRetry):
            chunks.run_chunk(broken, task, attempt)
    outcome = chunks.run_chunk(broken, task, LIMITS.chunk_max_attempts)

    stored = world.jobs.get(job.id)
    assert outcome.startswith("failed")
    assert stored is not None and stored.status is JobStatus.FAILED
    assert stored.error is not None and stored.error.code == "CHUNK_FAILED"
    assert chunks.run_chunk(world.deps, chunk_tasks(world)[0], 1) == "ignored: the job is failed"


def test_another_users_job_is_not_found(world: FakeWorld) -> None:
    job = run_book(world)

    with pytest.raises(JobNotFound):
        queries.get_job(world.deps, "someone-else", job.id)
    with pytest.raises(JobNotFound):
        queries.sentence_page(world.deps, "someone-else", job.id, None, 10)
    with pytest.raises(JobNotFound):
        history.cancel_job(world.deps, "someone-else", job.id)
    assert queries.get_job(world.deps, OWNER, job.id).status is JobStatus.COMPLETED


def test_a_cancelled_job_stops_its_chunks_and_cannot_be_cancelled_again(world: FakeWorld) -> None:
    job = start_job(world)
    dispatch.on_object_finalized(world.deps, event_for(world, job))
    tasks = chunk_tasks(world)
    chunks.run_chunk(world.deps, tasks[0], 1)

    cancelled = history.cancel_job(world.deps, OWNER, job.id)

    assert cancelled.status is JobStatus.CANCELLED
    assert chunks.run_chunk(world.deps, tasks[1], 1) == "ignored: the job is cancelled"
    with pytest.raises(InvalidTransition):
        history.cancel_job(world.deps, OWNER, job.id)


def test_a_job_whose_upload_never_came_expires(world: FakeWorld) -> None:
    job, _ = uploads.create_upload(world.deps, OWNER, uploads.NewUpload("r.pdf", 10, JobSettings()))
    with pytest.raises(Unavailable):  # an early delivery of the expiry task
        upload_expiry.expire_upload(world.deps, job.id)

    world.clock.advance(LIMITS.upload_url_ttl + LIMITS.upload_grace)

    seen = queries.get_job(world.deps, OWNER, job.id)  # before the task has run: shown failed
    assert seen.error is not None and seen.error.code == "UPLOAD_EXPIRED"
    [listed], _ = history.list_jobs(world.deps, OWNER, None, 10, None)
    assert listed == seen
    stored = world.jobs.get(job.id)
    assert stored is not None and stored.status is JobStatus.AWAITING_UPLOAD  # reads write nothing
    assert upload_expiry.expire_upload(world.deps, job.id) == "expired"
    assert upload_expiry.expire_upload(world.deps, job.id) == "ignored: the job is failed"


def test_an_expired_job_ignores_a_late_upload(world: FakeWorld) -> None:
    job = start_job(world)
    world.clock.advance(timedelta(hours=1))
    upload_expiry.expire_upload(world.deps, job.id)

    assert dispatch.on_object_finalized(world.deps, event_for(world, job)).startswith("ignored")
    assert not world.tasks.of_kind("chunk")


def test_sentences_wait_for_completion_and_reject_forged_cursors(world: FakeWorld) -> None:
    job = start_job(world)
    with pytest.raises(queries.JobNotCompleted):
        queries.sentence_page(world.deps, OWNER, job.id, None, 10)
    job = run_book(world)
    for cursor in [
        "nonsense",
        queries.encode_cursor("../x", 0),
        queries.encode_cursor("00001-0000", -1),
    ]:
        with pytest.raises(InvalidInput):
            queries.sentence_page(world.deps, OWNER, job.id, cursor, 10)
    with pytest.raises(InvalidInput):
        queries.sentence_page(world.deps, OWNER, job.id, None, 0)


def test_the_last_page_of_sentences_has_no_cursor(world: FakeWorld) -> None:
    job = run_book(world)

    first = queries.sentence_page(world.deps, OWNER, job.id, None, job.sentence_count - 100)
    last = queries.sentence_page(world.deps, OWNER, job.id, first.next_cursor, 100)

    assert first.next_cursor is not None
    assert [s.index for s in last.sentences] == list(
        range(job.sentence_count - 100, job.sentence_count)
    )
    assert last.next_cursor is None


def test_a_chunk_whose_upload_vanished_fails_the_job_at_once(world: FakeWorld) -> None:
    job = start_job(world)
    dispatch.on_object_finalized(world.deps, event_for(world, job))
    world.store.objects.clear()
    world.store.history.clear()
    world.jobs.pages.clear()  # without the pages the trigger kept, the chunk needs the PDF

    outcome = chunks.run_chunk(world.deps, chunk_tasks(world)[0], attempt=1)

    assert outcome == "failed: UPLOAD_MISSING"
    assert world.jobs.get(job.id).error.code == "UPLOAD_MISSING"  # type: ignore[union-attr]


class BrokenStore(FakeObjectStore):
    """Storage that cannot sign or write: an IAM or Cloud Storage outage."""

    def signed_upload(self, *args: object, **kwargs: object) -> SignedUpload:
        raise Unavailable("signBlob failed")

    def write(self, name: str, data: bytes, content_type: str) -> int:
        raise Unavailable("storage failed")


def test_a_signing_failure_leaves_no_job_and_no_task(world: FakeWorld) -> None:
    broken = dataclasses.replace(world.deps, store=BrokenStore())

    with pytest.raises(Unavailable):
        uploads.create_upload(broken, OWNER, uploads.NewUpload("r.pdf", 10, JobSettings()))

    assert not world.jobs._jobs and not world.tasks.tasks


def test_a_direct_upload_that_cannot_be_stored_fails_its_job_at_once(world: FakeWorld) -> None:
    broken = dataclasses.replace(world.deps, store=BrokenStore())

    with pytest.raises(Unavailable):
        uploads.accept_direct_upload(broken, OWNER, "r.pdf", SAMPLE, JobSettings())

    (job,) = world.jobs._jobs.values()
    assert job.status is JobStatus.FAILED
    assert job.error is not None and job.error.code == "UPLOAD_FAILED"


def test_a_direct_upload_of_something_else_is_refused_before_any_write(world: FakeWorld) -> None:
    with pytest.raises(NotAPdf):
        uploads.accept_direct_upload(world.deps, OWNER, "r.pdf", not_a_pdf(), JobSettings())

    assert not world.jobs._jobs and not world.store.objects


def test_the_deadline_task_resumes_a_dispatch_its_trigger_abandoned(world: FakeWorld) -> None:
    job = start_job(world)
    world.tasks.fail_next = 1  # the trigger crashes while enqueueing; no redelivery comes
    with pytest.raises(Unavailable):
        dispatch.on_object_finalized(world.deps, event_for(world, job))
    with pytest.raises(DispatchInProgress):  # the lease is still held
        upload_expiry.expire_upload(world.deps, job.id)

    world.clock.advance(LIMITS.upload_url_ttl + LIMITS.upload_grace)

    assert upload_expiry.expire_upload(world.deps, job.id) == "resumed: tasks enqueued"
    assert len(chunk_tasks(world)) == 5


def test_an_upload_arriving_after_its_job_was_cancelled_is_deleted(world: FakeWorld) -> None:
    job = start_job(world)
    history.cancel_job(world.deps, OWNER, job.id)

    outcome = dispatch.on_object_finalized(world.deps, event_for(world, job))

    assert outcome == "ignored: the job is cancelled"
    assert job.object_name not in world.store.objects


def test_a_search_pages_through_only_the_matching_sentences(world: FakeWorld) -> None:
    job = run_book(world)
    first = queries.sentence_page(world.deps, OWNER, job.id, None, 1000)
    every = [
        *first.sentences,
        *queries.sentence_page(world.deps, OWNER, job.id, first.next_cursor, 1000).sentences,
    ]
    assert len(every) == job.sentence_count
    word = "elle"
    expected = [s.index for s in every if word in folded(s.sentence.text)]
    assert 3 < len(expected) < len(every)  # the sample has some, not all

    found: list[int] = []
    cursor = None
    while True:
        page = queries.sentence_page(world.deps, OWNER, job.id, cursor, 2, search="ELLE")
        assert len(page.sentences) <= 2
        found += [s.index for s in page.sentences]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert found == expected
    nothing = queries.sentence_page(world.deps, OWNER, job.id, None, 10, search="zzzzzz")
    assert (nothing.sentences, nothing.next_cursor) == ([], None)


def test_a_job_fails_only_with_a_code_clients_know(world: FakeWorld) -> None:
    job = start_job(world)

    with pytest.raises(ValueError, match="MADE_UP"):
        job.failed(world.clock(), "MADE_UP", "A code no client has a message for.")
    assert job.failed(world.clock(), CHUNK_FAILED, "Part failed.").error is not None
    assert job.failed(world.clock(), "PDF_DAMAGED", "Damaged.").status is JobStatus.FAILED
