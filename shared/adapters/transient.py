"""One place that decides which Google API errors are worth a retry."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import requests
from google.api_core import exceptions as google_errors

from shared.domain.errors import Unavailable

P = ParamSpec("P")
R = TypeVar("R")

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    google_errors.ServiceUnavailable,
    google_errors.DeadlineExceeded,
    google_errors.TooManyRequests,
    google_errors.ResourceExhausted,
    google_errors.InternalServerError,
    google_errors.BadGateway,
    google_errors.GatewayTimeout,
    # What a client raises once its own retries of transient errors ran out.
    google_errors.RetryError,
    requests.ConnectionError,
    requests.Timeout,
)


def transient_errors_as_unavailable(function: Callable[P, R]) -> Callable[P, R]:
    """Raise a transient API failure as Unavailable, so callers answer "retry later"."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except TRANSIENT_ERRORS as error:
            raise Unavailable("A Google Cloud service is unavailable; retry later.") from error

    return wrapper
