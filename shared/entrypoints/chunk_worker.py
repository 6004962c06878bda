"""The `process_chunk` function: the Cloud Tasks target.

Answers: 2xx when the task is done or can never succeed (the job is then failed
with a code, so Cloud Tasks stops); 503 when another attempt may succeed, so
Cloud Tasks retries with its backoff; 401/403 to callers other than Cloud Tasks.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

import flask
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shared import bootstrap
from shared.auth import AuthError, LocalCallerCheck
from shared.domain.jobs import Chunk
from shared.http.responses import error_response, json_response
from shared.logs import log_context
from shared.observability.tracing import continued, traceparent_of, tracer
from shared.service.chunks import ChunkTask, expire_upload, run_chunk
from shared.service.exports import GOOGLE_TOKEN_HEADER, run_export

log = logging.getLogger(__name__)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    job_id: str = Field(pattern=r"^[0-9a-f]{32}$")


class ChunkPayload(_Payload):
    kind: Literal["chunk"]
    generation: int
    chunk: int = Field(ge=0)
    first_page: int = Field(ge=1)
    last_page: int = Field(ge=1)


class ExpireUploadPayload(_Payload):
    kind: Literal["expire_upload"]


class ExportPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["export"]
    export_id: str = Field(pattern=r"^[0-9a-f]{32}$")


TaskPayload = TypeAdapter(
    Annotated[ChunkPayload | ExpireUploadPayload | ExportPayload, Field(discriminator="kind")]
)


def handle(request: flask.Request) -> flask.Response:
    task_name = request.headers.get("X-CloudTasks-TaskName", "?")
    try:
        _check_caller(request)
        payload = TaskPayload.validate_json(request.get_data())
    except (AuthError, ValidationError) as error:
        if isinstance(error, ValidationError):  # a task that can never succeed: drop it
            log.error("dropped task %s with an invalid payload: %s", task_name, error)
            return json_response({"outcome": "dropped: invalid payload"})
        return error_response(error, task_name)
    attempt = int(request.headers.get("X-CloudTasks-TaskRetryCount", "0")) + 1
    with (
        continued(traceparent_of(request.headers)),
        tracer().start_as_current_span("process chunk") as span,
        log_context(**_ids(payload), task=task_name, attempt=attempt),
    ):
        span.set_attributes({**_ids(payload), "task": task_name, "attempt": attempt})
        try:
            outcome = _run(payload, attempt, request.headers.get(GOOGLE_TOKEN_HEADER))
        except Exception as error:  # retryable or unexpected: Cloud Tasks tries again
            log.warning("task %s attempt %d failed: %s", task_name, attempt, error)
            response = error_response(error, task_name)
            if response.status_code < 500 and response.status_code != 429:
                response.status_code = 503  # any answer but 2xx makes Cloud Tasks retry
            span.set_attribute("http.status_code", response.status_code)
            return response
        span.set_attribute("outcome", outcome)
        log.info("task %s attempt %d: %s", task_name, attempt, outcome)
        return json_response({"outcome": outcome})


def _ids(payload: ChunkPayload | ExpireUploadPayload | ExportPayload) -> dict[str, str]:
    if isinstance(payload, ExportPayload):
        return {"export_id": payload.export_id}
    return {"job_id": payload.job_id}


def _run(
    payload: ChunkPayload | ExpireUploadPayload | ExportPayload,
    attempt: int,
    google_token: str | None,
) -> str:
    deps = bootstrap.deps()
    if isinstance(payload, ExportPayload):
        return f"export {run_export(deps, payload.export_id, google_token).status}"
    if isinstance(payload, ExpireUploadPayload):
        return expire_upload(deps, payload.job_id)
    chunk = Chunk(payload.chunk, payload.first_page, payload.last_page)
    return run_chunk(deps, ChunkTask(payload.job_id, payload.generation, chunk), attempt)


def _check_caller(request: flask.Request) -> None:
    check = bootstrap.worker_caller_check()
    if isinstance(check, LocalCallerCheck):
        check.verify(dict(request.headers))
    else:
        check.verify(request.headers.get("Authorization"))
