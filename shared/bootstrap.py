"""The composition root: the one place that builds adapters from the settings and hands
them to the entry points. A function instance builds its wiring once, at its first
request or event; everything below receives what it uses as parameters."""

from __future__ import annotations

import functools
import logging
import os
import shlex
from functools import cached_property
from typing import TYPE_CHECKING

import google.auth
import google.cloud.storage as storage
import grpc
from google.auth.credentials import AnonymousCredentials, Credentials
from google.cloud import firestore, tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

from shared.adapters.clamd import ClamdClient
from shared.adapters.cloud_tasks_queue import CloudTasksQueue, RoutedTaskQueue
from shared.adapters.firebase_tokens import FirebaseTokenVerifier
from shared.adapters.firebase_users import FirebaseUserDirectory
from shared.adapters.firestore_audit import FirestoreAuditLog
from shared.adapters.firestore_batches import FirestoreBatchRepository
from shared.adapters.firestore_cache import FirestoreRewriteCache
from shared.adapters.firestore_exports import FirestoreExportRepository
from shared.adapters.firestore_jobs import FirestoreJobRepository
from shared.adapters.firestore_quota_ledger import FirestoreQuotaLedger
from shared.adapters.firestore_rate_limiter import FirestoreRateLimiter
from shared.adapters.firestore_teams import FirestoreInviteRepository, FirestoreTeamRepository
from shared.adapters.firestore_usage import FirestoreUsageCounters
from shared.adapters.firestore_users import FirestoreUserSettings
from shared.adapters.firestore_webhooks import FirestoreWebhookRepository
from shared.adapters.gcs_store import GcsObjectStore
from shared.adapters.genai_deferred import DeferredGenaiModel
from shared.adapters.health_probes import google_probes, secret_probe
from shared.adapters.malware_scanning import (
    GcsQuarantine,
    HttpMalwareScanner,
    gcs_object_reader,
    id_token_session,
)
from shared.adapters.oidc_callers import LocalCallerCheck, OidcCallerVerifier
from shared.adapters.secrets import (
    EnvSecrets,
    ReloadableSecrets,
    SecretKey,
    SecretManagerSecrets,
)
from shared.adapters.sheets.writer import GspreadSheetsWriter
from shared.adapters.signing import IamSigner, LocalSigner, UrlSigner
from shared.adapters.webhook_secrets import AesGcmSealer
from shared.adapters.webhook_sender import PinnedWebhookSender
from shared.config import Profile, ScannerSettings, Settings
from shared.domain.errors import AppError, ModelNotFound, UnsafeConfiguration
from shared.entrypoints.malware_scanner import MalwareScannerService
from shared.observability.logs import configure_logging
from shared.observability.metrics import configure_metrics
from shared.observability.tracing import configure_tracing
from shared.ratelimit import EndpointClass, RateLimiter, policy_from_json
from shared.ratelimit.leased import LeasedRateLimiter
from shared.ratelimit.recent_peeks import RecentPeeks
from shared.service.deps import Deps
from shared.service.engines import CHUNKS_QUEUE, Engines, TextEngine
from shared.service.gemini_text_engine import GEMINI_QUEUE, GeminiEngine, GeminiSetup
from shared.service.offline_text_engine import OfflineEngine
from shared.service.ports import CallerCheck, UserVerifier
from shared.service.user_settings import CachedUserSettings
from shared.service.webhook_events import WEBHOOKS_QUEUE

if TYPE_CHECKING:
    from shared.entrypoints.storage_trigger import StorageTrigger
    from shared.entrypoints.task_worker import TaskWorker
    from shared.http.router import Router

_log = logging.getLogger(__name__)


@functools.cache
def malware_scanner() -> MalwareScannerService:
    """The scanner service's wiring (it runs apart from the functions, beside clamd)."""
    config = ScannerSettings()
    local = os.environ.get("STORAGE_EMULATOR_HOST") and config.profile is not Profile.PRODUCTION
    client = storage.Client(
        project=config.project_id, credentials=AnonymousCredentials() if local else None
    )
    return MalwareScannerService(
        ClamdClient(config.clamd_address),
        gcs_object_reader(client),
        frozenset({config.uploads_bucket}),
        shlex.split(config.signature_update_command),
    )


@functools.cache
def wiring() -> Wiring:
    """This instance's wiring, from the environment's settings."""
    return Wiring(Settings())


