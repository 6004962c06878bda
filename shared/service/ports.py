"""What the service layer needs from the outside world; adapters implement these.

Unit tests use the in-memory fakes of `tests/fakes.py`; production uses Firestore,
Cloud Storage, Cloud Tasks, Firebase Auth, Secret Manager and Google Sheets
(`shared/adapters`). The Gemini engine's own ports are in `shared/gemini/ports.py`, the
rate limiter's in `shared/ratelimit/ports.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shared.domain.batches import Batch
from shared.domain.exports import Export, SheetsOptions
from shared.domain.ids import BatchId, ExportId, JobId, TeamId, WebhookId
from shared.domain.jobs import Job, JobStatus
from shared.domain.sentences import Note, OutputSentence
from shared.domain.teams import Invite, Team
from shared.domain.users import User, UserSettings
from shared.domain.webhooks import DeliveryAttempt, Endpoint
from shared.service.task_messages import TaskMessage


@dataclass(frozen=True, slots=True)
class SignedUpload:
    """Where and how the client PUTs its file: every header listed must be sent as is."""

    url: str
    method: str
    headers: Mapping[str, str]
    expires_at: datetime


class ObjectStore(Protocol):
    def signed_upload(
        self, name: str, content_type: str, size_bytes: int, expires_at: datetime
    ) -> SignedUpload: ...

    def read(self, name: str, generation: int | None = None) -> bytes:
        """The object's bytes (of that generation, when given); raises ObjectMissing."""
        ...

    def write(self, name: str, data: bytes, content_type: str) -> int:
        """Store `data` under `name`; returns the new generation."""
        ...

    def delete(self, name: str) -> None:
        """Remove the object; a missing one is not an error."""
        ...

    def signed_download(self, name: str, filename: str, expires_at: datetime) -> str:
        """A V4 signed GET URL that downloads the object as `filename`."""
        ...

    def copy(self, name: str, generation: int, new_name: str) -> int:
        """Copy that generation of `name` to `new_name` (server side); the new generation.

        Raises ObjectMissing when that generation is gone."""
        ...


@dataclass(frozen=True, slots=True)
class Task:
    """A message for the worker, on a queue. Its name makes re-enqueueing it harmless.

    `queue` names the queue: "chunks", or "gemini" (paced to the model's quota).
    """

    message: TaskMessage
    schedule_at: datetime | None = None
    queue: str = "chunks"
    headers: Mapping[str, str] = field(default_factory=dict)  # e.g. the traceparent

    @property
    def name(self) -> str:
        return self.message.name


class TaskQueue(Protocol):
    def enqueue(self, task: Task) -> None:
        """Add the task; one whose name was already enqueued is not an error."""
        ...


@dataclass(frozen=True, slots=True)
class ChunkRecord:
    """What one finished chunk contributed to its job."""

    number: int
    sentence_count: int
    source_count: int
    pages: int
    pages_without_text: int
    started_at: datetime  # when the worker began this chunk (its successful attempt)
    finished_at: datetime
    # What the model cost for this chunk (0 with the offline engine).
    prompt_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: int = 0
    model_calls: int = 0
    flagged: int = 0  # sentences the offline engine made after the model's rewrite failed
    # What its pages held that is not prose, by kind ("headers", "notes", "folios"...).
    removed: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ResultPart:
    """A slice of one chunk's sentences and notes, small enough for one stored document.

    `offset` is the position of its first sentence within the chunk; `source_index`
    of each sentence is local to the chunk too. Part ids sort in book order.
    """

    id: str
    chunk: int
    offset: int
    sentences: tuple[OutputSentence, ...]
    # The source sentences these come from, by chunk-local source_index (for exports).
    originals: Mapping[int, str] = field(default_factory=dict)
    # The book's notes printed on the chunk's pages, kept apart from the sentences.
    notes: tuple[Note, ...] = ()


