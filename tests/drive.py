"""Driving jobs through the service layer on fakes: upload, trigger, chunks, sentences."""

from __future__ import annotations

from shared.domain.jobs import JobSettings
from shared.service import chunks, dispatch, queries, upload_checks, uploads
from shared.service.deps import Deps
from shared.service.task_messages import ChunkTask, parse_task, task_body
from tests.fakes import FakeWorld

OWNER = "reader-1"


def upload_and_trigger(
    world: FakeWorld, data: bytes, settings: JobSettings | None = None, owner: str = OWNER
) -> str:
    """A job whose PDF was uploaded and seen by the storage trigger; its id."""
    upload = uploads.NewUpload("roman.pdf", len(data), settings or JobSettings())
    job, _ = uploads.create_upload(world.deps, owner, upload)
    generation = world.store.write(job.object_name, data, "application/pdf")
    event = upload_checks.FinalizedObject("uploads", job.object_name, generation, len(data))
    dispatch.on_object_finalized(world.deps, event)
    return job.id


def chunk_tasks(world: FakeWorld) -> list[ChunkTask]:
    """The chunk tasks enqueued so far, as the worker reads them."""
    messages = [parse_task(task_body(task.message)) for task in world.tasks.of_kind("chunk")]
    return [message for message in messages if isinstance(message, ChunkTask)]


def run_chunk_tasks(world: FakeWorld, attempt: int = 1) -> None:
    for task in chunk_tasks(world):
        chunks.run_chunk(world.deps, task, attempt)


def completed_job(
    world: FakeWorld, data: bytes, settings: JobSettings | None = None, owner: str = OWNER
) -> str:
    job_id = upload_and_trigger(world, data, settings, owner)
    run_chunk_tasks(world)
    return job_id


def all_sentences(
    deps: Deps, job_id: str, owner: str = OWNER, page_size: int = 1000
) -> list[dict[str, object]]:
    """Every sentence of a completed job, page after page."""
    found: list[dict[str, object]] = []
    cursor = None
    while True:
        page = queries.sentence_page(deps, owner, job_id, cursor, page_size)
        found += [s.to_dict() for s in page.sentences]
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor
