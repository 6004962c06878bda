"""Every error code the product answers or records, for clients that must know them all.

The API's OpenAPI document lists them as an enum, so a client generated from it (the
web app's message table) fails to build when a code is added without a message.
"""

from __future__ import annotations

from shared.domain.errors import error_class_codes
from shared.domain.jobs import JOB_ONLY_CODES


def error_codes() -> tuple[str, ...]:
    """The codes of every AppError class defined so far, and the job-only codes."""
    return tuple(sorted(error_class_codes().union(JOB_ONLY_CODES)))
