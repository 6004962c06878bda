"""Webhook endpoints and their deliveries, as the Standard Webhooks specification has them.

An endpoint is a URL a user registered for some event types. Each event becomes one
message (an id, a type, a JSON body) delivered to each endpoint subscribed to it; the
message id stays the same across a delivery's attempts, so receivers deduplicate on it.
An endpoint signs with its current secret and, for a grace period after a rotation,
with the previous one too. One failing for `DISABLE_AFTER` in a row is disabled.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from shared.domain.ids import WebhookId


class EventType(StrEnum):
    JOB_COMPLETED = "job.completed"
    JOB_FAILED = "job.failed"
    BATCH_COMPLETED = "batch.completed"
    EXPORT_COMPLETED = "export.completed"
    # Sent by POST /webhooks/{id}/test, whatever the endpoint subscribed to.
    PING = "webhook.test"


SUBSCRIBABLE = tuple(event for event in EventType if event is not EventType.PING)
DEFAULT_MAX_ENDPOINTS = 10
ROTATION_GRACE = timedelta(hours=24)
DISABLE_AFTER = timedelta(days=3)
DISABLED_FAILING = "failing"  # why an endpoint was disabled: it failed DISABLE_AFTER in a row


@dataclass(frozen=True, slots=True)
class SigningSecret:
    """A secret as stored: encrypted (see the adapter), never in the clear."""

    sealed: bytes
    created_at: datetime
    # A previous secret signs until then; the current one has None.
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: WebhookId
    owner_uid: str
    url: str
    events: tuple[EventType, ...]
    enabled: bool
    created_at: datetime
    updated_at: datetime
    secrets: tuple[SigningSecret, ...]  # the current one first
    description: str = ""
    # Since when every delivery has failed (None: the last one succeeded).
    failing_since: datetime | None = None
    disabled_reason: str | None = None
    disabled_at: datetime | None = None
    version: object = field(default=None, compare=False)

    def wants(self, event: EventType) -> bool:
        return self.enabled and (event is EventType.PING or event in self.events)

    def signing_secrets(self, now: datetime) -> tuple[SigningSecret, ...]:
        """The current secret and those still in their grace period."""
        return tuple(s for s in self.secrets if s.expires_at is None or now < s.expires_at)

    def rotated(self, now: datetime, new: SigningSecret, grace: timedelta) -> Endpoint:
        kept = tuple(
            dataclasses.replace(s, expires_at=s.expires_at or now + grace)
            for s in self.signing_secrets(now)
        )
        return dataclasses.replace(self, secrets=(new, *kept), updated_at=now)

    def after_success(self, now: datetime) -> Endpoint:
        return dataclasses.replace(self, failing_since=None, updated_at=now)

    def after_failure(self, now: datetime, disable_after: timedelta = DISABLE_AFTER) -> Endpoint:
        """Failing since the first failure in a row; disabled once that is `disable_after` ago."""
        since = self.failing_since or now
        changed = dataclasses.replace(self, failing_since=since, updated_at=now)
        if self.enabled and now - since >= disable_after:
            return dataclasses.replace(
                changed, enabled=False, disabled_reason=DISABLED_FAILING, disabled_at=now
            )
        return changed

    def updated(self, now: datetime, **changes: object) -> Endpoint:
        if changes.get("enabled") is True:  # enabled again by its owner: a fresh start
            changes |= {"disabled_reason": None, "disabled_at": None, "failing_since": None}
        return dataclasses.replace(self, updated_at=now, **changes)  # type: ignore[arg-type]


class AttemptOutcome(StrEnum):
    DELIVERED = "delivered"  # a 2xx
    FAILED = "failed"  # another status, no answer, a timeout: tried again later
    REFUSED = "refused"  # the target is not allowed (now): not tried again
    GAVE_UP = "gave_up"  # failed on the last attempt
    SKIPPED = "skipped"  # the endpoint was disabled or deleted meanwhile


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One attempt to deliver one message to one endpoint, as the delivery log shows it."""

    endpoint_id: WebhookId
    message_id: str
    event_type: str
    attempt: int
    at: datetime
    outcome: AttemptOutcome
    status_code: int | None = None
    latency_ms: float = 0.0
    error: str | None = None  # why it failed, in words (never a secret)
    response_excerpt: str = ""  # the first bytes of the receiver's answer
    next_attempt_at: datetime | None = None
