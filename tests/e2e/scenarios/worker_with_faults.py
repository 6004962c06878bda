"""The real `run_task` function, with faults a test can plan per job.

A test writes FAULTS_DIR/<job_id>.json before uploading, e.g.
{"read_fails": {"1": 1}, "answer_lost": [2]}: chunk 1's first read of its book (the
pages the trigger stored) fails (a crash before the work), chunk 2's first answer is
lost after its work was recorded (Cloud Tasks sees a 500 and redelivers).
`read_fails` counts are per attempt number: {"0": 99} fails every attempt of chunk 0.
Every delivery is appended to FAULTS_DIR/<job_id>.deliveries.jsonl.

The faults are in a wrapper of the job repository, handed to a worker built from the
instance's own wiring: no module of the product is patched.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import json
import os
from pathlib import Path

import flask
import functions_framework

from shared.bootstrap import configure_instance, wiring
from shared.entrypoints.task_worker import TaskWorker
from shared.service.ports import JobRepository

configure_instance()
FAULTS = Path(os.environ["FAULTS_DIR"])
_delivery: contextvars.ContextVar[tuple[str, int, int]] = contextvars.ContextVar("delivery")


def _plan(job_id: str) -> dict[str, object]:
    path = FAULTS / f"{job_id}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


class _FaultyBookReads:
    """The real job repository, whose reads of a book's pages fail as the delivery's
    plan says."""

    def __init__(self, jobs: JobRepository) -> None:
        self._jobs = jobs

    def __getattr__(self, name: str) -> object:
        return getattr(self._jobs, name)

    def pages_part(self, job_id: str, generation: int, part: int) -> bytes | None:
        delivery = _delivery.get(None)
        if delivery is not None:
            planned_for, chunk, retry = delivery
            failures = _plan(planned_for).get("read_fails", {})
            assert isinstance(failures, dict)
            if retry < int(failures.get(str(chunk), 0)):
                raise ConnectionError("injected: connection reset while reading the book")
        return self._jobs.pages_part(job_id, generation, part)  # type: ignore[arg-type]


@functools.cache
def _worker() -> TaskWorker:
    instance = wiring()
    deps = dataclasses.replace(instance.deps, jobs=_FaultyBookReads(instance.deps.jobs))  # type: ignore[arg-type]
    return TaskWorker(deps, instance.worker_callers)


@functions_framework.http
def run_task(request: flask.Request) -> flask.Response:
    try:
        payload = json.loads(request.get_data())
    except ValueError:
        return _worker().handle(request)
    job_id, chunk = str(payload.get("job_id", "")), int(payload.get("chunk", -1))
    retry = int(request.headers.get("X-CloudTasks-TaskRetryCount", "0"))
    record = {"kind": payload.get("kind"), "chunk": chunk, "retry": retry}
    with (FAULTS / f"{job_id}.deliveries.jsonl").open("a") as log:
        log.write(json.dumps(record) + "\n")
    token = _delivery.set((job_id, chunk, retry))
    try:
        response = _worker().handle(request)
    finally:
        _delivery.reset(token)
    lost = _plan(job_id).get("answer_lost", [])
    if retry == 0 and isinstance(lost, list) and chunk in lost and response.status_code < 300:
        return flask.Response("injected: the answer was lost", status=500)
    return response
