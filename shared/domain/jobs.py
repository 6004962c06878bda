"""A processing job: its state machine, its settings and how a book is cut into chunks.

Pure data and rules; the service layer loads a job, asks these rules for the next
state and stores it with a compare-and-set, so every transition is atomic.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.domain.errors import InvalidTransition, ScannerUnavailable, error_class_codes
from shared.domain.ids import BatchId, JobId, TeamId
from shared.domain.sentences import DEFAULT_LIMIT, check_limit


class JobStatus(StrEnum):
    AWAITING_UPLOAD = "awaiting_upload"
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


# The prefix of a job's stats that count what its pages held that is not prose, by kind.
REMOVED = "removed_"
# The codes a job fails with that no error class carries: its PDF did not arrive before
# the upload URL expired; the uploaded object was not a PDF of the job; the PDF was gone
# when a chunk ran; a chunk kept failing.
UPLOAD_EXPIRED = "UPLOAD_EXPIRED"
UPLOAD_FAILED = "UPLOAD_FAILED"
UPLOAD_MISSING = "UPLOAD_MISSING"
CHUNK_FAILED = "CHUNK_FAILED"
JOB_ONLY_CODES = (UPLOAD_EXPIRED, UPLOAD_FAILED, UPLOAD_MISSING, CHUNK_FAILED)

_EXPIRED_MESSAGES = {
    UPLOAD_EXPIRED: "The PDF was not uploaded before the upload URL expired.",
    ScannerUnavailable.code: "The PDF arrived, but the malware scanner could not check it in"
    " time; upload it again.",
}

FINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED})

_NEXT: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.AWAITING_UPLOAD: frozenset({JobStatus.QUEUED, JobStatus.FAILED, JobStatus.CANCELLED}),
    JobStatus.QUEUED: frozenset({JobStatus.PROCESSING, JobStatus.FAILED, JobStatus.CANCELLED}),
    JobStatus.PROCESSING: frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}),
}


def can_move(current: JobStatus, new: JobStatus) -> bool:
    return new in _NEXT.get(current, frozenset())


class Engine(StrEnum):
    OFFLINE = "offline"
    GEMINI = "gemini"
    AUTO = "auto"  # Gemini when a key is configured, else offline


@dataclass(frozen=True, slots=True)
class JobSettings:
    sentence_length_limit: int = DEFAULT_LIMIT
    engine: Engine = Engine.AUTO
    # Gemini: dialogue lines are not rewritten, only cut (the speech stays verbatim).
    keep_dialogue: bool = False

    def __post_init__(self) -> None:
        check_limit(self.sentence_length_limit)
        object.__setattr__(self, "engine", Engine(self.engine))


@dataclass(frozen=True, slots=True)
class JobError:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Chunk:
    """Pages `first_page`..`last_page` (1-based, inclusive) of a book: one worker task."""

    number: int
    first_page: int
    last_page: int

    @property
    def pages(self) -> int:
        return self.last_page - self.first_page + 1


def plan_chunks(page_count: int, pages_per_chunk: int) -> list[Chunk]:
    """Cut a book into ranges of about `pages_per_chunk` pages, sizes differing by at most 1."""
    if page_count < 1 or pages_per_chunk < 1:
        raise ValueError("a book has at least one page and a chunk at least one page")
    count = -(-page_count // pages_per_chunk)
    base, extra = divmod(page_count, count)
    chunks, first = [], 1
    for number in range(count):
        size = base + (number < extra)
        chunks.append(Chunk(number, first, first + size - 1))
        first += size
    return chunks


@dataclass(frozen=True, slots=True)
class Job:
    """One user's book on its way to short sentences.

    The counters (`chunks_done`, `pages_done`, ...) are added to by each chunk as
    it finishes; `chunk_offsets` (sentences before each chunk) is fixed when the
    job completes, and numbers the sentences across chunks.
    """

    id: JobId
    owner_uid: str
    status: JobStatus
    filename: str
    size_bytes: int
    settings: JobSettings
    object_name: str
    created_at: datetime
    updated_at: datetime
    upload_expires_at: datetime
    generation: int | None = None  # the uploaded object's generation this job processes
    page_count: int | None = None
    chunk_count: int = 0
    tasks_enqueued: bool = False
    dispatch_lease_until: datetime | None = None
    chunks_done: int = 0
    pages_done: int = 0
    sentence_count: int = 0
    source_sentence_count: int = 0
    chunk_offsets: tuple[int, ...] = ()
    source_offsets: tuple[int, ...] = ()
    error: JobError | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    stats: dict[str, int] = field(default_factory=dict)
    # The engine that runs (auto resolved when the job is created), and for Gemini the
    # model and prompt version; the model's usage is added to by each chunk.
    engine: Engine = Engine.OFFLINE
    model: str | None = None
    prompt_version: str | None = None
    prompt_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: int = 0
    model_calls: int = 0
    # The W3C traceparent of the request that created the job: its later steps (the
    # storage trigger, the chunk tasks) continue that trace.
    traceparent: str | None = None
    # Each export of the job's sentences: {"export_id", "kind", "url", "at"}.
    exports: tuple[dict[str, object], ...] = ()
    # What the PDF holds that a reader could run or open (scripts, actions, embedded
    # files, XFA), found when it was accepted; only its text is ever read.
    active_content: tuple[str, ...] = ()
    # Why an upload that arrived is not accepted yet (a code): the job fails with it,
    # rather than UPLOAD_EXPIRED, if its upload deadline passes meanwhile.
    waiting_for: str | None = None
    # The batch this book was uploaded with, if any.
    batch_id: BatchId | None = None
    # The plan its owner (or its team) had when it was made: the limits it is held to.
    plan: str = "free"
    # The team whose space it is in (None: its owner's own space).
    team_id: TeamId | None = None
    # The stored revision this copy was read at (opaque; set by the repository).
    version: object = field(default=None, compare=False)

    def moved_to(self, status: JobStatus, now: datetime, **changes: object) -> Job:
        """This job in `status` (raises InvalidTransition when the state machine forbids it)."""
        if not can_move(self.status, status):
            raise InvalidTransition(
                f"The job is {self.status}; it cannot become {status}.",
                details={"status": str(self.status)},
            )
        return self.changed(now, status=status, **changes)

    def changed(self, now: datetime, **changes: object) -> Job:
        return dataclasses.replace(self, updated_at=now, **changes)  # type: ignore[arg-type]

    def failed(self, now: datetime, code: str, message: str) -> Job:
        # Clients have a message for every code the API documents, and only for those.
        if code not in JOB_ONLY_CODES and code not in error_class_codes():
            raise ValueError(f"{code!r} is neither an error class's code nor a job-only code")
        return self.moved_to(JobStatus.FAILED, now, error=JobError(code, message), completed_at=now)

    def upload_expired_at(self, now: datetime) -> bool:
        return self.status is JobStatus.AWAITING_UPLOAD and now >= self.upload_expires_at

    def seen_at(self, now: datetime) -> Job:
        """The job as it stands at `now`: failed once its upload expired, even before the
        expiry task has recorded it."""
        if not self.upload_expired_at(now):
            return self
        code = self.waiting_for or UPLOAD_EXPIRED
        message = _EXPIRED_MESSAGES.get(code, _EXPIRED_MESSAGES[UPLOAD_EXPIRED])
        return self.failed(now, code, message)

    def dispatch_in_progress(self, now: datetime) -> bool:
        return (
            not self.tasks_enqueued
            and self.dispatch_lease_until is not None
            and now < self.dispatch_lease_until
        )
