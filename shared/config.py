"""Configuration from the environment, validated once per instance.

Profiles: `local` (the emulator stack), `test`, `production`. Production refuses
to start with an emulator variable set or without the identities it needs, so a
deployment can never fall back to unauthenticated local behaviour.
"""

from __future__ import annotations

import os
from datetime import timedelta
from enum import StrEnum

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.service.deps import MEBIBYTE, Limits

EMULATOR_VARIABLES = (
    "FIRESTORE_EMULATOR_HOST",
    "STORAGE_EMULATOR_HOST",
    "PUBSUB_EMULATOR_HOST",
    "CLOUD_TASKS_EMULATOR_HOST",
    "FIREBASE_AUTH_EMULATOR_HOST",
)


class Profile(StrEnum):
    LOCAL = "local"
    TEST = "test"
    PRODUCTION = "production"


class UnsafeConfiguration(RuntimeError):
    """The settings would run production with local shortcuts: refuse to start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FNT_", frozen=True, extra="ignore")

    profile: Profile = Profile.LOCAL
    project_id: str = Field(
        default="demo-fnt", validation_alias=AliasChoices("FNT_PROJECT_ID", "GOOGLE_CLOUD_PROJECT")
    )
    location: str = "us-central1"
    uploads_bucket: str = "uploads"
    chunks_queue: str = "chunks"
    # The worker's URL: Cloud Tasks posts there, and it is the OIDC audience.
    worker_url: str = Field(
        default="", validation_alias=AliasChoices("FNT_WORKER_URL", "FUNCTION_URL_PROCESS_CHUNK")
    )
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
    # Must equal the chunk queue's max_attempts, so the last attempt fails the job.
    chunk_max_attempts: int = Field(default=10, ge=1, le=100)

    @property
    def production(self) -> bool:
        return self.profile is Profile.PRODUCTION

    @property
    def queue_path(self) -> str:
        return f"projects/{self.project_id}/locations/{self.location}/queues/{self.chunks_queue}"

    def limits(self) -> Limits:
        return Limits(
            max_upload_bytes=self.max_upload_mb * MEBIBYTE,
            max_pages=self.max_pages,
            pages_per_chunk=self.pages_per_chunk,
            upload_url_ttl=timedelta(minutes=self.upload_url_minutes),
            chunk_max_attempts=self.chunk_max_attempts,
        )

    @model_validator(mode="after")
    def _production_is_complete_and_real(self) -> Settings:
        if not self.production:
            return self
        emulators = [name for name in EMULATOR_VARIABLES if os.environ.get(name)]
        if emulators:
            raise UnsafeConfiguration(f"production must not use emulators: {emulators} are set")
        missing = [
            name
            for name in ("worker_url", "tasks_service_account", "signing_service_account")
            if not getattr(self, name)
        ]
        if missing or self.project_id.startswith("demo-"):
            raise UnsafeConfiguration(
                f"production needs FNT_{', FNT_'.join(m.upper() for m in missing) or 'PROJECT_ID'}"
                " set (and a real project id)"
            )
        return self
