"""The `run_task` function: the Cloud Tasks target, for every kind of task message.

Answers: 2xx when the task is done or can never succeed (its job is then failed with a
code, so Cloud Tasks stops); a retry status when another attempt may succeed (see
`task_outcomes`); 401/403 to callers other than Cloud Tasks.
"""

from __future__ import annotations

import logging

import flask
from pydantic import ValidationError

from shared.domain.errors import AppError
from shared.entrypoints.task_outcomes import failed_task_response
from shared.http.responses import error_response, json_response
from shared.observability.logs import log_context
from shared.observability.tracing import continued, traceparent_of, tracer
from shared.service.chunks import run_chunk
from shared.service.deps import Deps
from shared.service.exports import GOOGLE_TOKEN_HEADER, run_export
from shared.service.ports import CallerCheck
from shared.service.task_messages import (
    ChunkTask,
    ExpireUploadTask,
    ExportTask,
    TaskMessage,
    WebhookTask,
    ids_of,
    parse_task,
)
from shared.service.upload_expiry import expire_upload
from shared.service.webhook_delivery import deliver

log = logging.getLogger(__name__)


class TaskWorker:
    def __init__(self, deps: Deps, callers: CallerCheck) -> None:
        self._deps = deps
        self._callers = callers

    def handle(self, request: flask.Request) -> flask.Response:
        task_name = request.headers.get("X-CloudTasks-TaskName", "?")
        try:
            self._callers.verify(dict(request.headers))
        except AppError as error:
            return error_response(error, task_name)
        try:
            message = parse_task(request.get_data())
        except ValidationError as error:  # a task that can never succeed: drop it
            log.error("dropped task %s with an invalid payload: %s", task_name, error)
            return json_response({"outcome": "dropped: invalid payload"})
        attempt = int(request.headers.get("X-CloudTasks-TaskRetryCount", "0")) + 1
        ids = ids_of(message)
        with (
            continued(traceparent_of(request.headers)),
            tracer().start_as_current_span(f"task {message.kind}") as span,
            log_context(**ids, task=task_name, attempt=attempt),
        ):
            span.set_attributes({**ids, "task": task_name, "attempt": attempt})
            try:
                outcome = self._run(message, attempt, request.headers.get(GOOGLE_TOKEN_HEADER))
            except Exception as error:
                log.warning("task %s attempt %d failed: %s", task_name, attempt, error)
                response = failed_task_response(error, task_name)
                span.set_attribute("http.status_code", response.status_code)
                return response
            span.set_attribute("outcome", outcome)
            log.info("task %s attempt %d: %s", task_name, attempt, outcome)
            return json_response({"outcome": outcome})

    def _run(self, message: TaskMessage, attempt: int, google_token: str | None) -> str:
        match message:
            case ChunkTask():
                return run_chunk(self._deps, message, attempt)
            case ExpireUploadTask():
                return expire_upload(self._deps, message.job_id)
            case ExportTask():
                export = run_export(self._deps, message.export_id, google_token)
                return f"export {export.status}"
            case WebhookTask():
                return deliver(self._deps, message)