def configure_instance() -> None:
    """What every function instance sets up once: JSON logs, tracing, metrics, and the
    wiring of the function it serves."""
    # K_SERVICE names the function on Cloud Run (and in the local stack).
    service = os.environ.get("K_SERVICE", "fnt-functions")
    production = wiring().settings.production
    configure_logging()
    configure_tracing(service, production)
    configure_metrics(service, production)
    # functions-framework names the entry point it serves before it imports main.py.
    wiring().start(os.environ.get("FUNCTION_TARGET"))


class Wiring:
    """The adapters and entry points of one instance, each built on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def start(self, entry_point: str | None) -> None:
        """Build the served function's entry point while the instance starts, so that its
        first request does not pay for it. Each function loads only what it runs: the
        API no PDF reader, no Gemini SDK, no spreadsheet library. The worker, the one
        function that calls the model, checks it (an unknown entry point checks too)."""
        if entry_point == "api":
            _ = self.api
        elif entry_point == "on_pdf_uploaded":
            _ = self.storage_trigger
        else:
            if entry_point == "run_task":
                _ = self.task_worker
            self.check_gemini_model()

    @cached_property
    def api(self) -> Router[Deps]:
        from shared.entrypoints import api
        from shared.entrypoints.api_guard import ApiGuard
        from shared.http.router import Router

        guard = ApiGuard(self.user_verifier, self.deps, self.settings.allowed_origins)
        return Router(api.routes, self.deps, guard)

    @cached_property
    def storage_trigger(self) -> StorageTrigger:
        from shared.entrypoints.storage_trigger import StorageTrigger

        return StorageTrigger(self.deps, self.settings.uploads_bucket)

    @cached_property
    def task_worker(self) -> TaskWorker:
        from shared.entrypoints.task_worker import TaskWorker

        return TaskWorker(self.deps, self.worker_callers)

    @cached_property
    def deps(self) -> Deps:
        config = self.settings
        return Deps(
            jobs=FirestoreJobRepository(self.database),
            store=GcsObjectStore(self.storage_client, config.uploads_bucket, self.signer),
            tasks=RoutedTaskQueue(
                {
                    CHUNKS_QUEUE: self._queue(config.chunks_queue),
                    GEMINI_QUEUE: self._queue(config.gemini_queue),
                    WEBHOOKS_QUEUE: self._queue(
                        config.webhooks_queue,
                        config.webhook_tasks_service_account or config.tasks_service_account,
                    ),
                }
            ),
            engines=Engines(offline=OfflineEngine(), gemini=self._gemini()),
            users=CachedUserSettings(FirestoreUserSettings(self.database)),
            exports=FirestoreExportRepository(self.database),
            export_files=GcsObjectStore(self.storage_client, config.exports_bucket, self.signer),
            sheets=GspreadSheetsWriter(
                base_url=config.google_apis_base_url,
                service_account_mode=config.sheets_mode == "service_account",
            ),
            rate_limiters=self._rate_limiters(),
            rate_policy=policy_from_json(config.rate_limits or None),
            probes={
                **google_probes(
                    self.database,
                    self.storage_client,
                    self.tasks_client,
                    uploads_bucket=config.uploads_bucket,
                    queue_path=config.queue_path(config.chunks_queue),
                ),
                "secret_manager": secret_probe(
                    self.secrets, config.gemini_key_secret, production=config.production
                ),
            },
            scanner=HttpMalwareScanner(
                config.scanner_url,
                id_token_session(config.scanner_url) if config.production else None,
            ),
            quarantine=GcsQuarantine(
                self.storage_client, config.uploads_bucket, config.quarantine_bucket
            ),
            batches=FirestoreBatchRepository(self.database),
            webhooks=FirestoreWebhookRepository(self.database),
            webhook_sender=PinnedWebhookSender(allow_loopback=config.webhook_allow_loopback),
            sealer=AesGcmSealer(self.secrets, config.webhook_key_secret),
            directory=FirebaseUserDirectory(config.project_id, production=config.production),
            audit=FirestoreAuditLog(self.database),
            usage=FirestoreUsageCounters(self.database),
            teams=FirestoreTeamRepository(self.database),
            invites=FirestoreInviteRepository(self.database),
            limits=config.limits(),
        )

    @cached_property
    def database(self) -> firestore.Client:
        config = self.settings
        return firestore.Client(
            project=config.project_id,
            database=config.firestore_database,
            credentials=self._credentials("FIRESTORE"),
        )

    @cached_property
    def storage_client(self) -> storage.Client:
        return storage.Client(
            project=self.settings.project_id, credentials=self._credentials("STORAGE")
        )

    @cached_property
    def tasks_client(self) -> tasks_v2.CloudTasksClient:
        emulator = self.settings.cloud_tasks_emulator_host
        if emulator and not self.settings.production:
            channel = grpc.insecure_channel(emulator)
            return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
        return tasks_v2.CloudTasksClient()

    @cached_property
    def secrets(self) -> ReloadableSecrets:
        config = self.settings
        return SecretManagerSecrets(config.project_id) if config.production else EnvSecrets()

    @cached_property
    def signer(self) -> UrlSigner:
        config = self.settings
        if config.production:
            assert config.signing_service_account is not None  # checked by Settings
            credentials, _ = google.auth.default()
            return IamSigner(config.signing_service_account, credentials)
        return LocalSigner()

    @cached_property
    def user_verifier(self) -> UserVerifier:
        config = self.settings
        return FirebaseTokenVerifier(config.project_id, production=config.production)

    @cached_property
    def worker_callers(self) -> CallerCheck:
        """Production: Cloud Tasks' OIDC token. Locally the emulator sends none, only its
        headers."""
        config = self.settings
        if config.production:
            assert config.tasks_service_account is not None  # checked by Settings
            callers = {config.tasks_service_account, config.webhook_tasks_service_account}
            return OidcCallerVerifier(config.worker_url, frozenset(c for c in callers if c))
        return LocalCallerCheck(production=False, required_headers={"X-CloudTasks-QueueName": None})

    def _rate_limiters(self) -> dict[EndpointClass, RateLimiter]:
        """Exact where a slot is money; leased in blocks for reads. Usage reads (GET /me)
        are remembered a few seconds by each."""
        exact = RecentPeeks(FirestoreRateLimiter(self.database))
        return {
            EndpointClass.PROCESSING: exact,
            EndpointClass.EXPORTS: exact,
            EndpointClass.READS: RecentPeeks(
                LeasedRateLimiter(FirestoreQuotaLedger(self.database))
            ),
        }

    def _queue(self, name: str, service_account: str | None = None) -> CloudTasksQueue:
        config = self.settings
        return CloudTasksQueue(
            self.tasks_client,
            config.queue_path(name),
            config.worker_url,
            oidc_service_account=service_account or config.tasks_service_account,
        )

    @cached_property
    def gemini_key(self) -> SecretKey:
        return SecretKey(self.secrets, self.settings.gemini_key_secret)

    @cached_property
    def gemini_model(self) -> DeferredGenaiModel:
        config = self.settings
        return DeferredGenaiModel(
            self.gemini_key,
            config.gemini_model,
            api_version=config.gemini_api_version,
            timeout_seconds=config.gemini_timeout_seconds,
        )

    def check_gemini_model(self) -> None:
        """Refuse to start on a model Gemini does not have; with no key there is no one
        to ask, and other failures (a key refused, an outage) are only logged, as jobs
        report them with their own codes."""
        try:
            model = self.gemini_model  # a name of no Gemini family is refused here
            if self.gemini_key.current() is None:
                return
            facts = model.describe()
        except ModelNotFound as error:
            raise UnsafeConfiguration(error.message) from None
        except AppError as error:
            _log.warning("could not check the Gemini model: %s %s", error.code, error.message)
            return
        _log.info(
            "Gemini model %s: %s input, %s output tokens",
            facts.name,
            facts.input_tokens,
            facts.output_tokens,
        )

    def _gemini(self) -> TextEngine:
        """The Gemini engine; jobs on `auto` use it while a key is configured."""
        config = self.settings
        setup = GeminiSetup(
            self.gemini_model,
            FirestoreRewriteCache(self.database),
            config.rewrite_options(),
            configured=lambda: self.gemini_key.current() is not None,
        )
        return GeminiEngine(setup)

    def _credentials(self, service: str) -> Credentials | None:
        """Anonymous for an emulator (the clients insist on credentials), else the defaults."""
        if os.environ.get(f"{service}_EMULATOR_HOST") and not self.settings.production:
            return AnonymousCredentials()
        return None
