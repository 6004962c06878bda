"""Wiring: build the adapters once per function instance from the settings."""

from __future__ import annotations

import functools
import os

import google.auth
import grpc
from google.auth.credentials import AnonymousCredentials, Credentials
from google.cloud import firestore, storage, tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

from shared.adapters.cloud_tasks_queue import CloudTasksQueue, RoutedTaskQueue
from shared.adapters.firestore_cache import FirestoreRewriteCache
from shared.adapters.firestore_jobs import FirestoreJobRepository
from shared.adapters.gcs_store import GcsObjectStore
from shared.adapters.signing import IamSigner, LocalSigner, UrlSigner
from shared.auth import FirebaseTokenVerifier, LocalCallerCheck, OidcCallerVerifier
from shared.config import Settings
from shared.gemini.client import GenaiModel
from shared.gemini.secrets import EnvSecrets, SecretManagerSecrets, SecretSource
from shared.service.deps import Deps, GeminiSetup


@functools.cache
def settings() -> Settings:
    return Settings()


@functools.cache
def deps() -> Deps:
    config = settings()
    database = firestore.Client(project=config.project_id, credentials=_credentials("FIRESTORE"))
    tasks_client = _tasks_client(config)

    def queue(name: str) -> CloudTasksQueue:
        return CloudTasksQueue(
            tasks_client,
            config.queue_path(name),
            config.worker_url,
            oidc_service_account=config.tasks_service_account,
        )

    return Deps(
        jobs=FirestoreJobRepository(database),
        store=GcsObjectStore(
            storage.Client(project=config.project_id, credentials=_credentials("STORAGE")),
            config.uploads_bucket,
            _signer(config),
        ),
        tasks=RoutedTaskQueue(
            {"chunks": queue(config.chunks_queue), "gemini": queue(config.gemini_queue)}
        ),
        limits=config.limits(),
        gemini=_gemini(config, database),
    )


def _gemini(config: Settings, database: firestore.Client) -> GeminiSetup | None:
    """The Gemini engine, if a key is configured (jobs on `auto` then use it)."""
    secrets: SecretSource = (
        SecretManagerSecrets(config.project_id) if config.production else EnvSecrets()
    )
    key = secrets.get(config.gemini_key_secret)
    if not key:
        return None
    model = GenaiModel(key, config.gemini_model, timeout_seconds=config.gemini_timeout_seconds)
    return GeminiSetup(model, FirestoreRewriteCache(database), config.rewrite_options())


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
