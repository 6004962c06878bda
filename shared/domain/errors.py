"""The one vocabulary of errors: what went wrong, in the product's terms, with a stable code.

Every error the system raises on purpose is an `AppError`. Its `kind` says what it
means (not found, conflict, invalid input...); its `code` is stable for clients. Only
the entry points turn kinds into answers, each through one table: HTTP statuses
(`shared/http/responses.py`) and the task queue's retry-or-drop
(`shared/entrypoints/task_outcomes.py`). Messages are for people and never carry
secrets, tokens or stack traces.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar


class ErrorKind(StrEnum):
    INVALID_INPUT = "invalid_input"  # the caller sent something unusable
    INVALID_FIELDS = "invalid_fields"  # well-formed, but fields break their rules
    TOO_LARGE = "too_large"  # over a size limit
    UNSUPPORTED_FORMAT = "unsupported_format"  # not in a form that is read here
    UNAUTHENTICATED = "unauthenticated"  # who calls is unknown
    FORBIDDEN = "forbidden"  # who calls may not do this
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"  # no such operation on this resource
    CONFLICT = "conflict"  # the resource's state forbids it now
    LIMITED = "limited"  # a quota is spent: later
    TRANSIENT = "transient"  # a dependency failed in a way that may pass
    PERMANENT = "permanent"  # a dependency refused in a way no retry changes
    INTERNAL = "internal"  # a fault of ours


class UnsafeConfiguration(RuntimeError):
    """The settings would run production with local shortcuts: refuse to start."""


# Kinds worth another attempt of the same request or task.
TRANSIENT_KINDS = frozenset({ErrorKind.TRANSIENT, ErrorKind.LIMITED})


def error_class_codes() -> frozenset[str]:
    """The code of every AppError class defined so far."""
    codes: set[str] = set()
    pending: list[type[AppError]] = [AppError]
    while pending:
        error = pending.pop()
        codes.add(error.code)
        pending += error.__subclasses__()
    return frozenset(codes)


class AppError(Exception):
    kind: ClassVar[ErrorKind] = ErrorKind.INTERNAL
    code: ClassVar[str] = "INTERNAL"

    def __init__(
        self,
        message: str,
        details: Mapping[str, object] | None = None,
        *,
        retry_after_seconds: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})
        # When a transient error may pass (None: the caller picks its own pace).
        self.retry_after_seconds = retry_after_seconds

    @property
    def transient(self) -> bool:
        """Whether the same request or task may succeed if tried again later."""
        return self.kind in TRANSIENT_KINDS


# --------------------------------------------------------------------------- by kind


class InvalidInput(AppError):
    kind = ErrorKind.INVALID_INPUT
    code = "INVALID_REQUEST"


class InvalidFields(AppError):
    kind = ErrorKind.INVALID_FIELDS
    code = "VALIDATION_FAILED"


class TooLarge(AppError):
    kind = ErrorKind.TOO_LARGE
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedFormat(AppError):
    kind = ErrorKind.UNSUPPORTED_FORMAT
    code = "UNSUPPORTED_MEDIA_TYPE"


class Unauthenticated(AppError):
    kind = ErrorKind.UNAUTHENTICATED
    code = "UNAUTHENTICATED"


class Forbidden(AppError):
    kind = ErrorKind.FORBIDDEN
    code = "FORBIDDEN"


class NotFound(AppError):
    kind = ErrorKind.NOT_FOUND
    code = "NOT_FOUND"


class NotAllowed(AppError):
    kind = ErrorKind.NOT_ALLOWED
    code = "METHOD_NOT_ALLOWED"


class Conflict(AppError):
    kind = ErrorKind.CONFLICT
    code = "CONFLICT"


class Limited(AppError):
    kind = ErrorKind.LIMITED
    code = "RATE_LIMITED"


class Unavailable(AppError):
    """A dependency failed in a way that may pass: try again later."""

    kind = ErrorKind.TRANSIENT
    code = "UNAVAILABLE"


class DependencyRefused(AppError):
    """A service we depend on refused in a way no retry changes."""

    kind = ErrorKind.PERMANENT
    code = "DEPENDENCY_REFUSED"


# --------------------------------------------------------------------------- requests


class RouteNotFound(NotFound):
    code = "ROUTE_NOT_FOUND"


class MethodNotAllowed(NotAllowed):
    code = "METHOD_NOT_ALLOWED"


class MissingToken(Unauthenticated):
    code = "AUTH_TOKEN_MISSING"


class InvalidToken(Unauthenticated):
    code = "AUTH_TOKEN_INVALID"


class ExpiredToken(Unauthenticated):
    code = "AUTH_TOKEN_EXPIRED"


class ForbiddenCaller(Forbidden):
    code = "CALLER_FORBIDDEN"


class FileTooLarge(TooLarge):
    code = "FILE_TOO_LARGE"


# --------------------------------------------------------------------------- books


class InvalidLimit(InvalidInput, ValueError):
    code = "INVALID_LIMIT"


class InvalidPageRange(InvalidInput, ValueError):
    code = "INVALID_PAGE_RANGE"


class PdfError(InvalidInput):
    """The uploaded file cannot be processed as a book."""

    code = "PDF_ERROR"


class NotAPdf(PdfError):
    code = "NOT_A_PDF"


class DamagedPdf(PdfError):
    code = "PDF_DAMAGED"


class EncryptedPdf(PdfError):
    code = "PDF_ENCRYPTED"


class NoTextLayer(PdfError):
    code = "PDF_NO_TEXT_LAYER"


class TooManyPages(PdfError):
    code = "PDF_TOO_MANY_PAGES"


class UnsupportedPdf(PdfError):
    """A PDF that uses a feature this reader does not implement (an encryption handler)."""

    code = "PDF_UNSUPPORTED"


class TooLittleText(PdfError):
    """A text layer with a word or two: no book to drill."""

    code = "PDF_TOO_LITTLE_TEXT"


class BookProfileMismatch(AppError):
    """A page range was given the profile of another book: a fault of ours."""

    code = "BOOK_PROFILE_MISMATCH"


# --------------------------------------------------------------------------- jobs


class JobNotFound(NotFound):
    code = "JOB_NOT_FOUND"


class JobNotCompleted(Conflict):
    code = "JOB_NOT_COMPLETED"


class InvalidTransition(Conflict):
    code = "JOB_STATE_CONFLICT"


class UploadGone(Conflict):
    code = "UPLOAD_GONE"


class ResultTooLarge(PdfError):
    """A chunk's result that cannot be stored: a "sentence" of a garbled page."""

    code = "PDF_RESULT_TOO_LARGE"


