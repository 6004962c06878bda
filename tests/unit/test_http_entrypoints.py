"""The entry points' own rules, before any service is reached: routing, limits, callers."""

from __future__ import annotations

import json
from typing import Any

import flask
import pytest
from cloudevents.http import CloudEvent

from shared.entrypoints.api import routes as api_routes
from tests.apps import (
    ORIGINS,
    api_router,
    auth_emulator_mode,  # noqa: F401 (an autouse fixture)
    call,
    storage_trigger,
    task_worker,
)
from tests.fakes import fake_world

WORLD = fake_world()
API = api_router(WORLD.deps).dispatch
WORKER = task_worker(WORLD.deps).handle


def error_of(response: flask.Response) -> dict[str, Any]:
    return json.loads(response.get_data())["error"]


def test_health_needs_no_token_and_echoes_a_sane_request_id() -> None:
    response = call(API, "/api/v1/health", headers={"X-Request-ID": "client-req-0001"})

    assert (response.status_code, response.get_json()["status"]) == (200, "ok")
    assert response.headers["X-Request-ID"] == "client-req-0001"


def test_an_unsafe_request_id_is_replaced() -> None:
    response = call(API, "/api/v1/health", headers={"X-Request-ID": "<script>"})

    assert response.headers["X-Request-ID"] != "<script>"
    assert len(response.headers["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    ("path", "method", "status", "code"),
    [
        ("/api/v1/nowhere", "GET", 404, "ROUTE_NOT_FOUND"),
        ("/api/v1//health", "GET", 404, "ROUTE_NOT_FOUND"),
        ("/api/v1/health", "DELETE", 405, "METHOD_NOT_ALLOWED"),
        ("/api/v1/jobs/" + "a" * 32, "GET", 401, "AUTH_TOKEN_MISSING"),
        ("/api/v1/uploads", "POST", 401, "AUTH_TOKEN_MISSING"),
    ],
)
def test_routing_and_auth_errors_have_codes(path: str, method: str, status: int, code: str) -> None:
    response = call(API, path, method)

    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == code
    assert error["request_id"] == response.headers["X-Request-ID"]


def test_a_body_over_the_routes_limit_is_refused_before_it_is_read() -> None:
    response = call(
        API, "/api/v1/uploads", "POST", data=b"x" * (70 * 1024), content_type="text/plain"
    )

    assert (response.status_code, error_of(response)["code"]) == (413, "PAYLOAD_TOO_LARGE")


def test_the_worker_refuses_a_caller_without_cloud_tasks_headers() -> None:
    response = call(WORKER, "/", "POST", json={"kind": "expire_upload"})

    assert (response.status_code, error_of(response)["code"]) == (403, "CALLER_FORBIDDEN")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        json.dumps({"kind": "mystery", "job_id": "a" * 32}).encode(),
        json.dumps({"kind": "chunk", "job_id": "../x", "generation": 1, "chunk": 0,
                    "first_page": 1, "last_page": 2}).encode(),
    ],
)  # fmt: skip
def test_the_worker_drops_a_task_that_can_never_succeed(body: bytes) -> None:
    headers = {"X-CloudTasks-QueueName": "projects/p/locations/l/queues/chunks"}

    response = call(WORKER, "/", "POST", data=body, headers=headers)

    assert response.status_code == 200  # a 4xx would make Cloud Tasks retry it
    assert response.get_json()["outcome"].startswith("dropped")


def _event(event_type: str, bucket: str) -> CloudEvent:
    attributes = {
        "type": event_type,
        "source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
    }
    data = {"bucket": bucket, "name": "uploads/x.pdf", "generation": "1", "size": "10"}
    return CloudEvent(attributes, data)


@pytest.mark.parametrize(
    "event",
    [
        _event("google.cloud.storage.object.v1.deleted", "uploads"),
        _event("google.cloud.storage.object.v1.finalized", "someone-elses-bucket"),
    ],
)
def test_the_trigger_ignores_events_it_does_not_own(
    event: CloudEvent, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING"):
        storage_trigger(WORLD.deps).handle(event)

    assert "ignored event" in caplog.text


def test_cors_grants_only_the_configured_origins() -> None:
    [allowed] = ORIGINS
    asked = {"Access-Control-Request-Method": "POST"}

    preflight = call(API, "/api/v1/uploads", "OPTIONS", headers={"Origin": allowed, **asked})
    refused = call(API, "/api/v1/uploads", "OPTIONS", headers={"Origin": "https://evil.example"})
    answer = call(API, "/api/v1/health", headers={"Origin": allowed})
    other = call(API, "/api/v1/health", headers={"Origin": "https://evil.example"})

    assert preflight.status_code == refused.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Methods" not in refused.headers
    assert answer.headers["Access-Control-Allow-Origin"] == allowed
    assert "X-Request-ID" in answer.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in other.headers


def test_a_browser_may_send_every_method_the_api_routes() -> None:
    [allowed] = ORIGINS
    preflight = call(API, "/api/v1/webhooks", "OPTIONS", headers={"Origin": allowed})
    granted = {m.strip() for m in preflight.headers["Access-Control-Allow-Methods"].split(",")}

    assert {route.method for route in api_routes.routes.values()} <= granted
