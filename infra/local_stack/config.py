"""What a local stack runs: which services, which functions, and their settings."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from infra.local_stack.paths import CLAMAV_SIGNATURES, LOG_DIR, WEB_DIST

SignatureType = Literal["http", "cloudevent"]
# firebase-admin's switch to the Auth emulator (host:port, no scheme).
AUTH_EMULATOR_HOST_ENV = "FIREBASE_AUTH_EMULATOR_HOST"
_A_FUNCTION: dict[SignatureType, str] = {
    "http": "an http function",
    "cloudevent": "a cloudevent function",
}


class Service(enum.StrEnum):
    """The emulated Google services; each can be started on its own."""

    FIRESTORE = "firestore"
    PUBSUB = "pubsub"
    STORAGE = "storage"
    TASKS = "tasks"
    CLAMAV = "clamav"  # the real clamd, with the signatures of infra/local_stack/clamav
    AUTH = "auth"  # the Firebase Auth emulator (firebase-tools, in .local/firebase-tools)


@dataclass(frozen=True)
class FunctionSpec:
    """One Cloud Function to serve with functions-framework.

    `name` names its log file, its URL in `LocalStack.function_urls` and its
    FUNCTION_URL_<NAME> variable; `env` is added on top of the stack's env().
    """

    name: str
    source: Path
    target: str
    signature_type: SignatureType
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WebApp:
    """The web app, served from its build on a port of its own (the app server).

    The stack writes its config.json (this stack's API, storage and Auth emulator) and
    gives the API function `cors_origins_env` = the app's origin, so the app may call it.
    """

    dist: Path = WEB_DIST
    api_function: str = "api"  # the http function whose URL + api_path is the API
    api_path: str = "/api/v1"
    cors_origins_env: str = "FNT_CORS_ORIGINS"
    api_key: str = "fake-api-key"  # the Auth emulator accepts any key


@dataclass(frozen=True)
class StackConfig:
    """Settings of one local stack. The defaults start every service and no function."""

    project: str = "demo-fnt"
    location: str = "us-central1"
    services: frozenset[Service] = frozenset(Service)
    functions: tuple[FunctionSpec, ...] = ()
    # Name of the cloudevent function that receives storage events through the
    # bridge (as the Eventarc trigger does); None runs no bridge.
    storage_event_target: str | None = None
    buckets: tuple[str, ...] = ()
    versioned_buckets: tuple[str, ...] = ()  # those of `buckets` with object versioning
    task_queues: tuple[str, ...] = ("chunks",)
    # The Tasks emulator retries a failed task every ~0.1 s with no backoff; this
    # caps the retries so a failing handler does not spin forever (None = no cap).
    task_max_retries: int | None = 10
    # Tasks of a queue dispatched at once (Cloud Tasks' max_concurrent_dispatches), by
    # queue id; other queues 1, like the emulator alone.
    task_max_concurrent_dispatches: Mapping[str, int] = field(default_factory=dict)
    # clamd's signature databases (no download is possible locally: a test set).
    clamav_signatures: Path = CLAMAV_SIGNATURES
    storage_events_topic: str = "storage-events"
    storage_events_subscription: str = "storage-events-bridge"
    # Redelivery backoff for failed events; Eventarc's is 10..600 s, shorter here.
    event_retry_min_seconds: int = 1
    event_retry_max_seconds: int = 10
    # The web app and its server; None serves no app.
    web_app: WebApp | None = None
    log_dir: Path = LOG_DIR
    startup_timeout_seconds: float = 60.0
    stop_grace_seconds: float = 5.0

    def __post_init__(self) -> None:
        names = [spec.name for spec in self.functions]
        if len(names) != len(set(names)):
            raise ValueError(f"function names must be unique: {names}")
        if self.storage_event_target is not None:
            self._check_event_target()
        if self.web_app is not None:
            self._check_web_app(self.web_app)

    def _check_event_target(self) -> None:
        self._require_services("the storage event bridge", {Service.STORAGE, Service.PUBSUB})
        self._require_function("storage_event_target", self.storage_event_target, "cloudevent")

    def _check_web_app(self, app: WebApp) -> None:
        self._require_services("the web app", {Service.STORAGE, Service.AUTH})
        self._require_function("the web app's api_function", app.api_function, "http")

    def _require_services(self, needed_by: str, services: set[Service]) -> None:
        missing = services - self.services
        if missing:
            raise ValueError(f"{needed_by} also needs: {sorted(map(str, missing))}")

    def _require_function(self, setting: str, name: str | None, kind: SignatureType) -> None:
        spec = next((f for f in self.functions if f.name == name), None)
        if spec is None or spec.signature_type != kind:
            raise ValueError(f"{setting} {name!r} must name {_A_FUNCTION[kind]} of this stack")

    @property
    def runs_bridge(self) -> bool:
        return self.storage_event_target is not None

    @property
    def storage_events_topic_path(self) -> str:
        return f"projects/{self.project}/topics/{self.storage_events_topic}"

    @property
    def storage_events_subscription_path(self) -> str:
        return f"projects/{self.project}/subscriptions/{self.storage_events_subscription}"

    def queue_path(self, queue: str) -> str:
        return f"projects/{self.project}/locations/{self.location}/queues/{queue}"
