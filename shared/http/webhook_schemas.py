"""The webhook routes' bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shared.domain.webhooks import SUBSCRIBABLE, AttemptOutcome, DeliveryAttempt, Endpoint
from shared.http.schemas import Strict

# The event types an endpoint may subscribe to; the test route sends "webhook.test".
# (The same as `SUBSCRIBABLE`, spelled out for the schema; a test keeps them equal.)
EventName = Literal["job.completed", "job.failed", "batch.completed", "export.completed"]


class WebhookRequest(Strict):
    url: str = Field(min_length=8, max_length=2048)
    events: list[EventName] = Field(min_length=1, max_length=len(SUBSCRIBABLE))
    description: str = Field(default="", max_length=200, pattern=r"^[^\x00-\x1f]*$")
    enabled: bool = True


class WebhookChanges(Strict):
    url: str | None = Field(default=None, min_length=8, max_length=2048)
    events: list[EventName] | None = Field(default=None, min_length=1, max_length=len(SUBSCRIBABLE))
    description: str | None = Field(default=None, max_length=200, pattern=r"^[^\x00-\x1f]*$")
    enabled: bool | None = None


class DeliveriesQuery(Strict):
    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=512)


class WebhookView(BaseModel):
    webhook_id: str
    url: str
    events: list[str]
    description: str
    enabled: bool
    # Why it is disabled ("failing": every delivery failed for 3 days), and since when.
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None
    # When the previous secret stops signing, during a rotation's grace period.
    previous_secret_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, endpoint: Endpoint, now: datetime) -> WebhookView:
        previous = [s.expires_at for s in endpoint.signing_secrets(now) if s.expires_at]
        return cls(
            webhook_id=endpoint.id,
            url=endpoint.url,
            events=[str(event) for event in endpoint.events],
            description=endpoint.description,
            enabled=endpoint.enabled,
            disabled_reason=endpoint.disabled_reason,
            disabled_at=endpoint.disabled_at,
            failing_since=endpoint.failing_since,
            previous_secret_expires_at=max(previous) if previous else None,
            created_at=endpoint.created_at,
            updated_at=endpoint.updated_at,
        )


class WebhookWithSecret(BaseModel):
    webhook: WebhookView
    # "whsec_" + base64: shown this once; verify deliveries' signatures with it.
    secret: str


class WebhookList(BaseModel):
    webhooks: list[WebhookView]


class TestQueued(BaseModel):
    message_id: str  # follow it in GET /webhooks/{id}/deliveries


class DeliveryView(BaseModel):
    message_id: str
    event_type: str
    attempt: int
    at: datetime
    outcome: AttemptOutcome
    status_code: int | None
    latency_ms: float
    error: str | None
    response_excerpt: str
    next_attempt_at: datetime | None

    @classmethod
    def of(cls, attempt: DeliveryAttempt) -> DeliveryView:
        return cls(
            message_id=attempt.message_id,
            event_type=attempt.event_type,
            attempt=attempt.attempt,
            at=attempt.at,
            outcome=attempt.outcome,
            status_code=attempt.status_code,
            latency_ms=attempt.latency_ms,
            error=attempt.error,
            response_excerpt=attempt.response_excerpt,
            next_attempt_at=attempt.next_attempt_at,
        )


class DeliveryLog(BaseModel):
    deliveries: list[DeliveryView]
    next_cursor: str | None
