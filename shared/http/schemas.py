"""The API's request and response bodies (pydantic: validated in, documented out)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.error_codes import error_codes
from shared.domain.exports import Export, ExportKind, ExportStatus, SheetsOptions
from shared.domain.ids import ID_PATTERN, TeamId
from shared.domain.jobs import REMOVED, Engine, Job, JobSettings, JobStatus
from shared.domain.plans import PlanLimits
from shared.domain.sentences import DEFAULT_LIMIT, MAX_LIMIT, MIN_LIMIT
from shared.domain.users import MAX_MIN_SENTENCE_WORDS, User, UserSettings
from shared.service.health import HealthReport
from shared.service.plan_checks import PlanUse
from shared.service.ports import PlanChange, SignedUpload
from shared.service.queries import NotePage, SentencePage
from shared.service.usage import QuotaUse

ColumnName = Literal["index", "sentence", "original", "page", "word_count", "method"]


def _default_columns() -> list[ColumnName]:
    return ["index", "sentence", "page"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SettingsIn(Strict):
    sentence_length_limit: int = Field(default=DEFAULT_LIMIT, ge=MIN_LIMIT, le=MAX_LIMIT)
    engine: Engine = Engine.AUTO
    keep_dialogue: bool = False

    def to_domain(self) -> JobSettings:
        return JobSettings(self.sentence_length_limit, self.engine, self.keep_dialogue)

    @classmethod
    def of(cls, settings: JobSettings) -> SettingsIn:
        return cls(
            sentence_length_limit=settings.sentence_length_limit,
            engine=settings.engine,
            keep_dialogue=settings.keep_dialogue,
        )


# A file's name as the user's device has it: no path, no control characters.
Filename = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$")]


# Where work goes or is listed: the caller's own space ("me") or a team's ("team:<id>").
SpaceName = Annotated[str, Field(pattern=r"^(me|team:[0-9a-f]{32})$")]


def team_of(space: str) -> TeamId | None:
    """The team a space names, or None for the caller's own."""
    return TeamId(space.removeprefix("team:")) if space.startswith("team:") else None


class PdfForm(SettingsIn):
    """The form fields beside a posted PDF: its settings, and where the job goes."""

    space: SpaceName = "me"


class UploadRequest(Strict):
    filename: Filename
    size_bytes: int = Field(gt=0)
    settings: SettingsIn | None = None  # None: the user's saved settings
    space: SpaceName = "me"


class DuplicateRequest(Strict):
    settings: SettingsIn


class HistoryQuery(Strict):
    status: JobStatus | None = None
    # "me": the jobs the caller made, in any space; "team:<id>": the team's space.
    space: SpaceName = "me"
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class HealthQuery(Strict):
    deep: bool = False


class UserSettingsIn(Strict):
    sentence_length_limit: int = Field(default=DEFAULT_LIMIT, ge=MIN_LIMIT, le=MAX_LIMIT)
    engine: Engine = Engine.AUTO
    keep_dialogue: bool = False
    min_sentence_words: int = Field(default=1, ge=1, le=MAX_MIN_SENTENCE_WORDS)
    export_format: Literal["csv", "xlsx", "google_sheets"] = "csv"
    export_columns: list[ColumnName] = Field(default_factory=_default_columns, min_length=1)

    def to_domain(self) -> UserSettings:
        job = JobSettings(self.sentence_length_limit, self.engine, self.keep_dialogue)
        return UserSettings(
            job, self.min_sentence_words, self.export_format, tuple(self.export_columns)
        )

    @classmethod
    def of(cls, settings: UserSettings) -> UserSettingsIn:
        job = settings.job
        return cls(
            sentence_length_limit=job.sentence_length_limit,
            engine=job.engine,
            keep_dialogue=job.keep_dialogue,
            min_sentence_words=settings.min_sentence_words,
            export_format=settings.export_format,  # type: ignore[arg-type]
            export_columns=list(settings.export_columns),  # type: ignore[arg-type]
        )


class SentencesQuery(Strict):
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=500, ge=1, le=1000)
    # Leave out shorter sentences (default: the user's saved min_sentence_words).
    min_words: int | None = Field(default=None, ge=1, le=MAX_MIN_SENTENCE_WORDS)
    # Only the sentences containing these words (case and accents ignored).
    q: str | None = Field(default=None, min_length=1, max_length=200)


def _any_error_code(schema: dict[str, object]) -> None:
    # Built when the schema is, once every error class is defined.
    schema["enum"] = list(error_codes())


# A stable, machine-readable code; documented as the enum of every code there is.
ErrorCode = Annotated[str, Field(json_schema_extra=_any_error_code)]


class ErrorView(BaseModel):
    code: ErrorCode
    message: str


class ProgressView(BaseModel):
    page_count: int | None
    pages_done: int
    chunk_count: int
    chunks_done: int
    percent: float


class CountsView(BaseModel):
    sentences: int
    source_sentences: int
    # What the book's pages held that is not prose, by kind (headers, folios, notes,
    # table_of_contents, front_matter...), once the job has completed.
    not_prose: dict[str, int]


