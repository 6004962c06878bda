"""The functions' entry points, wired as the composition root wires them, on fakes.

The API verifies real Firebase ID tokens in Auth emulator mode (unsigned tokens from
`token_for`, no server needed); the worker checks Cloud Tasks' headers as it does on
the local stack. Tests drive them in process, with no emulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import flask
import pytest
from cloudevents.http import CloudEvent

from shared.adapters.firebase_tokens import EMULATOR_HOST_ENV, FirebaseTokenVerifier
from shared.adapters.firebase_tokens import mint_emulator_token as mint
from shared.adapters.oidc_callers import LocalCallerCheck
from shared.entrypoints import api
from shared.entrypoints.api_guard import ApiGuard
from shared.entrypoints.storage_trigger import StorageTrigger
from shared.entrypoints.task_worker import TaskWorker
from shared.http.router import Router
from shared.service.deps import Deps

PROJECT = "demo-fnt"
UPLOADS_BUCKET = "uploads"
ORIGINS = frozenset({"https://app.example"})
QUEUE_HEADER = "X-CloudTasks-QueueName"

_flask = flask.Flask(__name__)


@pytest.fixture(autouse=True)
def auth_emulator_mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """firebase-admin accepts unsigned tokens while this variable is set (never in
    production: the verifier refuses to start or verify there)."""
    monkeypatch.setenv(EMULATOR_HOST_ENV, "127.0.0.1:9099")
    yield


def token_for(uid: str, role: str | None = None, email: str | None = None) -> str:
    return mint(PROJECT, uid, role=role, email=email)


def api_router(deps: Deps) -> Router[Deps]:
    verifier = FirebaseTokenVerifier(PROJECT, production=False)
    return Router(api.routes, deps, ApiGuard(verifier, deps, ORIGINS))


def task_worker(deps: Deps) -> TaskWorker:
    callers = LocalCallerCheck(production=False, required_headers={QUEUE_HEADER: None})
    return TaskWorker(deps, callers)


def storage_trigger(deps: Deps) -> StorageTrigger:
    return StorageTrigger(deps, UPLOADS_BUCKET)


def call(handler: Any, path: str, method: str = "GET", **kwargs: Any) -> flask.Response:
    """`handler` (a Router's dispatch or a worker's handle) on one request."""
    with _flask.test_request_context(path, method=method, **kwargs):
        response: flask.Response = handler(flask.request)
        return response


def finalized(name: str, generation: int, size: int, bucket: str = UPLOADS_BUCKET) -> CloudEvent:
    attributes = {
        "type": "google.cloud.storage.object.v1.finalized",
        "source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
    }
    data = {"bucket": bucket, "name": name, "generation": str(generation), "size": str(size)}
    return CloudEvent(attributes, data)
