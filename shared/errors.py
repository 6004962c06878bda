"""The errors the service layer raises; the HTTP layer maps them to responses in one place.

Each has a stable `code` for clients and an HTTP `status`; the message is for people
and must never carry secrets, tokens or stack traces.
"""

from __future__ import annotations

from collections.abc import Mapping


class AppError(Exception):
    code = "INTERNAL"
    status = 500
    # Whether the same request or task could succeed later (the caller should retry).
    retryable = False

    def __init__(self, message: str, details: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})

    def response_headers(self) -> dict[str, str]:
        """Headers the error's answer carries (a retryable one: when to come back)."""
        return {"Retry-After": "5"} if self.status in (429, 503) else {}


class InvalidRequest(AppError):
    code = "INVALID_REQUEST"
    status = 400


class NotFound(AppError):
    code = "NOT_FOUND"
    status = 404


class JobNotFound(NotFound):
    code = "JOB_NOT_FOUND"


class Conflict(AppError):
    code = "CONFLICT"
    status = 409


class JobNotCompleted(Conflict):
    code = "JOB_NOT_COMPLETED"


class PayloadTooLarge(AppError):
    code = "PAYLOAD_TOO_LARGE"
    status = 413


class UnsupportedMediaType(AppError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    status = 415


class Unavailable(AppError):
    """A dependency failed in a way that may pass: the caller should retry."""

    code = "UNAVAILABLE"
    status = 503
    retryable = True


class DispatchInProgress(Unavailable):
    code = "DISPATCH_IN_PROGRESS"


class FileTooLarge(PayloadTooLarge):
    code = "FILE_TOO_LARGE"
