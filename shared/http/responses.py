"""JSON responses, and the one place that turns exceptions into error responses.

Error body: {"error": {"code", "message", "details", "request_id"}}. Unexpected
exceptions are logged with their trace and answered with a generic 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import flask
from pydantic import BaseModel, ValidationError

from shared.domain.errors import TextEngineError
from shared.errors import AppError

log = logging.getLogger(__name__)

JSON = "application/json"


def json_response(
    body: BaseModel | Mapping[str, object], status: int = 200, headers: Mapping[str, str] = {}
) -> flask.Response:
    text = body.model_dump_json() if isinstance(body, BaseModel) else flask.json.dumps(body)
    return flask.Response(text, status=status, headers=dict(headers), mimetype=JSON)


def error_response(error: BaseException, request_id: str) -> flask.Response:
    status, code, message, details = describe(error)
    if status >= 500 and not isinstance(error, AppError):
        log.error("unhandled error", exc_info=error, extra={"request_id": request_id})
    body = {
        "error": {"code": code, "message": message, "details": details, "request_id": request_id}
    }
    if isinstance(error, AppError):
        headers = error.response_headers()
    else:
        headers = {"Retry-After": "5"} if status == 503 else {}
    return json_response(body, status, headers)


def describe(error: BaseException) -> tuple[int, str, str, dict[str, object]]:
    """(HTTP status, stable code, message for people, details) for any exception."""
    if isinstance(error, AppError):
        return error.status, error.code, error.message, error.details
    if isinstance(error, TextEngineError):
        status = 503 if error.retryable else 400
        return status, error.code, str(error), {}
    if isinstance(error, ValidationError):
        problems = [
            {"field": ".".join(str(part) for part in item["loc"]), "problem": item["msg"]}
            for item in error.errors(include_url=False, include_input=False)
        ]
        return 422, "VALIDATION_FAILED", "The request is not valid.", {"problems": problems}
    return 500, "INTERNAL", "Something went wrong on our side; try again later.", {}
