"""Wiring: build the adapters once per function instance from the settings."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from datetime import UTC, datetime

import flask
import google.auth
import grpc
from google.auth.credentials import AnonymousCredentials, Credentials
from google.cloud import firestore, storage, tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

from shared.adapters.cloud_tasks_queue import CloudTasksQueue, RoutedTaskQueue
from shared.adapters.firestore_cache import FirestoreRewriteCache
from shared.adapters.firestore_exports import FirestoreExportRepository
from shared.adapters.firestore_jobs import FirestoreJobRepository
from shared.adapters.firestore_rate_limiter import FirestoreRateLimiter
from shared.adapters.firestore_users import FirestoreUserSettings
from shared.adapters.gcs_store import GcsObjectStore
from shared.adapters.sheets_writer import GspreadSheetsWriter
from shared.adapters.signing import IamSigner, LocalSigner, UrlSigner
from shared.auth import FirebaseTokenVerifier, LocalCallerCheck, OidcCallerVerifier, User
from shared.config import Settings
from shared.gemini.client import GenaiModel
from shared.gemini.secrets import EnvSecrets, SecretManagerSecrets, SecretSource
from shared.http.schemas import CheckView, Health, QuotaView
from shared.ratelimit import (
    EndpointClass,
    RateLimiter,
    RateLimitPolicy,
    check_rate_limit,
    policy_from_json,
    rate_limit_headers,
    rate_limit_key,
)
from shared.service.deps import Deps, GeminiSetup
from shared.service.health import Probe, run_probes
from shared.service.user_settings import CachedUserSettings


@functools.cache
def settings() -> Settings:
    return Settings()


@functools.cache
def _clients() -> tuple[firestore.Client, storage.Client, tasks_v2.CloudTasksClient]:
    config = settings()
    return (
        firestore.Client(project=config.project_id, credentials=_credentials("FIRESTORE")),
        storage.Client(project=config.project_id, credentials=_credentials("STORAGE")),
        _tasks_client(config),
    )


@functools.cache
def deps() -> Deps:
    config = settings()
    database, storage_client, tasks_client = _clients()

    def queue(name: str) -> CloudTasksQueue:
        return CloudTasksQueue(
            tasks_client,
            config.queue_path(name),
            config.worker_url,
            oidc_service_account=config.tasks_service_account,
        )

    return Deps(
        jobs=FirestoreJobRepository(database),
        store=GcsObjectStore(storage_client, config.uploads_bucket, _signer(config)),
        tasks=RoutedTaskQueue(
            {"chunks": queue(config.chunks_queue), "gemini": queue(config.gemini_queue)}
        ),
        limits=config.limits(),
        gemini=_gemini(config, database),
        users=CachedUserSettings(FirestoreUserSettings(database)),
        exports=FirestoreExportRepository(database),
        export_files=GcsObjectStore(storage_client, config.exports_bucket, _signer(config)),
        sheets=GspreadSheetsWriter(
            base_url=config.google_apis_base_url,
            service_account_mode=config.sheets_mode == "service_account",
        ),
    )


@functools.cache
def _secrets() -> SecretSource:
    config = settings()
    return SecretManagerSecrets(config.project_id) if config.production else EnvSecrets()


def deep_health() -> Health:
    """Firestore, Cloud Storage, Cloud Tasks and Secret Manager, each probed once."""
    config = settings()
    database, storage_client, tasks_client = _clients()

    def secret_manager() -> str | None:
        if not config.production:
            return "local runs read secrets from the environment"
        _secrets().get(config.gemini_key_secret)
        return None

    probes: dict[str, Probe] = {
        "firestore": lambda: _ran(database.collection("health").document("probe").get()),
        "storage": lambda: _ran(storage_client.get_bucket(config.uploads_bucket)),
        "tasks": lambda: _ran(tasks_client.get_queue(name=config.queue_path(config.chunks_queue))),
        "secret_manager": secret_manager,
    }
    checks = {
        name: CheckView(status=r.status, latency_ms=r.latency_ms, detail=r.detail)  # type: ignore[arg-type]
        for name, r in run_probes(probes).items()
    }
    failing = any(check.status == "failing" for check in checks.values())
    return Health(status="degraded" if failing else "ok", checks=checks)


def _ran(_: object) -> None:
    return None


def _gemini(config: Settings, database: firestore.Client) -> GeminiSetup | None:
    """The Gemini engine, if a key is configured (jobs on `auto` then use it)."""
    key = _secrets().get(config.gemini_key_secret)
    if not key:
        return None
    model = GenaiModel(key, config.gemini_model, timeout_seconds=config.gemini_timeout_seconds)
    return GeminiSetup(model, FirestoreRewriteCache(database), config.rewrite_options())


class ApiGuard:
    """The API's callers: Firebase users, counted against their role's quotas."""

    def authenticate(self, request: flask.Request) -> User:
        return user_verifier().verify(request.headers.get("Authorization"))

    def admit(self, user: User, rate_class: str) -> Mapping[str, str]:
        decision = check_rate_limit(
            rate_limiter(), rate_policy(), user.uid, user.role, EndpointClass(rate_class), _now()
        )
        return rate_limit_headers(decision) if decision else {}

    def allowed_origins(self) -> frozenset[str]:
        return settings().allowed_origins


@functools.cache
def api_guard() -> ApiGuard:
    return ApiGuard()


@functools.cache
def rate_limiter() -> RateLimiter:
    return FirestoreRateLimiter(_clients()[0])


@functools.cache
def rate_policy() -> RateLimitPolicy:
    return policy_from_json(settings().rate_limits or None)


def usage_of(user: User) -> dict[str, QuotaView | None]:
    """The user's use of each endpoint class in its current window (read-only)."""
    usage: dict[str, QuotaView | None] = {}
    for endpoint in EndpointClass:
        quota = rate_policy().quota_for(user.role, endpoint)
        if quota is None:
            usage[str(endpoint)] = None
            continue
        seen = rate_limiter().peek(rate_limit_key(user.uid, endpoint), quota, _now())
        usage[str(endpoint)] = QuotaView(
            limit=seen.limit,
            used=seen.limit - seen.remaining,
            remaining=seen.remaining,
            reset_at=seen.reset_at,
        )
    return usage


