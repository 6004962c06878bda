"""Google's error answers, in the two shapes the fake serves.

The Sheets API (v4) answers {"error": {code, message, status, details}}; the Drive API
(v3) adds the older {"errors": [{domain, reason, message}]} list, which some clients
read for the reason (gspread's backoff client looks for "usageLimits" there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The canonical status name and the Drive reason for each HTTP status the fake answers.
_STATUS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "badRequest"),
    401: ("UNAUTHENTICATED", "authError"),
    403: ("PERMISSION_DENIED", "forbidden"),
    404: ("NOT_FOUND", "notFound"),
    409: ("ALREADY_EXISTS", "conflict"),
    429: ("RESOURCE_EXHAUSTED", "rateLimitExceeded"),
    500: ("INTERNAL", "backendError"),
    503: ("UNAVAILABLE", "backendError"),
}
# Messages for failures a test scripts with `fail_next`.
SCRIPTED_MESSAGES: dict[int, str] = {
    429: (
        "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per "
        "minute per user' of service 'sheets.googleapis.com' for consumer "
        "'project_number:000000000000'."
    ),
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
_DEVCONSOLE = "See https://developers.google.com/identity/sign-in/web/devconsole-project."
MISSING_CREDENTIALS = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    f"login cookie or other valid authentication credential. {_DEVCONSOLE}"
)
INVALID_CREDENTIALS = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, "
    f"login cookie or other valid authentication credential. {_DEVCONSOLE}"
)
INSUFFICIENT_SCOPES = "Request had insufficient authentication scopes."


@dataclass
class ApiError(Exception):
    """A failure the fake answers as Google would; `reason` goes into the ErrorInfo."""

    code: int
    message: str
    reason: str | None = None
    drive_reason: str | None = None  # else the one for the status
    headers: dict[str, str] = field(default_factory=dict)

    def body(self, service: str, *, drive: bool) -> dict[str, Any]:
        status, drive_reason = _STATUS.get(self.code, ("UNKNOWN", "unknown"))
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": status}
        if self.reason:
            error["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": self.reason,
                    "domain": "googleapis.com",
                    "metadata": {"service": service},
                }
            ]
        if drive:
            domain = "usageLimits" if self.code == 429 else "global"
            reason = self.drive_reason or drive_reason
            error["errors"] = [{"domain": domain, "reason": reason, "message": self.message}]
        return {"error": error}


def invalid(message: str) -> ApiError:
    return ApiError(400, message)