class ScannerUnavailable(Unavailable):
    """The malware scanner cannot be reached: uploads wait (never unscanned)."""

    code = "SCANNER_UNAVAILABLE"


class UploadInfected(PdfError):
    code = "UPLOAD_INFECTED"


class ActiveContent(PdfError):
    """A PDF with scripts, actions, embedded files or XFA, where such files are refused."""

    code = "PDF_ACTIVE_CONTENT"


class ObjectMissing(NotFound):
    code = "OBJECT_NOT_FOUND"


class DispatchInProgress(Unavailable):
    code = "DISPATCH_IN_PROGRESS"


class ChunkRetry(Unavailable):
    """A chunk failed in a way another attempt may not: the queue should try again."""

    code = "CHUNK_RETRY"


class GeminiNotConfigured(InvalidInput):
    code = "GEMINI_NOT_CONFIGURED"


# --------------------------------------------------------------------------- the model


class ModelError(DependencyRefused):
    code = "GEMINI_ERROR"


class ModelRateLimited(ModelError):
    """429 RESOURCE_EXHAUSTED: the task is retried later, with the queue's backoff."""

    kind = ErrorKind.LIMITED
    code = "GEMINI_RATE_LIMITED"


class ModelUnavailable(ModelError):
    """5xx, a timeout or no connection: worth another attempt."""

    kind = ErrorKind.TRANSIENT
    code = "GEMINI_UNAVAILABLE"


class ModelKeyInvalid(ModelError):
    """The API key is missing, invalid or not allowed (even after reading the secret's
    newest version): no retry of the same task can help."""

    code = "GEMINI_KEY_INVALID"


class ModelRequestRejected(ModelError):
    """Any other 4xx: the request itself is wrong (too large, a field the model refuses...)."""

    code = "GEMINI_REQUEST_REJECTED"


class ModelNotFound(ModelRequestRejected):
    """The configured model does not exist (or no longer) under the configured API version."""

    code = "GEMINI_MODEL_NOT_FOUND"


class TranscriptionFailed(ModelError):
    """Pages of a scanned book the model could not read, even one page at a time; the
    details name the pages and Gemini's finish reason."""

    code = "TRANSCRIPTION_FAILED"


class TranscriptionRecited(TranscriptionFailed):
    """Gemini stopped with RECITATION: the pages reproduce a published text it will not copy."""

    code = "TRANSCRIPTION_RECITATION"


class TranscriptionBlocked(TranscriptionFailed):
    """Gemini blocked the pages or its answer (SAFETY, PROHIBITED_CONTENT...)."""

    code = "TRANSCRIPTION_BLOCKED"