class ModelUsageView(BaseModel):
    """The model's tokens and calls for this job (zeros with the offline engine)."""

    model: str | None
    prompt_version: str | None
    prompt_tokens: int
    output_tokens: int
    thinking_tokens: int
    calls: int


class ExportEntry(BaseModel):
    export_id: str
    kind: str
    url: str | None
    at: datetime | None


class JobView(BaseModel):
    job_id: str
    status: JobStatus
    filename: str
    batch_id: str | None  # the batch it was uploaded with
    team_id: str | None  # the team whose space it is in (None: its owner's own)
    size_bytes: int
    settings: SettingsIn
    engine: Engine  # the one that runs: "auto" resolved when the job was created
    progress: ProgressView
    counts: CountsView
    usage: ModelUsageView
    exports: list[ExportEntry]  # each export of the job's sentences, oldest first
    # What the PDF holds that a reader could run or open (javascript, open_action,
    # automatic_actions, launch, embedded_files, xfa): only its text is ever read.
    active_content: list[str]
    error: ErrorView | None
    created_at: datetime
    updated_at: datetime
    upload_expires_at: datetime
    started_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobView:
        pages = job.page_count or 0
        return cls(
            job_id=job.id,
            status=job.status,
            filename=job.filename,
            batch_id=job.batch_id,
            team_id=job.team_id,
            size_bytes=job.size_bytes,
            settings=SettingsIn.of(job.settings),
            engine=job.engine,
            progress=ProgressView(
                page_count=job.page_count,
                pages_done=job.pages_done,
                chunk_count=job.chunk_count,
                chunks_done=job.chunks_done,
                percent=round(100 * job.pages_done / pages, 1) if pages else 0.0,
            ),
            counts=CountsView(
                sentences=job.sentence_count,
                source_sentences=job.source_sentence_count,
                not_prose={
                    kind.removeprefix(REMOVED): count
                    for kind, count in job.stats.items()
                    if kind.startswith(REMOVED)
                },
            ),
            usage=ModelUsageView(
                model=job.model,
                prompt_version=job.prompt_version,
                prompt_tokens=job.prompt_tokens,
                output_tokens=job.output_tokens,
                thinking_tokens=job.thinking_tokens,
                calls=job.model_calls,
            ),
            exports=[ExportEntry.model_validate(entry) for entry in job.exports],
            active_content=list(job.active_content),
            error=ErrorView(code=job.error.code, message=job.error.message) if job.error else None,
            created_at=job.created_at,
            updated_at=job.updated_at,
            upload_expires_at=job.upload_expires_at,
            started_at=job.started_at,
            completed_at=job.completed_at,
        )


class UploadTarget(BaseModel):
    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


class UploadCreated(BaseModel):
    job_id: str
    upload: UploadTarget
    job: JobView

    @classmethod
    def of(cls, job: Job, signed: SignedUpload) -> UploadCreated:
        target = UploadTarget(
            url=signed.url,
            method=signed.method,
            headers=dict(signed.headers),
            expires_at=signed.expires_at,
        )
        return cls(job_id=job.id, upload=target, job=JobView.of(job))


class JobAccepted(BaseModel):
    job_id: str
    status: JobStatus


class SentenceView(BaseModel):
    index: int
    text: str
    word_count: int
    page: int
    source_index: int
    method: str
    flag: str | None = None
    # The book's sentence this one came from, when it was rewritten or split (for the
    # reader's "original" view); None when it passed through unchanged.
    original: str | None = None


class NotesQuery(Strict):
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=500, ge=1, le=1000)


class NoteView(BaseModel):
    number: str  # its mark as printed ("1", "*", "†"); "" when the mark was lost
    text: str
    page: int


class NotesPageView(BaseModel):
    job_id: str
    notes: list[NoteView]
    next_cursor: str | None

    @classmethod
    def of(cls, job_id: str, page: NotePage) -> NotesPageView:
        notes = [NoteView(number=n.number, text=n.text, page=n.page) for n in page.notes]
        return cls(job_id=job_id, notes=notes, next_cursor=page.next_cursor)


class SentencesPageView(BaseModel):
    job_id: str
    sentences: list[SentenceView]
    next_cursor: str | None

    @classmethod
    def of(cls, job_id: str, page: SentencePage) -> SentencesPageView:
        return cls(
            job_id=job_id,
            sentences=[
                SentenceView.model_validate(
                    {
                        **s.to_dict(),
                        "original": s.original if s.original != s.sentence.text else None,
                    }
                )
                for s in page.sentences
            ],
            next_cursor=page.next_cursor,
        )


class CheckView(BaseModel):
    status: Literal["ok", "failing", "skipped"]
    latency_ms: float
    detail: str | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, CheckView] | None = None  # with ?deep=1

    @classmethod
    def of(cls, report: HealthReport) -> Health:
        checks = {
            name: CheckView(status=check.status, latency_ms=check.latency_ms, detail=check.detail)
            for name, check in report.checks.items()
        }
        return cls(status="ok" if report.ok else "degraded", checks=checks)


