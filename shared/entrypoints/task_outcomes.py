"""How the task worker answers Cloud Tasks for a task that raised: retry or drop.

Cloud Tasks retries any answer but 2xx, with its backoff, up to the queue's attempts.
A transient error is worth that; anything else of ours is permanent (the use case has
already failed its job with a code), so the task is dropped with a 2xx instead of
retried to no end. An unexpected exception may pass on another attempt; the chunk
runner fails its job on the last one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus

import flask

from shared.domain.errors import AppError, ErrorKind
from shared.http.responses import error_response, json_response

log = logging.getLogger(__name__)

RETRY_STATUS_OF_KIND: Mapping[ErrorKind, HTTPStatus] = {
    ErrorKind.TRANSIENT: HTTPStatus.SERVICE_UNAVAILABLE,
    ErrorKind.LIMITED: HTTPStatus.TOO_MANY_REQUESTS,  # Cloud Tasks backs off; the queue paces
}
UNEXPECTED_STATUS = HTTPStatus.SERVICE_UNAVAILABLE


def failed_task_response(error: Exception, task_name: str) -> flask.Response:
    """The answer to a task that raised `error`: a retry status, or a 2xx that drops it."""
    if isinstance(error, AppError) and error.kind not in RETRY_STATUS_OF_KIND:
        log.error("dropped task %s: %s %s", task_name, error.code, error.message)
        return json_response({"outcome": f"dropped: {error.code}"})
    response = error_response(error, task_name)
    status = RETRY_STATUS_OF_KIND.get(error.kind) if isinstance(error, AppError) else None
    response.status_code = status or UNEXPECTED_STATUS
    return response
