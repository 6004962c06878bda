"""The API's request and response bodies (pydantic: validated in, documented out)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.jobs import Engine, Job, JobSettings
from shared.domain.sentences import DEFAULT_LIMIT, MAX_LIMIT, MIN_LIMIT
from shared.service.ports import SignedUpload
from shared.service.queries import SentencePage


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


class UploadRequest(Strict):
    filename: str = Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$")
    size_bytes: int = Field(gt=0)
    settings: SettingsIn = SettingsIn()


class SentencesQuery(Strict):
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=500, ge=1, le=1000)


class ErrorView(BaseModel):
    code: str
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


class ModelUsageView(BaseModel):
    """The model's tokens and calls for this job (zeros with the offline engine)."""

    model: str | None
    prompt_version: str | None
    prompt_tokens: int
    output_tokens: int
    thinking_tokens: int
    calls: int


class JobView(BaseModel):
    job_id: str
    status: str
    filename: str
    size_bytes: int
    settings: SettingsIn
    engine: Engine  # the one that runs: "auto" resolved when the job was created
    progress: ProgressView
    counts: CountsView
    usage: ModelUsageView
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
            status=str(job.status),
            filename=job.filename,
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
                sentences=job.sentence_count, source_sentences=job.source_sentence_count
            ),
            usage=ModelUsageView(
                model=job.model,
                prompt_version=job.prompt_version,
                prompt_tokens=job.prompt_tokens,
                output_tokens=job.output_tokens,
                thinking_tokens=job.thinking_tokens,
                calls=job.model_calls,
            ),
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
    status: str


class SentenceView(BaseModel):
    index: int
    text: str
    word_count: int
    page: int
    source_index: int
    method: str
    flag: str | None = None


class SentencesPageView(BaseModel):
    job_id: str
    sentences: list[SentenceView]
    next_cursor: str | None

    @classmethod
    def of(cls, job_id: str, page: SentencePage) -> SentencesPageView:
        return cls(
            job_id=job_id,
            sentences=[SentenceView.model_validate(s.to_dict()) for s in page.sentences],
            next_cursor=page.next_cursor,
        )


class Health(BaseModel):
    status: str
