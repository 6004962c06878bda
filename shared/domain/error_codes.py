"""Every error code the product answers or records, for clients that must know them all.

The API's OpenAPI document lists them as an enum, so a client generated from it (the
web app's message table) fails to build when a code is added without a message.
"""

from __future__ import annotations

from shared.domain.errors import AppError
from shared.domain.jobs import UPLOAD_EXPIRED


def _codes_below(error: type[AppError]) -> set[str]:
    codes = {error.code}
    for subclass in error.__subclasses__():
        codes |= _codes_below(subclass)
    return codes


def error_codes() -> tuple[str, ...]:
    """The codes of every AppError class defined so far, and the job-only codes."""
    return tuple(sorted(_codes_below(AppError) | {UPLOAD_EXPIRED}))
