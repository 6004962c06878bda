"""The product's own stack: its three functions wired as they are deployed."""

from __future__ import annotations

import base64
import dataclasses
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from infra.local_stack.config import AUTH_EMULATOR_HOST_ENV, FunctionSpec, Service, StackConfig
from infra.local_stack.paths import REPO_ROOT

PRODUCT_SOURCE = REPO_ROOT / "functions" / "main.py"
SCANNER_SOURCE = REPO_ROOT / "functions" / "scanner.py"
UPLOADS_BUCKET = "uploads"
EXPORTS_BUCKET = "exports"
QUARANTINE_BUCKET = "quarantine"
CHUNKS_QUEUE = "chunks"
GEMINI_QUEUE = "gemini"
WEBHOOKS_QUEUE = "webhooks"
# Webhook deliveries to a receiver on this machine (tests, `make dev`): an explicit
# setting of the local profile, which production refuses to start with.
ALLOW_LOOPBACK_WEBHOOKS = {"FNT_WEBHOOK_ALLOW_LOOPBACK": "true"}
# The functions reach the stack's Auth emulator at the address LocalStack.env() gives
# them. A stack without it (`services` leaving out Service.AUTH) still puts firebase-admin
# in emulator mode with this address, where nothing listens: the API then verifies
# unsigned, hand-minted tokens only, and checks no account (see firebase_tokens).
UNSERVED_AUTH_EMULATOR_HOST = "127.0.0.1:9099"
# Served as deployed (terraform/functions.tf, whose tests compare): an API instance is
# one process taking API_CONCURRENCY requests at once, one thread each; a trigger
# instance takes one event at a time.
API_CONCURRENCY = 8
API_ENV = {"WORKERS": "1", "THREADS": str(API_CONCURRENCY)}
TRIGGER_ENV = {"WORKERS": "1", "THREADS": "1"}
# A deployed worker instance takes one task at a time and the queues scale instances
# out; here processes and threads stand in for those instances: one process per CPU
# (offline chunks are CPU work), a few threads each (a Gemini chunk mostly waits for the
# model), and the queues dispatch as many tasks at once.
WORKER_PROCESSES = max(1, min(4, os.cpu_count() or 1))
WORKER_THREADS = 4
WORKER_ENV = {"WORKERS": str(WORKER_PROCESSES), "THREADS": str(WORKER_THREADS)}


def product_env(extra: Mapping[str, str] = {}) -> dict[str, str]:
    return {
        "FNT_PROFILE": "local",
        "FNT_UPLOADS_BUCKET": UPLOADS_BUCKET,
        "FNT_EXPORTS_BUCKET": EXPORTS_BUCKET,
        "FNT_QUARANTINE_BUCKET": QUARANTINE_BUCKET,
        "FNT_CHUNKS_QUEUE": CHUNKS_QUEUE,
        "FNT_GEMINI_QUEUE": GEMINI_QUEUE,
        "FNT_WEBHOOKS_QUEUE": WEBHOOKS_QUEUE,
        # The key that seals webhook signing secrets (Secret Manager when deployed): a
        # new one per stack, since the emulators keep nothing between runs.
        "WEBHOOK_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        **extra,
    }


def product_functions(
    source: Path = PRODUCT_SOURCE,
    env: Mapping[str, str] = {},
    *,
    auth_emulator: bool = True,
) -> tuple[FunctionSpec, ...]:
    """The functions, for a stack with or without the Auth emulator."""
    if not auth_emulator:
        env = {AUTH_EMULATOR_HOST_ENV: UNSERVED_AUTH_EMULATOR_HOST, **env}
    function_env = product_env(env)

    def named(name: str) -> dict[str, str]:
        return {**function_env, "K_SERVICE": name}  # as Cloud Run names the service

    return (
        FunctionSpec("api", source, "api", "http", {**named("api"), **API_ENV}),
        FunctionSpec(
            "on_pdf_uploaded",
            source,
            "on_pdf_uploaded",
            "cloudevent",
            {**named("on_pdf_uploaded"), **TRIGGER_ENV},
        ),
        FunctionSpec(
            "run_task",
            source,
            "run_task",
            "http",
            {**named("run_task"), **WORKER_ENV},
        ),
        # The malware scanner service (on Cloud Run when deployed), beside the stack's clamd.
        FunctionSpec(
            "scan_upload", SCANNER_SOURCE, "scan_upload", "http", named("malware-scanner")
        ),
    )


def product_config(
    *, worker_source: Path = PRODUCT_SOURCE, env: Mapping[str, str] = {}, **settings: object
) -> StackConfig:
    """Every service, the three functions behind the event bridge and the Tasks queue, and
    the malware scanner.

    `worker_source` swaps the worker's source (tests wrap it to inject faults);
    `env` reaches every function; `settings` override StackConfig fields.
    """
    services = settings.get("services", frozenset(Service))
    auth_emulator = isinstance(services, frozenset) and Service.AUTH in services
    functions = tuple(
        dataclasses.replace(spec, source=worker_source) if spec.name == "run_task" else spec
        for spec in product_functions(env=env, auth_emulator=auth_emulator)
    )
    return StackConfig(
        functions=functions,
        storage_event_target="on_pdf_uploaded",
        buckets=(UPLOADS_BUCKET, EXPORTS_BUCKET, QUARANTINE_BUCKET),
        # Versioned, as deployed: a worker reads the generation its job accepted
        # even after the object was overwritten.
        versioned_buckets=(UPLOADS_BUCKET,),
        task_queues=(CHUNKS_QUEUE, GEMINI_QUEUE, WEBHOOKS_QUEUE),
        # Offline chunks are CPU work: one per process; Gemini chunks mostly wait.
        task_max_concurrent_dispatches={
            CHUNKS_QUEUE: WORKER_PROCESSES,
            GEMINI_QUEUE: WORKER_PROCESSES * WORKER_THREADS,
            WEBHOOKS_QUEUE: WORKER_PROCESSES,
        },
        **settings,  # type: ignore[arg-type]
    )