def _now() -> datetime:
    return datetime.now(UTC)


@functools.cache
def user_verifier() -> FirebaseTokenVerifier:
    config = settings()
    return FirebaseTokenVerifier(config.project_id, production=config.production)


@functools.cache
def worker_caller_check() -> OidcCallerVerifier | LocalCallerCheck:
    """Production: Cloud Tasks' OIDC token. Locally the emulator sends none, only its headers."""
    config = settings()
    if config.production:
        assert config.tasks_service_account is not None  # checked by Settings
        return OidcCallerVerifier(config.worker_url, frozenset({config.tasks_service_account}))
    return LocalCallerCheck(production=False, required_headers={"X-CloudTasks-QueueName": None})


def _credentials(service: str) -> Credentials | None:
    """Anonymous for an emulator (the clients insist on credentials), else the default ones."""
    if os.environ.get(f"{service}_EMULATOR_HOST") and not settings().production:
        return AnonymousCredentials()
    return None


def _signer(config: Settings) -> UrlSigner:
    if config.production:
        assert config.signing_service_account is not None  # checked by Settings
        credentials, _ = google.auth.default()
        return IamSigner(config.signing_service_account, credentials)
    return LocalSigner()


def _tasks_client(config: Settings) -> tasks_v2.CloudTasksClient:
    if config.cloud_tasks_emulator_host and not config.production:
        channel = grpc.insecure_channel(config.cloud_tasks_emulator_host)
        return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    return tasks_v2.CloudTasksClient()