class JobList(BaseModel):
    jobs: list[JobView]
    next_cursor: str | None


class QuotaView(BaseModel):
    limit: int
    used: int
    remaining: int
    reset_at: datetime


class PlanView(BaseModel):
    """The user's plan: each limit (None: no cap) and today's use of the counted ones."""

    name: str
    pages_per_book: int
    books_per_day: int | None
    books_today: int
    file_mb: int
    batch_files: int
    concurrent_jobs: int | None
    engines: list[str]
    export_kinds: list[str]
    webhook_endpoints: int

    @classmethod
    def of(cls, name: str, limits: PlanLimits, use: PlanUse) -> PlanView:
        return cls(
            name=name,
            pages_per_book=limits.pages_per_book,
            books_per_day=limits.books_per_day,
            books_today=use.books_today,
            file_mb=limits.file_mb,
            batch_files=limits.batch_files,
            concurrent_jobs=limits.concurrent_jobs,
            engines=sorted(str(engine) for engine in limits.engines),
            export_kinds=sorted(str(kind) for kind in limits.export_kinds),
            webhook_endpoints=limits.webhook_endpoints,
        )


class MeView(BaseModel):
    uid: str
    email: str | None
    role: str  # the plan's name (free, premium, admin), from the token's claim
    # Per endpoint class (processing, exports, reads); None: unlimited.
    usage: dict[str, QuotaView | None]
    plan: PlanView

    @classmethod
    def of(cls, user: User, usage: Mapping[str, QuotaUse | None], plan: PlanView) -> MeView:
        views = {
            name: QuotaView(
                limit=use.limit, used=use.used, remaining=use.remaining, reset_at=use.reset_at
            )
            if use is not None
            else None
            for name, use in usage.items()
        }
        return cls(uid=user.uid, email=user.email, role=user.role, usage=views, plan=plan)


class ErrorDetail(BaseModel):
    code: ErrorCode
    message: str  # for people
    details: dict[str, object]
    request_id: str


class ErrorResponse(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class SheetsIn(Strict):
    spreadsheet_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{10,100}$")
    title: str | None = Field(default=None, max_length=200)
    folder_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{10,100}$")
    tab: str | None = Field(default=None, min_length=1, max_length=100)
    create_tab: bool = True
    bold_header: bool = True
    header_colour: str | None = Field(default="#E8F0FE", pattern=r"^#[0-9A-Fa-f]{6}$")
    freeze_header: bool = True
    auto_resize: bool = True
    collaborators: list[Annotated[str, Field(pattern=_EMAIL, max_length=254)]] = Field(
        default_factory=list, max_length=20
    )
    anyone_with_link: bool = False

    def to_domain(self) -> SheetsOptions:
        return SheetsOptions(**{**self.model_dump(), "collaborators": tuple(self.collaborators)})


class ExportRequest(Strict):
    kind: ExportKind
    columns: list[ColumnName] = Field(default_factory=_default_columns, min_length=1, max_length=6)
    indices: list[int] | None = Field(default=None, min_length=1, max_length=200_000)
    sheets: SheetsIn | None = None


class ExportView(BaseModel):
    export_id: str
    job_id: str | None  # None for a batch's export
    batch_id: str | None
    job_ids: list[str]  # a batch's export: the books it holds
    team_id: str | None
    kind: ExportKind
    status: ExportStatus
    columns: list[str]
    rows: int
    url: str | None
    error: ErrorView | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, export: Export) -> ExportView:
        error = export.error
        return cls(
            export_id=export.id,
            job_id=export.job_id,
            batch_id=export.batch_id,
            job_ids=list(export.job_ids),
            team_id=export.team_id,
            kind=export.kind,
            status=export.status,
            columns=list(export.columns),
            rows=export.rows,
            url=export.url,
            error=ErrorView(code=error.code, message=error.message) if error else None,
            created_at=export.created_at,
            finished_at=export.finished_at,
        )


class LegacySheetExport(BaseModel):
    """The body of the old POST /export-to-sheet: sentences, or a job, to a new sheet."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    sentences: list[str] | None = Field(default=None, max_length=200_000)
    job_id: str | None = Field(default=None, alias="jobId", pattern=ID_PATTERN)
    sheet_name: str | None = Field(default=None, alias="sheetName", max_length=200)
    folder_id: str | None = Field(
        default=None, alias="folderId", pattern=r"^[A-Za-z0-9_-]{10,100}$"
    )


class LegacySheetExported(BaseModel):
    success: bool
    spreadsheet_url: str


class PlanRequest(Strict):
    plan: Literal["free", "premium", "admin"]


class PlanChangeView(BaseModel):
    """A change of a user's or a team's plan, from the audit log."""

    by_uid: str
    at: datetime
    from_plan: str
    to_plan: str

    @classmethod
    def of(cls, change: PlanChange) -> PlanChangeView:
        return cls(
            by_uid=change.by_uid, at=change.at, from_plan=change.from_plan, to_plan=change.to_plan
        )
