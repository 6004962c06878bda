"""Configuration from the environment, validated once per instance.

Profiles: `local` (the emulator stack), `test`, `production`. Production refuses
to start with an emulator variable set or without the identities it needs, so a
deployment can never fall back to unauthenticated local behaviour.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from enum import StrEnum
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.adapters.genai_families import DEFAULT_API_VERSION
from shared.domain.errors import UnsafeConfiguration
from shared.domain.plans import PlanLimits, plans_with
from shared.domain.sentences import DEFAULT_LIMIT
from shared.gemini.options import RewriteOptions
from shared.gemini.ports import DEFAULT_MODEL
from shared.service.deps import MEBIBYTE, Limits
from shared.service.pricing import price_table

EMULATOR_VARIABLES = (
    "FIRESTORE_EMULATOR_HOST",
    "STORAGE_EMULATOR_HOST",
    "PUBSUB_EMULATOR_HOST",
    "CLOUD_TASKS_EMULATOR_HOST",
    "FIREBASE_AUTH_EMULATOR_HOST",
    "GOOGLE_GEMINI_BASE_URL",  # a stand-in for the Gemini API
    "FNT_GOOGLE_APIS_BASE_URL",  # a stand-in for the Sheets and Drive APIs
)


class Profile(StrEnum):
    LOCAL = "local"
    TEST = "test"
    PRODUCTION = "production"


class _DeploymentSettings(BaseSettings):
    """What the functions and the malware scanner service both read."""

    model_config = SettingsConfigDict(env_prefix="FNT_", frozen=True, extra="ignore")

    profile: Profile = Profile.LOCAL
    project_id: str = Field(
        default="demo-fnt", validation_alias=AliasChoices("FNT_PROJECT_ID", "GOOGLE_CLOUD_PROJECT")
    )
    uploads_bucket: str = "uploads"


class Settings(_DeploymentSettings):
    location: str = "us-central1"
    # The deployment's Firestore database: two deployments in one project use their own.
    firestore_database: str = "(default)"
    exports_bucket: str = "exports"
    # Google Sheets: as the user (their OAuth token) or as the service, sharing the sheet.
    sheets_mode: Literal["user", "service_account"] = "user"
    # Local runs and tests: where the Sheets and Drive APIs are (a local fake).
    google_apis_base_url: str | None = None
    chunks_queue: str = "chunks"
    # The worker's URL: Cloud Tasks posts there, and it is the OIDC audience.
    worker_url: str = Field(
        default="", validation_alias=AliasChoices("FNT_WORKER_URL", "FUNCTION_URL_RUN_TASK")
    )
    # The malware scanner service the storage trigger asks about each upload.
    scanner_url: str = Field(
        default="", validation_alias=AliasChoices("FNT_SCANNER_URL", "FUNCTION_URL_SCAN_UPLOAD")
    )
    # Where infected uploads are moved: a bucket nobody else reads.
    quarantine_bucket: str = "quarantine"
    # PDFs with scripts, actions, embedded files or XFA: read as text only, or refused.
    active_content: Literal["text_only", "refuse"] = "text_only"
    # The identity Cloud Tasks signs its calls to the worker with (production).
    tasks_service_account: str | None = None
    # The identity whose key signs upload URLs through IAM signBlob (production).
    signing_service_account: str | None = None
    cloud_tasks_emulator_host: str | None = Field(
        default=None, validation_alias=AliasChoices("CLOUD_TASKS_EMULATOR_HOST")
    )

    pages_per_chunk: int = Field(default=30, ge=1, le=500)
    max_upload_mb: int = Field(default=50, ge=1, le=50)
    max_pages: int = Field(default=2000, ge=1, le=5000)
    upload_url_minutes: int = Field(default=15, ge=1, le=7 * 24 * 60)
    # How long after its URL expires an upload may still be accepted (a PUT begun in time).
    upload_grace_seconds: int = Field(default=300, ge=1, le=3600)
    # Must equal the chunk queue's max_attempts, so the last attempt fails the job.
    chunk_max_attempts: int = Field(default=10, ge=1, le=100)
    # Exports with more rows than this run as a Cloud Task.
    export_inline_rows: int = Field(default=5000, ge=1, le=1_000_000)

    # Gemini. The key is the secret `gemini_key_secret` (Secret Manager in production,
    # the GEMINI_API_KEY variable elsewhere); without it jobs run offline.
    # Origins allowed to call the API from a browser, comma-separated.
    cors_origins: str = ""
    # Overrides of the rate-limit policy, JSON: {"free": {"processing": [10, 3600]}, ...}.
    rate_limits: str = ""
    # Overrides of the plans' limits, JSON: {"free": {"books_per_day": 20,
    # "engines": ["offline", "gemini"]}, "premium": {"concurrent_jobs": null}}.
    plans: str = "{}"

    # Webhooks: deliveries are tasks on their own queue, signed with secrets stored sealed
    # by the key in the secret `webhook_key_secret` (the WEBHOOK_SIGNING_KEY variable
    # locally). The webhook queue's tasks carry the OIDC token of their own account.
    webhooks_queue: str = "webhooks"
    webhook_key_secret: str = "webhook-signing-key"
    webhook_tasks_service_account: str | None = None
    # Local runs and tests only: deliver to a receiver on this machine (over plain HTTP);
    # production refuses to start with it.
    webhook_allow_loopback: bool = False
    max_webhooks: int = Field(default=10, ge=1, le=100)
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0, le=3600)
    webhook_max_attempts: int = Field(default=24, ge=1, le=100)
    max_batch_files: int = Field(default=50, ge=1, le=500)

    gemini_key_secret: str = "gemini-api-key"
    gemini_queue: str = "gemini"  # paced to the model's quota
    gemini_model: str = DEFAULT_MODEL
    # The Gemini API version the model is called under (v1 or v1beta), set explicitly.
    gemini_api_version: str = Field(default=DEFAULT_API_VERSION, pattern=r"^v1(beta)?$")
    gemini_timeout_seconds: float = Field(default=120.0, gt=0, le=600)
    gemini_parallel_calls: int = Field(default=8, ge=1, le=64)
    gemini_batch_items: int = Field(default=40, ge=1, le=200)
    gemini_batch_tokens: int = Field(default=3000, ge=100, le=100_000)
    gemini_max_output_tokens: int = Field(default=8192, ge=256, le=65_535)
    gemini_thinking_budget: int = Field(default=0, ge=0, le=24_576)
    gemini_rewrite_all: bool = False  # also the long sentences the offline engine splits well

    # Usage analytics: model prices for the cost estimate, JSON, over the defaults
    # (shared/service/pricing.py): {"gemini-3.5-flash-lite": {"input": 0.3, "output": 2.5}}
    # in USD per million tokens. An instance writes the API requests it counted after this
    # many requests or seconds.
    model_prices: str = "{}"
    usage_flush_requests: int = Field(default=1000, ge=1, le=100_000)
    usage_flush_seconds: float = Field(default=60.0, gt=0, le=3600)

    @property
    def production(self) -> bool:
        return self.profile is Profile.PRODUCTION

    @property
    def allowed_origins(self) -> frozenset[str]:
        return frozenset(o.strip() for o in self.cors_origins.split(",") if o.strip())

    def queue_path(self, queue: str) -> str:
        return f"projects/{self.project_id}/locations/{self.location}/queues/{queue}"

    def rewrite_options(self) -> RewriteOptions:
        return RewriteOptions(
            limit=DEFAULT_LIMIT,  # each job sets its own
            rewrite_all=self.gemini_rewrite_all,
            batch_max_items=self.gemini_batch_items,
            batch_max_tokens=self.gemini_batch_tokens,
            max_output_tokens=self.gemini_max_output_tokens,
            thinking_budget=self.gemini_thinking_budget,
            parallel_calls=self.gemini_parallel_calls,
        )

    def limits(self) -> Limits:
        return Limits(
            max_upload_bytes=self.max_upload_mb * MEBIBYTE,
            max_pages=self.max_pages,
            pages_per_chunk=self.pages_per_chunk,
            upload_url_ttl=timedelta(minutes=self.upload_url_minutes),
            upload_grace=timedelta(seconds=self.upload_grace_seconds),
            chunk_max_attempts=self.chunk_max_attempts,
            export_inline_rows=self.export_inline_rows,
            refuse_active_content=self.active_content == "refuse",
            max_batch_files=self.max_batch_files,
            max_webhooks=self.max_webhooks,
            webhook_retry_base=timedelta(seconds=self.webhook_retry_base_seconds),
            webhook_max_attempts=self.webhook_max_attempts,
            model_prices=price_table(self.model_prices),
            usage_flush_requests=self.usage_flush_requests,
            usage_flush_interval=timedelta(seconds=self.usage_flush_seconds),
            plans=self.plan_limits(),
        )

    def plan_limits(self) -> dict[str, PlanLimits]:
        return plans_with(json.loads(self.plans or "{}"))

    @model_validator(mode="after")
    def _plans_are_valid(self) -> Settings:
        try:
            self.plan_limits()
        except ValueError as error:  # json's errors are ValueErrors too
            raise ValueError(f"FNT_PLANS: {error}") from None
        return self

    @field_validator("model_prices")
    @classmethod
    def _model_prices_are_valid(cls, value: str) -> str:
        price_table(value)  # raises ValueError naming what is wrong
        return value

    @model_validator(mode="after")
    def _production_is_complete_and_real(self) -> Settings:
        if not self.production:
            return self
        emulators = [name for name in EMULATOR_VARIABLES if os.environ.get(name)]
        if emulators:
            raise UnsafeConfiguration(f"production must not use emulators: {emulators} are set")
        if self.webhook_allow_loopback:
            raise UnsafeConfiguration("production must not deliver webhooks to loopback addresses")
        missing = [
            name
            for name in (
                "worker_url",
                "scanner_url",
                "tasks_service_account",
                "signing_service_account",
            )
            if not getattr(self, name)
        ]
        if missing or self.project_id.startswith("demo-"):
            raise UnsafeConfiguration(
                f"production needs FNT_{', FNT_'.join(m.upper() for m in missing) or 'PROJECT_ID'}"
                " set (and a real project id)"
            )
        return self


class ScannerSettings(_DeploymentSettings):
    """The malware scanner service's own settings (it runs apart from the functions)."""

    # clamd's TCP address (host:port) or Unix socket path.
    clamd_address: str = "127.0.0.1:3310"
    # What fetches new signatures before clamd reloads them (production: freshclam).
    signature_update_command: str = ""
