"""Gemini's failures in the port's terms, classified by the reason Google gives, and
described without any API key.

Google's errors carry a status and, for the ones that matter here, a
`google.rpc.ErrorInfo` reason: an invalid key is a 400 with API_KEY_INVALID, a key of a
project without the API a 403 with SERVICE_DISABLED, while the Files API answers a bare
403 PERMISSION_DENIED for a file it cannot find. So a 403 alone is not a bad key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import httpx
import httpx2
from google.genai import errors

from shared.domain.errors import (
    ModelError,
    ModelKeyInvalid,
    ModelNotFound,
    ModelRateLimited,
    ModelRequestRejected,
    ModelUnavailable,
)

# What a call can fail with: Google's answer, or no answer. The SDK sends with httpx2 by
# default and with httpx when GOOGLE_GENAI_HTTP_CLIENT=httpx; a timeout is a TransportError.
CALL_ERRORS = (errors.APIError, httpx2.TransportError, httpx.TransportError)

# ErrorInfo reasons (google/api/error_reason.proto) that say the key, or the project it
# belongs to, may not call the API: a new key can help, a retry cannot.
KEY_REASONS = frozenset(
    {
        "API_KEY_INVALID",
        "API_KEY_SERVICE_BLOCKED",
        "API_KEY_HTTP_REFERRER_BLOCKED",
        "API_KEY_IP_ADDRESS_BLOCKED",
        "API_KEY_ANDROID_APP_BLOCKED",
        "API_KEY_IOS_APP_BLOCKED",
        "CREDENTIALS_MISSING",
        "CONSUMER_INVALID",
        "CONSUMER_SUSPENDED",
        "SERVICE_DISABLED",
        "BILLING_DISABLED",
    }
)
# The one key failure Google answers without an ErrorInfo: no key at all.
_NO_KEY_MESSAGE = "unregistered callers"
# Google API keys: "AIza" and 35 more characters; redacted even when not ours.
_GOOGLE_API_KEY = re.compile(r"AIza[0-9A-Za-z_\-]{35}")
REDACTED = "[redacted key]"


class GeminiCallFailed(Exception):
    """The SDK's failure as text without keys: chained as the cause of the port's error,
    so logs never print the SDK's own exception (whose text may hold the key)."""


def redact(text: str, keys: Iterable[str]) -> str:
    for key in keys:
        if key:
            text = text.replace(key, REDACTED)
    return _GOOGLE_API_KEY.sub(REDACTED, text)


def model_error(exc: Exception, keys: Iterable[str], model: str, api_version: str) -> ModelError:
    """The port's error for an SDK failure, its message free of keys."""
    keys = list(keys)
    if not isinstance(exc, errors.APIError):
        return ModelUnavailable(f"Gemini did not answer: {type(exc).__name__}.")
    message = redact(f"Gemini answered {exc.code} {exc.status}: {exc.message}", keys)
    details = _error_details(exc.details)
    reasons = {
        str(d.get("reason")) for d in details if str(d.get("@type", "")).endswith("ErrorInfo")
    }
    if isinstance(exc, errors.ServerError) or exc.code >= 500 or exc.code == 408:
        return ModelUnavailable(message)
    if exc.code == 429:
        return ModelRateLimited(message, retry_after_seconds=_retry_delay(details))
    if reasons & KEY_REASONS or exc.code == 401 or _NO_KEY_MESSAGE in str(exc.message):
        return ModelKeyInvalid(message, {"reasons": sorted(reasons)})
    if exc.code == 404:
        return ModelNotFound(
            f"{message} (model {model!r}, API version {api_version}: set FNT_GEMINI_MODEL"
            " to a current model, see the README's Engines section)"
        )
    return ModelRequestRejected(message, {"reasons": sorted(reasons)} if reasons else None)


def described(exc: Exception, keys: Iterable[str]) -> GeminiCallFailed:
    return GeminiCallFailed(redact(f"{type(exc).__name__}: {exc}", keys))


def _error_details(body: Any) -> list[Mapping[str, Any]]:
    if not isinstance(body, Mapping):
        return []
    error = body.get("error", body)
    found = error.get("details", []) if isinstance(error, Mapping) else []
    return [detail for detail in found if isinstance(detail, Mapping)]


def _retry_delay(details: list[Mapping[str, Any]]) -> int | None:
    """RetryInfo's delay ("30s", "1.5s") in whole seconds, if Google gave one."""
    for detail in details:
        delay = str(detail.get("retryDelay", ""))
        if str(detail.get("@type", "")).endswith("RetryInfo") and delay.endswith("s"):
            try:
                return max(1, math.ceil(float(delay[:-1])))
            except ValueError:
                return None
    return None
