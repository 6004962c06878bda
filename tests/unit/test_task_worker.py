"""The task worker: its messages, its answers to Cloud Tasks, and what a chunk costs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.domain.errors import (
    AppError,
    ChunkRetry,
    ErrorKind,
    JobNotFound,
    ModelKeyInvalid,
    ModelRateLimited,
    Unavailable,
)
from shared.domain.ids import ExportId, JobId
from shared.domain.jobs import Chunk
from shared.entrypoints.task_outcomes import RETRY_STATUS_OF_KIND, failed_task_response
from shared.service import chunks
from shared.service.deps import Limits
from shared.service.task_messages import (
    ChunkTask,
    ExpireUploadTask,
    ExportTask,
    TaskMessage,
    parse_task,
    task_body,
)
from tests.apps import QUEUE_HEADER, call, task_worker
from tests.drive import chunk_tasks, upload_and_trigger
from tests.fakes import fake_world

SAMPLE = (Path(__file__).parents[2] / "samples" / "sample-novel.pdf").read_bytes()
# Cloud Tasks' rule for the last segment of a task's name.
CLOUD_TASKS_NAME = re.compile(r"[A-Za-z0-9_-]{1,500}")

MESSAGES: list[TaskMessage] = [
    ChunkTask.of(JobId.new(), 1_700_000_000_123_456, Chunk(12, 331, 360)),
    ExpireUploadTask(job_id=JobId.new()),
    ExportTask(export_id=ExportId.new()),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.kind)
def test_each_message_travels_as_json_and_comes_back_equal(message: TaskMessage) -> None:
    back = parse_task(task_body(message))

    assert back == message and type(back) is type(message)
    assert CLOUD_TASKS_NAME.fullmatch(message.name)


def test_ids_in_messages_are_checked_and_typed() -> None:
    job_id = JobId.new()
    message = parse_task(f'{{"kind": "expire_upload", "job_id": "{job_id}"}}'.encode())

    assert isinstance(message, ExpireUploadTask) and isinstance(message.job_id, JobId)
    for bad in ["../etc", "A" * 32, job_id + "\n", 42]:
        with pytest.raises(ValueError):
            ExpireUploadTask.model_validate({"job_id": bad})


@pytest.mark.parametrize(
    ("error", "status", "dropped"),
    [
        (Unavailable("Firestore is down."), 503, False),
        (ChunkRetry("Try again."), 503, False),
        (ModelRateLimited("Quota."), 429, False),
        (ModelKeyInvalid("No key."), 200, True),
        (JobNotFound("No such job."), 200, True),
        (RuntimeError("a bug"), 503, False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_a_failed_task_is_retried_only_when_another_attempt_may_pass(
    error: Exception, status: int, dropped: bool
) -> None:
    response = failed_task_response(error, "task-1")

    assert response.status_code == status
    body = response.get_json()
    assert ("outcome" in body) is dropped
    if dropped:
        assert isinstance(error, AppError) and body["outcome"] == f"dropped: {error.code}"


def test_only_transient_kinds_are_retried() -> None:
    assert set(RETRY_STATUS_OF_KIND) == {ErrorKind.TRANSIENT, ErrorKind.LIMITED}


def test_an_expiry_task_for_a_job_deleted_since_is_dropped_not_retried() -> None:
    world = fake_world()
    worker = task_worker(world.deps)
    body = task_body(ExpireUploadTask(job_id=JobId.new()))

    response = call(worker.handle, "/", "POST", data=body, headers={QUEUE_HEADER: "chunks"})

    assert (response.status_code, response.get_json()["outcome"]) == (200, "dropped: JOB_NOT_FOUND")


def test_a_chunk_reads_its_job_once_and_the_last_one_reads_it_again_to_complete() -> None:
    world = fake_world(Limits(pages_per_chunk=10))
    job_id = upload_and_trigger(world, SAMPLE)
    tasks = chunk_tasks(world)
    assert len(tasks) >= 3

    reads = []
    for task in tasks:
        before = world.jobs.reads
        chunks.run_chunk(world.deps, task, 1)
        reads.append(world.jobs.reads - before)

    # The first also moves the job to processing: from the copy it read, no second read.
    assert reads[:-1] == [1] * (len(tasks) - 1)
    assert reads[-1] == 2  # and a read for the compare-and-set that completes the job
    job = world.jobs.get(job_id)
    assert job is not None and str(job.status) == "completed"
