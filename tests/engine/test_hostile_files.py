"""Every file of the hostile corpus, as a job through the storage trigger and the worker:
a failed job with its stable code, or a book read as text only; never a crash, never a
job left waiting."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from shared.domain.errors import AppError, ErrorKind, ScannerUnavailable
from shared.domain.jobs import JobSettings, JobStatus
from shared.service import dispatch, estimate, upload_checks, upload_expiry
from shared.service.deps import Limits
from shared.text.pipeline import process_pdf
from tests.books.hostile import COMPLETED, HOSTILE_FILES, HostileFile, with_javascript
from tests.drive import run_chunk_tasks, upload_and_trigger
from tests.fakes import FakeQuarantine, FakeScanner, fake_world

LIMITS = Limits(pages_per_chunk=4)


@pytest.mark.parametrize("case", HOSTILE_FILES, ids=lambda case: case.name)
def test_a_hostile_file_ends_its_job_with_its_code(case: HostileFile) -> None:
    world = fake_world(LIMITS)

    job_id = upload_and_trigger(world, case.make())
    run_chunk_tasks(world)

    job = world.jobs.get(job_id)
    assert job is not None and job.status.is_final
    outcome = job.error.code if job.error else str(job.status)
    assert outcome == case.outcome, job.error
    assert job.active_content == case.active_content
    if job.status is JobStatus.FAILED:
        assert job.error is not None and job.error.message
        assert job.object_name not in world.store.objects  # nothing of it is kept


def test_an_infected_upload_is_quarantined_not_deleted() -> None:
    world = fake_world(LIMITS)
    [eicar] = [case for case in HOSTILE_FILES if case.outcome == "UPLOAD_INFECTED"]
    data = eicar.make()

    job_id = upload_and_trigger(world, data)

    quarantine = world.deps.quarantine
    assert isinstance(quarantine, FakeQuarantine)
    assert quarantine.objects == {f"uploads/{job_id}.pdf": data}
    assert not world.tasks.of_kind("chunk")


def test_active_content_is_refused_where_the_setting_says_so() -> None:
    world = fake_world(dataclasses.replace(LIMITS, refuse_active_content=True))

    job_id = upload_and_trigger(world, with_javascript())

    job = world.jobs.get(job_id)
    assert job is not None and job.error is not None
    assert job.error.code == "PDF_ACTIVE_CONTENT" and "javascript" in job.error.message


def test_an_upload_waits_for_the_scanner_and_fails_with_its_code_if_it_never_comes() -> None:
    world = fake_world(LIMITS)
    scanner = world.deps.scanner
    assert isinstance(scanner, FakeScanner)
    scanner.down = True
    [book] = [case for case in HOSTILE_FILES if case.name == "javascript"]

    with pytest.raises(ScannerUnavailable):  # the event is delivered again later
        upload_and_trigger(world, book.make())

    [job] = world.jobs.list_for_owner("reader-1", None, 10, None)
    assert job.status is JobStatus.AWAITING_UPLOAD and not world.tasks.of_kind("chunk")
    world.clock.advance(LIMITS.upload_url_ttl + LIMITS.upload_grace + timedelta(seconds=1))
    assert upload_expiry.expire_upload(world.deps, job.id) == "expired"
    failed = world.jobs.get(job.id)
    assert failed is not None and failed.error is not None
    assert failed.error.code == "SCANNER_UNAVAILABLE"


def test_once_the_scanner_is_back_the_redelivered_event_queues_the_job() -> None:
    world = fake_world(LIMITS)
    scanner = world.deps.scanner
    assert isinstance(scanner, FakeScanner)
    scanner.down = True
    [book] = [case for case in HOSTILE_FILES if case.name == "javascript"]
    with pytest.raises(ScannerUnavailable):
        upload_and_trigger(world, book.make())
    [job] = world.jobs.list_for_owner("reader-1", None, 10, None)
    generation, data = world.store.objects[job.object_name]

    scanner.down = False
    event = upload_checks.FinalizedObject("uploads", job.object_name, generation, len(data))
    outcome = dispatch.on_object_finalized(world.deps, event)

    queued = world.jobs.get(job.id)
    assert outcome.startswith("queued") and queued is not None and queued.waiting_for is None


def test_books_read_in_threads_at_once_read_as_they_do_alone() -> None:
    """A function instance serves requests in threads; PDFium is not thread-safe."""
    books = [case.make() for case in HOSTILE_FILES if case.outcome == COMPLETED]
    alone = [[s.to_dict() for s in process_pdf(book, 8)] for book in books]

    with ThreadPoolExecutor(4) as pool:
        at_once = list(
            pool.map(lambda book: [s.to_dict() for s in process_pdf(book, 8)], books * 2)
        )

    assert at_once == alone * 2


@pytest.mark.parametrize("case", HOSTILE_FILES, ids=lambda case: case.name)
def test_an_estimate_of_a_hostile_file_is_an_answer_or_a_clear_refusal(case: HostileFile) -> None:
    world = fake_world(LIMITS)

    try:
        answer = estimate.estimate(world.deps, case.make(), JobSettings())
    except AppError as error:
        assert error.kind is not ErrorKind.INTERNAL and error.message
    else:
        assert answer.pages >= 1
