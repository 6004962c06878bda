"""The dependencies every use case takes: the ports, the engines, a clock and the limits
that apply. Every field is required: where a capability is off (no Gemini key), a
stand-in says so when it is used."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared.domain.plans import DEFAULT_PLANS, PlanLimits, plan_of
from shared.ratelimit import EndpointClass, RateLimiter, RateLimitPolicy
from shared.service.engines import Engines
from shared.service.health import Probe
from shared.service.ports import (
    AuditLog,
    BatchRepository,
    ExportRepository,
    InviteRepository,
    JobRepository,
    MalwareScanner,
    ObjectStore,
    Quarantine,
    SecretSealer,
    SheetsWriter,
    TaskQueue,
    TeamRepository,
    UsageCounters,
    UserDirectory,
    UserSettingsRepository,
    WebhookRepository,
    WebhookSender,
)
from shared.service.pricing import DEFAULT_PRICE_TABLE, PriceTable

MEBIBYTE = 1024 * 1024


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Limits:
    max_upload_bytes: int = 50 * MEBIBYTE
    max_pages: int = 2000
    pages_per_chunk: int = 30
    upload_url_ttl: timedelta = timedelta(minutes=15)
    # A job whose upload did not arrive this long after its URL expired is failed.
    upload_grace: timedelta = timedelta(minutes=5)
    # Exports with more rows than this run as a Cloud Task, with their own status.
    export_inline_rows: int = 5000
    download_url_ttl: timedelta = timedelta(minutes=15)
    # How long one trigger delivery may take to enqueue a job's tasks before a
    # redelivery of the same event takes over.
    dispatch_lease: timedelta = timedelta(minutes=2)
    # Attempts Cloud Tasks makes per task (the queue's max_attempts): the worker
    # fails the job on the last one instead of leaving it stuck.
    chunk_max_attempts: int = 10
    # The deep health check answers within this, however its dependencies behave.
    health_timeout: timedelta = timedelta(seconds=5)
    # PDFs with scripts, actions, embedded files or XFA: refused, or read as text only.
    refuse_active_content: bool = False
    # Books in one batch (its creation and every addition together).
    max_batch_files: int = 50
    # Webhook endpoints per user.
    max_webhooks: int = 10
    # A failed delivery is tried again after base, 3 x base, 9 x base... at most max_delay
    # apart, up to max_attempts; an endpoint failing disable_after in a row is disabled.
    webhook_retry_base: timedelta = timedelta(seconds=5)
    webhook_retry_max_delay: timedelta = timedelta(hours=6)
    webhook_max_attempts: int = 24
    webhook_disable_after: timedelta = timedelta(days=3)
    # After a rotation, the previous secret signs too for this long.
    webhook_rotation_grace: timedelta = timedelta(hours=24)
    # Usage analytics: the prices of the model cost estimate, and how often an instance
    # writes the API requests it counted (after this many, or this long after the last).
    model_prices: PriceTable = DEFAULT_PRICE_TABLE
    usage_flush_requests: int = 1000
    usage_flush_interval: timedelta = timedelta(seconds=60)
    # What each plan allows (within the limits above).
    plans: Mapping[str, PlanLimits] = field(default_factory=lambda: dict(DEFAULT_PLANS))

    def plan(self, name: str) -> PlanLimits:
        return self.plans[plan_of(name)]


@dataclass(frozen=True, slots=True)
class Deps:
    jobs: JobRepository
    store: ObjectStore  # the uploads bucket
    tasks: TaskQueue
    engines: Engines
    users: UserSettingsRepository
    exports: ExportRepository
    export_files: ObjectStore  # the exports bucket
    sheets: SheetsWriter
    # Per endpoint class: exact where a slot is money, leased in blocks for reads.
    rate_limiters: Mapping[EndpointClass, RateLimiter]
    rate_policy: RateLimitPolicy
    probes: Mapping[str, Probe]  # what the deep health check probes, by name
    scanner: MalwareScanner  # every upload is scanned before any chunk is enqueued
    quarantine: Quarantine
    batches: BatchRepository
    webhooks: WebhookRepository
    webhook_sender: WebhookSender
    sealer: SecretSealer  # encrypts the webhook signing secrets at rest
    directory: UserDirectory  # the users' accounts and plan claims (Firebase Auth)
    audit: AuditLog
    usage: UsageCounters
    teams: TeamRepository
    invites: InviteRepository
    limits: Limits = Limits()
    clock: Callable[[], datetime] = utc_now
