"""JSON responses, and the one place that turns errors into HTTP answers.

Error body: {"error": {"code", "message", "details", "request_id"}}. An error's kind
picks its status in `STATUS_OF_KIND`; unexpected exceptions are logged with their
trace and answered with a generic 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus

import flask
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from shared.domain.errors import (
    AppError,
    ErrorKind,
    InvalidFields,
    InvalidInput,
    MethodNotAllowed,
    RouteNotFound,
    TooLarge,
    UnsupportedFormat,
)
from shared.ratelimit import Decision, RateLimited

log = logging.getLogger(__name__)

JSON = "application/json"
# What a client should wait before trying a transient failure again, when the error
# does not say.
DEFAULT_RETRY_AFTER_SECONDS = 5

STATUS_OF_KIND: Mapping[ErrorKind, HTTPStatus] = {
    ErrorKind.INVALID_INPUT: HTTPStatus.BAD_REQUEST,
    ErrorKind.INVALID_FIELDS: HTTPStatus.UNPROCESSABLE_ENTITY,
    ErrorKind.TOO_LARGE: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    ErrorKind.UNSUPPORTED_FORMAT: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    ErrorKind.UNAUTHENTICATED: HTTPStatus.UNAUTHORIZED,
    ErrorKind.FORBIDDEN: HTTPStatus.FORBIDDEN,
    ErrorKind.NOT_FOUND: HTTPStatus.NOT_FOUND,
    ErrorKind.NOT_ALLOWED: HTTPStatus.METHOD_NOT_ALLOWED,
    ErrorKind.CONFLICT: HTTPStatus.CONFLICT,
    ErrorKind.LIMITED: HTTPStatus.TOO_MANY_REQUESTS,
    ErrorKind.TRANSIENT: HTTPStatus.SERVICE_UNAVAILABLE,
    ErrorKind.PERMANENT: HTTPStatus.BAD_GATEWAY,
    ErrorKind.INTERNAL: HTTPStatus.INTERNAL_SERVER_ERROR,
}


# The web framework's refusals, as our errors (anything else it raises is unexpected).
_FRAMEWORK_ERRORS: Mapping[int, tuple[type[AppError], str]] = {
    400: (InvalidInput, "The request is malformed."),
    404: (RouteNotFound, "No such route."),
    405: (MethodNotAllowed, "This method is not allowed here."),
    413: (TooLarge, "The request body is too large."),
    415: (UnsupportedFormat, "The request body is not in a format this route reads."),
}


class Unexpected(AppError):
    """Any exception that is not one of ours: its details stay in the log."""

    code = "INTERNAL"

    def __init__(self) -> None:
        super().__init__("Something went wrong on our side; try again later.")


def json_response(
    body: BaseModel | Mapping[str, object], status: int = 200, headers: Mapping[str, str] = {}
) -> flask.Response:
    text = body.model_dump_json() if isinstance(body, BaseModel) else flask.json.dumps(body)
    return flask.Response(text, status=status, headers=dict(headers), mimetype=JSON)


def error_response(error: BaseException, request_id: str) -> flask.Response:
    known = as_app_error(error)
    if isinstance(known, Unexpected):
        log.error("unhandled error", exc_info=error, extra={"request_id": request_id})
    body = {
        "error": {
            "code": known.code,
            "message": known.message,
            "details": known.details,
            "request_id": request_id,
        }
    }
    return json_response(body, http_status(known), error_headers(known))


def as_app_error(error: BaseException) -> AppError:
    """The error in the product's vocabulary (a pydantic refusal is the caller's fault, and
    so are the web framework's own refusals: too large, not found, not allowed)."""
    if isinstance(error, AppError):
        return error
    refusal = _FRAMEWORK_ERRORS.get(error.code or 0) if isinstance(error, HTTPException) else None
    if refusal is not None:
        kind, message = refusal
        return kind(message)
    if isinstance(error, ValidationError):
        problems = [
            {"field": ".".join(str(part) for part in item["loc"]), "problem": item["msg"]}
            for item in error.errors(include_url=False, include_input=False)
        ]
        return InvalidFields("The request is not valid.", {"problems": problems})
    return Unexpected()


def http_status(error: AppError) -> HTTPStatus:
    return STATUS_OF_KIND[error.kind]


def error_headers(error: AppError) -> dict[str, str]:
    """When to come back, for an error worth retrying; a spent quota's figures."""
    headers = rate_limit_headers(error.decision) if isinstance(error, RateLimited) else {}
    if error.transient:
        retry_after = error.retry_after_seconds or DEFAULT_RETRY_AFTER_SECONDS
        headers["Retry-After"] = str(retry_after)
    return headers


def rate_limit_headers(decision: Decision) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(int(decision.reset_at.timestamp())),
    }
