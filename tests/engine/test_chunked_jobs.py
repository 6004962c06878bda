"""A book through the service as deployed (the storage trigger learns its profile once,
chunks of a few pages use it) gives exactly what the local command gives whole."""

from __future__ import annotations

import pytest

from shared.domain.jobs import Job
from shared.domain.sentences import Note
from shared.service import chunk_books, queries
from shared.service.deps import Limits
from shared.text import stored_pages
from shared.text.book_profile import BookProfile
from shared.text.pipeline import RunStats, process_pdf
from tests.drive import OWNER, all_sentences, completed_job, run_chunk_tasks, upload_and_trigger
from tests.engine.conftest import PrintedBook
from tests.fakes import FakeWorld, fake_world


def all_notes(world_deps: object, job_id: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    cursor = None
    while True:
        page = queries.note_page(world_deps, OWNER, job_id, cursor, 7)  # type: ignore[arg-type]
        found += [note.to_dict() for note in page.notes]
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


@pytest.mark.parametrize("pages_per_chunk", [2, 5])
def test_a_job_in_chunks_gives_the_local_commands_sentences_and_notes(
    printed: PrintedBook, pages_per_chunk: int
) -> None:
    data = printed.path.read_bytes()
    notes: list[Note] = []
    stats = RunStats()
    whole = [s.to_dict() for s in process_pdf(data, 8, stats=stats, notes=notes)]
    world = fake_world(Limits(pages_per_chunk=pages_per_chunk))

    job_id = completed_job(world, data)

    job = world.jobs.get(job_id)
    assert job is not None and job.chunk_count > 1
    assert job.generation is not None
    saved = world.jobs.profile(job.id, job.generation)
    assert saved is not None and BookProfile.from_json(saved).page_count == job.page_count
    sentences = all_sentences(world.deps, job_id)
    assert [{k: v for k, v in s.items() if k != "index"} for s in sentences] == whole
    assert all_notes(world.deps, job_id) == [note.to_dict() for note in notes]
    not_prose = {
        k.removeprefix("removed_"): v for k, v in job.stats.items() if k != "pages_without_text"
    }
    assert not_prose == {kind: count for kind, count in stats.removed.items() if count}


def test_chunks_learn_the_book_themselves_when_its_profile_is_of_another_version(
    printed: PrintedBook,
) -> None:
    data = printed.path.read_bytes()
    whole = [s.to_dict() for s in process_pdf(data, 8)]
    world = fake_world(Limits(pages_per_chunk=4))
    job_id = upload_and_trigger(world, data)
    job = world.jobs.get(job_id)
    assert job is not None and job.generation is not None
    world.jobs.save_profile(job.id, job.generation, '{"version": 0}')  # an older engine's

    run_chunk_tasks(world)

    sentences = all_sentences(world.deps, job_id)
    assert [{k: v for k, v in s.items() if k != "index"} for s in sentences] == whole


def whole_book(data: bytes) -> list[dict[str, object]]:
    return [s.to_dict() for s in process_pdf(data, 8)]


def without_index(sentences: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in s.items() if k != "index"} for s in sentences]


def triggered(world: FakeWorld, data: bytes) -> Job:
    """The job of `data`, once the storage trigger has accepted it."""
    job = world.jobs.get(upload_and_trigger(world, data))
    assert job is not None and job.generation is not None
    return job


def test_chunks_segment_the_pages_the_trigger_cleaned_without_reading_the_pdf(
    printed: PrintedBook,
) -> None:
    data = printed.path.read_bytes()
    world = fake_world(Limits(pages_per_chunk=3))
    job = triggered(world, data)
    job_id = job.id
    reads_by_trigger = world.store.reads

    run_chunk_tasks(world)

    assert world.store.reads == reads_by_trigger, "a chunk read the PDF"
    parts = {part for (owner, _, part) in world.jobs.pages if owner == job_id}
    assert parts == set(range(-(-job.page_count // stored_pages.PAGES_PER_PART)))
    assert without_index(all_sentences(world.deps, job_id)) == whole_book(data)


def test_pages_missing_or_of_another_version_are_read_from_the_pdf_alike(
    printed: PrintedBook,
) -> None:
    data = printed.path.read_bytes()
    world = fake_world(Limits(pages_per_chunk=4))
    job_id = triggered(world, data).id
    stored = sorted(key for key in world.jobs.pages if key[0] == job_id)
    assert len(stored) >= 2, "the test book needs two parts"
    del world.jobs.pages[stored[-1]]  # lost
    world.jobs.pages[stored[0]] = b"\x78\x01not a part"  # another version's, unreadable

    run_chunk_tasks(world)

    assert world.store.reads > 1, "the chunks read the PDF where pages were missing"
    assert without_index(all_sentences(world.deps, job_id)) == whole_book(data)


def test_pages_too_large_to_store_leave_the_chunks_to_the_pdf(
    printed: PrintedBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunk_books, "MAX_PART_BYTES", 100)
    data = printed.path.read_bytes()
    world = fake_world(Limits(pages_per_chunk=4))

    job_id = completed_job(world, data)

    assert not world.jobs.pages
    assert without_index(all_sentences(world.deps, job_id)) == whole_book(data)
