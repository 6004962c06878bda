"""The dependencies every use case takes: the ports, a clock and the limits that apply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared.domain.sentences import DEFAULT_LIMIT
from shared.gemini.cache import RewriteCache
from shared.gemini.engine import RewriteOptions
from shared.gemini.model import TextModel
from shared.service.ports import (
    ExportRepository,
    JobRepository,
    ObjectStore,
    SheetsWriter,
    TaskQueue,
    UserSettingsRepository,
)

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


@dataclass(frozen=True, slots=True)
class GeminiSetup:
    """The model, its answer cache and the engine's defaults (the limit is the job's)."""

    model: TextModel
    cache: RewriteCache
    options: RewriteOptions = field(default_factory=lambda: RewriteOptions(DEFAULT_LIMIT))


@dataclass(frozen=True, slots=True)
class Deps:
    jobs: JobRepository
    store: ObjectStore
    tasks: TaskQueue
    limits: Limits = Limits()
    clock: Callable[[], datetime] = utc_now
    gemini: GeminiSetup | None = None  # None: no key configured, offline engine only
    users: UserSettingsRepository | None = None  # None: nobody's settings are saved
    exports: ExportRepository | None = None
    export_files: ObjectStore | None = None  # the exports bucket
    sheets: SheetsWriter | None = None
