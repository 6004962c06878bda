"""A book through the service as deployed (the storage trigger learns its profile once,
chunks of a few pages use it) gives exactly what the local command gives whole."""

from __future__ import annotations

import pytest

from shared.domain.sentences import Note
from shared.service import queries
from shared.service.deps import Limits
from shared.text.book_profile import BookProfile
from shared.text.pipeline import RunStats, process_pdf
from tests.drive import OWNER, all_sentences, completed_job, run_chunk_tasks, upload_and_trigger
from tests.engine.conftest import PrintedBook
from tests.fakes import fake_world


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