class TranscriptionTruncated(TranscriptionFailed):
    """A single page's text did not fit the output budget (MAX_TOKENS)."""

    code = "TRANSCRIPTION_TRUNCATED"


class TranscriptionEmpty(TranscriptionFailed):
    """Gemini answered nothing for pages it was asked to read (not even 'blank page')."""

    code = "TRANSCRIPTION_EMPTY"


# --------------------------------------------------------------------------- exports


class ExportNotFound(NotFound):
    code = "EXPORT_NOT_FOUND"


class ExportsNotConfigured(InvalidInput):
    code = "EXPORTS_NOT_CONFIGURED"


class GoogleTokenMissing(Unauthenticated):
    code = "GOOGLE_TOKEN_MISSING"


class GoogleTokenInvalid(Unauthenticated):
    """The Google access token is missing or expired: the frontend must sign in again."""

    code = "GOOGLE_TOKEN_INVALID"


class GoogleScopeMissing(Forbidden):
    """The user signed in without granting the Sheets and Drive scopes."""

    code = "GOOGLE_SCOPE_MISSING"


class SpreadsheetNotFound(NotFound):
    code = "SPREADSHEET_NOT_FOUND"


class TabNotFound(Conflict):
    code = "SHEET_TAB_NOT_FOUND"


class SheetsRateLimited(Limited):
    code = "SHEETS_RATE_LIMITED"


class SheetsUnavailable(Unavailable):
    code = "SHEETS_UNAVAILABLE"


class SheetsRequestFailed(DependencyRefused):
    """Google refused a request for another reason (the details carry its message)."""

    code = "SHEETS_REQUEST_FAILED"


# --------------------------------------------------------------------------- batches


class BatchNotFound(NotFound):
    code = "BATCH_NOT_FOUND"


class BatchClosed(Conflict):
    """Files are added to a batch only while it is open."""

    code = "BATCH_CLOSED"


class BatchStateConflict(Conflict):
    """The batch's status forbids the change (cancelling one that has ended)."""

    code = "BATCH_STATE_CONFLICT"


class BatchTooLarge(InvalidFields):
    code = "BATCH_TOO_LARGE"


class BatchNotReady(Conflict):
    """A batch is exported once at least one of its books has completed."""

    code = "BATCH_NOT_READY"


# --------------------------------------------------------------------------- webhooks


class WebhookNotFound(NotFound):
    code = "WEBHOOK_NOT_FOUND"


class WebhookTargetRefused(InvalidFields):
    """A webhook URL that is not HTTPS, or whose host is (or resolves to) an address no
    delivery may reach: loopback, private, link-local, shared, multicast, metadata..."""

    code = "WEBHOOK_TARGET_REFUSED"


class WebhookLimitReached(Conflict):
    code = "WEBHOOK_LIMIT_REACHED"


class WebhooksNotConfigured(Unavailable):
    """The key that encrypts signing secrets is not set: endpoints cannot be made."""

    code = "WEBHOOKS_NOT_CONFIGURED"


# --------------------------------------------------------------------------- plans


class PlanLimitExceeded(Forbidden):
    """A limit of the caller's plan: `details` names it, its value and the plan."""

    code = "PLAN_LIMIT_EXCEEDED"


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"


class AdminOnly(Forbidden):
    code = "ADMIN_ONLY"


# --------------------------------------------------------------------------- accounts


class UserDisabled(Unauthenticated):
    """A valid ID token of an account that has been disabled since."""

    code = "USER_DISABLED"


class UserDeleted(Unauthenticated):
    """A valid ID token of an account that has been deleted since."""

    code = "USER_DELETED"


class RevokedToken(Unauthenticated):
    """An ID token issued before the user's sessions were revoked: sign in again."""

    code = "AUTH_TOKEN_REVOKED"


# --------------------------------------------------------------------------- teams


class TeamNotFound(NotFound):
    code = "TEAM_NOT_FOUND"


class InviteInvalid(NotFound):
    """No such invitation (or not for this user to see)."""

    code = "INVITE_NOT_FOUND"


class LastOwner(Conflict):
    """A team keeps an owner: its last one can neither leave nor become a member."""

    code = "TEAM_LAST_OWNER"


class InviteExpired(Conflict):
    code = "INVITE_EXPIRED"


class InviteUsed(Conflict):
    code = "INVITE_ALREADY_USED"


class InviteEmailMismatch(Forbidden):
    """The invitation is for another e-mail address, or the caller's is not verified."""

    code = "INVITE_EMAIL_MISMATCH"
