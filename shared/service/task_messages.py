"""The worker's task messages: one typed message per kind of task, one serializer.

Producers (the storage trigger, uploads, exports) build a message and enqueue it as a
`Task`; the queue adapter sends `task_body(message)`; the worker reads it back with
`parse_task` and routes it by its type. The JSON of each kind is a contract with tasks
already queued when a new version deploys: add fields with defaults, never rename.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, TypeAdapter

from shared.domain.ids import ExportId, JobId, WebhookId
from shared.domain.jobs import Chunk

JobIdField = Annotated[JobId, PlainValidator(JobId), PlainSerializer(str)]
ExportIdField = Annotated[ExportId, PlainValidator(ExportId), PlainSerializer(str)]
WebhookIdField = Annotated[WebhookId, PlainValidator(WebhookId), PlainSerializer(str)]
MESSAGE_ID_PATTERN = r"^msg_[0-9a-f]{32}$"


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChunkTask(_Message):
    """Run the text engine on pages `first_page`..`last_page` of a job's upload."""

    kind: Literal["chunk"] = "chunk"
    job_id: JobIdField
    generation: int
    chunk: int = Field(ge=0)
    first_page: int = Field(ge=1)
    last_page: int = Field(ge=1)

    @classmethod
    def of(cls, job_id: JobId, generation: int, chunk: Chunk) -> ChunkTask:
        return cls(
            job_id=job_id,
            generation=generation,
            chunk=chunk.number,
            first_page=chunk.first_page,
            last_page=chunk.last_page,
        )

    @property
    def pages(self) -> Chunk:
        return Chunk(self.chunk, self.first_page, self.last_page)

    @property
    def name(self) -> str:
        """One per job, upload generation and chunk: enqueueing it again adds nothing."""
        return f"{self.job_id}-{self.generation}-{self.chunk}"


class ExpireUploadTask(_Message):
    """At the upload URL's expiry: fail a job whose PDF never came."""

    kind: Literal["expire_upload"] = "expire_upload"
    job_id: JobIdField

    @property
    def name(self) -> str:
        return f"{self.job_id}-expire"


class ExportTask(_Message):
    """Write a large export."""

    kind: Literal["export"] = "export"
    export_id: ExportIdField

    @property
    def name(self) -> str:
        return f"export-{self.export_id}"


class WebhookTask(_Message):
    """Deliver one message to one endpoint: attempt `attempt` of that delivery.

    `body` is the JSON sent, signed as is: every attempt sends the same bytes."""

    kind: Literal["webhook"] = "webhook"
    endpoint_id: WebhookIdField
    message_id: str = Field(pattern=MESSAGE_ID_PATTERN)
    event_type: str = Field(max_length=64)
    body: str = Field(max_length=64 * 1024)
    attempt: int = Field(default=1, ge=1)

    @property
    def name(self) -> str:
        return f"webhook-{self.message_id}-{self.endpoint_id}-{self.attempt}"


TaskMessage = ChunkTask | ExpireUploadTask | ExportTask | WebhookTask
_MESSAGES: TypeAdapter[TaskMessage] = TypeAdapter(
    Annotated[TaskMessage, Field(discriminator="kind")]
)


def parse_task(body: bytes) -> TaskMessage:
    """The message a task's body carries; raises pydantic's ValidationError otherwise."""
    return _MESSAGES.validate_json(body)


def task_body(message: TaskMessage) -> bytes:
    return message.model_dump_json().encode()


def ids_of(message: TaskMessage) -> dict[str, str]:
    """The record a message is about, for logs and traces."""
    if isinstance(message, ExportTask):
        return {"export_id": message.export_id}
    if isinstance(message, WebhookTask):
        return {"webhook_id": message.endpoint_id, "message_id": message.message_id}
    return {"job_id": message.job_id}