class JobRepository(Protocol):
    def add(self, job: Job) -> None: ...

    def get(self, job_id: JobId) -> Job | None:
        """The job with its `version` set, or None."""
        ...

    def get_many(self, job_ids: Sequence[JobId]) -> list[Job]:
        """The jobs of those ids that exist, in the order asked."""
        ...

    def compare_and_set(self, current: Job, new: Job) -> bool:
        """Store the fields `new` changes iff the job is still at `current.version`."""
        ...

    def record_chunk(
        self, job_id: JobId, record: ChunkRecord, parts: Sequence[ResultPart]
    ) -> int | None:
        """Atomically store the chunk's parts, mark it done and add it to the job's counters.

        Returns the job's count of recorded chunks with this one, or None, changing
        nothing, if the chunk was recorded before.
        """
        ...

    def chunk_recorded(self, job_id: JobId, number: int) -> bool: ...

    def save_profile(self, job_id: JobId, generation: int, profile: str) -> None:
        """Keep what the text engine learned from that upload of the book (JSON)."""
        ...

    def profile(self, job_id: JobId, generation: int) -> str | None:
        """The profile saved for that upload, or None."""
        ...

    def save_pages(self, job_id: JobId, generation: int, parts: Sequence[bytes]) -> None:
        """Keep that upload's cleaned pages, part by part (`shared.text.stored_pages`)."""
        ...

    def pages_part(self, job_id: JobId, generation: int, part: int) -> bytes | None:
        """Part number `part` of the pages saved for that upload, or None."""
        ...

    def chunk_records(self, job_id: JobId) -> list[ChunkRecord]:
        """Every recorded chunk of the job, by number."""
        ...

    def result_parts(self, job_id: JobId, from_id: str | None = None) -> Iterator[ResultPart]:
        """The job's result parts in book order, from part `from_id` (included) on."""
        ...

    def list_for_owner(
        self, owner_uid: str, status: JobStatus | None, limit: int, after: JobCursor | None
    ) -> list[Job]:
        """The owner's jobs, newest first, after the (created_at, id) position `after`."""
        ...

    def list_for_team(
        self, team_id: TeamId, status: JobStatus | None, limit: int, after: JobCursor | None
    ) -> list[Job]:
        """The jobs in the team's space, newest first, after the position `after`."""
        ...

    def count_active(self, owner_uid: str) -> int:
        """How many of the owner's jobs have not ended."""
        ...

    def delete(self, job_id: JobId) -> None:
        """Remove the job with its results and marks; a missing one is not an error."""
        ...

    def record_export(self, job_id: JobId, summary: Mapping[str, object]) -> None:
        """Add an export (kind, URL, when) to the job's history entry."""
        ...


@dataclass(frozen=True, slots=True)
class JobCursor:
    """A position in a history listing: the last job seen."""

    created_at: datetime
    job_id: JobId


@dataclass(frozen=True, slots=True)
class BatchCursor:
    """A position in a listing of batches: the last batch seen."""

    created_at: datetime
    batch_id: BatchId


class BatchRepository(Protocol):
    def add(self, batch: Batch) -> None: ...

    def get(self, batch_id: BatchId) -> Batch | None:
        """The batch with its `version` set, or None."""
        ...

    def compare_and_set(self, current: Batch, new: Batch) -> bool:
        """Store `new` iff the batch is still at `current.version`."""
        ...

    def record_ended(self, batch_id: BatchId, job_id: JobId, failed: bool) -> bool:
        """Atomically mark the book ended and add it to the batch's counts (and to its
        failures when `failed`). False, changing nothing, if it was counted before or
        the batch is gone."""
        ...

    def list_for_owner(self, owner_uid: str, limit: int, after: BatchCursor | None) -> list[Batch]:
        """The owner's batches, newest first, after the position `after`."""
        ...

    def list_for_team(self, team_id: TeamId, limit: int, after: BatchCursor | None) -> list[Batch]:
        """The batches in the team's space, newest first, after the position `after`."""
        ...

    def delete(self, batch_id: BatchId) -> None:
        """Remove the batch and its marks; a missing one is not an error."""
        ...


class WebhookRepository(Protocol):
    def add(self, endpoint: Endpoint) -> None: ...

    def get(self, endpoint_id: WebhookId) -> Endpoint | None:
        """The endpoint with its `version` set, or None."""
        ...

    def compare_and_set(self, current: Endpoint, new: Endpoint) -> bool: ...

    def list_for_owner(self, owner_uid: str) -> list[Endpoint]:
        """The owner's endpoints, oldest first."""
        ...

    def delete(self, endpoint_id: WebhookId) -> None:
        """Remove the endpoint and its delivery log; a missing one is not an error."""
        ...

    def record_attempt(self, attempt: DeliveryAttempt) -> None:
        """Keep the attempt in the endpoint's delivery log (recording it again replaces it)."""
        ...

    def attempt_recorded(self, endpoint_id: WebhookId, message_id: str, attempt: int) -> bool: ...

    def attempts(
        self, endpoint_id: WebhookId, limit: int, before: datetime | None
    ) -> list[DeliveryAttempt]:
        """The endpoint's delivery log, newest first, from before `before`."""
        ...


@dataclass(frozen=True, slots=True)
class WebhookCall:
    url: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class WebhookAnswer:
    """What came of one request to a receiver."""

    status_code: int | None  # None: no HTTP answer (refused connection, timeout, TLS...)
    latency_ms: float
    excerpt: str = ""  # the start of the answer's body, as text
    error: str | None = None  # why there was no usable answer, in words


class WebhookSender(Protocol):
    def check(self, url: str) -> None:
        """Raise WebhookTargetRefused unless `url` is HTTPS and its host resolves only to
        addresses a delivery may reach."""
        ...

    def send(self, call: WebhookCall) -> WebhookAnswer:
        """POST the call to the address its host resolves to now, checked again (raises
        WebhookTargetRefused); no redirect followed, short timeouts, answer read capped."""
        ...


class SecretSealer(Protocol):
    def seal(self, secret: str, context: str) -> bytes:
        """`secret` encrypted, bound to `context` (the endpoint's id); raises
        WebhooksNotConfigured when there is no key."""
        ...

    def open(self, sealed: bytes, context: str) -> str: ...


class TeamRepository(Protocol):
    def add(self, team: Team) -> None: ...

    def get(self, team_id: TeamId) -> Team | None:
        """The team with its `version` set, or None."""
        ...

    def compare_and_set(self, current: Team, new: Team) -> bool: ...

    def list_for_member(self, uid: str) -> list[Team]:
        """The teams `uid` belongs to, oldest first."""
        ...

    def delete(self, team_id: TeamId) -> None: ...


class InviteRepository(Protocol):
    def add(self, invite: Invite) -> None: ...

    def get(self, token_hash: str) -> Invite | None:
        """The invite with its `version` set, or None."""
        ...

    def compare_and_set(self, current: Invite, new: Invite) -> bool: ...

    def list_for_team(self, team_id: TeamId) -> list[Invite]:
        """The team's invites, newest first."""
        ...


@dataclass(frozen=True, slots=True)
class PlanChange:
    """An admin's change of a user's plan, as the audit log keeps it."""

    subject_uid: str  # whose plan changed
    by_uid: str  # the admin who changed it
    at: datetime
    from_plan: str
    to_plan: str


class UserDirectory(Protocol):
    """The users' accounts (Firebase Auth), as an admin manages them."""

    def plan_of(self, uid: str) -> str | None:
        """The plan the user's custom claims name (None when they name none); raises
        UserNotFound when there is no such user."""
        ...

    def set_plan(self, uid: str, plan: str) -> None:
        """Set the user's plan claim, keeping their other claims; their next ID token
        (at its refresh, within the hour) carries it."""
        ...


class AuditLog(Protocol):
    def record_plan_change(self, change: PlanChange) -> None: ...

    def plan_changes(self, subject_uid: str, limit: int) -> list[PlanChange]:
        """The user's plan changes, newest first."""
        ...


@dataclass(frozen=True, slots=True)
class UsageRow:
    """Usage counted for one day and one group (a plan, a team, a user, or all)."""

    day: str  # YYYY-MM-DD, UTC
    group: str  # "all", a plan's name, a team's id or a user's id
    counts: Mapping[str, int]


class UsageCounters(Protocol):
    """Counters of use per day, kept with increments as work finishes (never by scanning).

    Each addition names its day and the groups it counts for, by dimension ("plan",
    "team", "user"; "all" always): one write adds to every group's counters."""

    def add(
        self,
        day: str,
        groups: Mapping[str, str],
        counts: Mapping[str, int],
        once: str | None = None,
    ) -> bool:
        """Add `counts` to the day's counters of each group (dimension -> key). With
        `once`, only the first addition under that name counts (False after)."""
        ...

    def add_groups(self, day: str, counts: Mapping[tuple[str, str], Mapping[str, int]]) -> None:
        """Add each group's counts (by (dimension, key)) to the day's counters, all in one
        write, each group's counters written once."""
        ...

    def rows(self, first_day: str, last_day: str, dimension: str) -> list[UsageRow]:
        """Every group of `dimension` ("all", "plan", "team", "user") counted from
        `first_day` to `last_day` (inclusive), by day then group."""
        ...


@dataclass(frozen=True, slots=True)
class WrittenSheet:
    url: str
    rows: int
    spreadsheet_id: str = ""


class SheetsWriter(Protocol):
    # True: the service writes as itself (no user token needed) and shares the sheet.
    service_account_mode: bool

    def __call__(
        self,
        google_token: str | None,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        options: SheetsOptions,
        owner_email: str | None,
    ) -> WrittenSheet:
        """Write the table to Google Sheets (the user's token, or the service's own
        identity sharing the sheet with `owner_email`)."""
        ...


class ExportRepository(Protocol):
    def add(self, export: Export) -> None: ...

    def get(self, export_id: ExportId) -> Export | None: ...

    def save(self, export: Export) -> None: ...

    def claim(self, export_id: ExportId) -> bool:
        """Mark the export as being written; False if a run already holds it."""
        ...

    def release(self, export_id: ExportId) -> None: ...


class UserSettingsRepository(Protocol):
    def get(self, uid: str) -> UserSettings | None: ...

    def put(self, uid: str, settings: UserSettings) -> None: ...


@dataclass(frozen=True, slots=True)
class ScanVerdict:
    infected: bool
    signature: str | None = None  # the malware's name, as the scanner calls it


class MalwareScanner(Protocol):
    def scan(self, bucket: str, name: str, generation: int) -> ScanVerdict:
        """Scan that generation of an uploaded object; raises ScannerUnavailable when the
        scanner cannot answer (the upload then waits: nothing goes on unscanned)."""
        ...


class Quarantine(Protocol):
    def move(self, name: str, generation: int) -> None:
        """Move that generation of an upload where nobody else reads it."""
        ...


class UserVerifier(Protocol):
    def verify(self, authorization_header: str | None) -> User:
        """The user an `Authorization: Bearer <ID token>` header proves; raises
        Unauthenticated otherwise."""
        ...


class CallerCheck(Protocol):
    def verify(self, headers: Mapping[str, str]) -> str:
        """The service a worker request comes from; raises Unauthenticated or Forbidden."""
        ...


class SecretSource(Protocol):
    def get(self, name: str) -> str | None:
        """The secret's value, or None when it is not set."""
        ...
