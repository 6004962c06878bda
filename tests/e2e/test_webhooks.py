"""Webhooks through the local system: deliveries signed as Standard Webhooks has it,
checked by an independent implementation in a real receiver; retries with the same id;
rotation with both signatures; the delivery log; no redirect followed; targets refused."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from infra.api_client import ApiClient, ApiError
from tests.e2e.conftest import WEBHOOK_MAX_ATTEMPTS
from tests.e2e.webhook_receivers import payload, receiver, wait_for
from tests.webhooks.receivers import Handler, reply

pytestmark = pytest.mark.stack

ALL_EVENTS = ["job.completed", "job.failed", "batch.completed", "export.completed"]


def register(client: ApiClient, url: str, events: list[str] = ALL_EVENTS) -> tuple[str, str]:
    created = client.call("POST", "/webhooks", json={"url": url, "events": events})
    return created["webhook"]["webhook_id"], created["secret"]


def log_of(client: ApiClient, hook_id: str, settled: int, timeout: float = 60.0) -> list[Any]:
    """The delivery log, once it holds `settled` entries."""
    deadline = time.monotonic() + timeout
    while True:
        entries: list[Any] = client.call("GET", f"/webhooks/{hook_id}/deliveries")["deliveries"]
        if len(entries) >= settled or time.monotonic() > deadline:
            return entries
        time.sleep(0.1)


def test_a_completed_job_reaches_the_receiver_signed_and_logged(
    client_for: Any, sample_pdf: bytes
) -> None:
    client = client_for("hooked-reader")
    with receiver() as hooks:
        hook_id, secret = register(client, hooks.url())
        created = client.create_upload("roman.pdf", len(sample_pdf), 8)
        client.put_file(created, sample_pdf)
        job = client.wait(created["job_id"])

        (request,) = wait_for(hooks, 1, "job.completed")
        event = payload(request, secret)
    assert event["data"]["job_id"] == job["job_id"]
    assert event["data"]["sentence_count"] == job["counts"]["sentences"] > 0
    assert request.headers["webhook-id"].startswith("msg_")
    assert request.headers["content-type"] == "application/json"
    (entry,) = log_of(client, hook_id, 1)
    assert (entry["outcome"], entry["status_code"], entry["attempt"]) == ("delivered", 200, 1)
    assert entry["message_id"] == request.headers["webhook-id"] and entry["latency_ms"] > 0


def test_failed_deliveries_are_tried_again_with_the_same_id_until_one_succeeds(
    client_for: Any,
) -> None:
    client = client_for("flaky-receiver")
    answered: Counter[str] = Counter()

    def flaky(handler: Handler) -> None:
        message_id = handler.headers["webhook-id"]
        answered[message_id] += 1
        if answered[message_id] <= 2:
            reply(handler, 500, b"database is down")
        else:
            reply(handler, 204, b"")

    with receiver(flaky) as hooks:
        hook_id, secret = register(client, hooks.url())
        message_id = client.call("POST", f"/webhooks/{hook_id}/test")["message_id"]
        first, second, third = wait_for(hooks, 3)
        assert {r.headers["webhook-id"] for r in (first, second, third)} == {message_id}
        assert first.body == second.body == third.body
        assert payload(third, secret)["type"] == "webhook.test"
        entries = log_of(client, hook_id, 3)
    assert [(e["attempt"], e["outcome"], e["status_code"]) for e in reversed(entries)] == [
        (1, "failed", 500), (2, "failed", 500), (3, "delivered", 204),
    ]  # fmt: skip
    assert entries[2]["response_excerpt"] == "database is down"
    assert entries[2]["next_attempt_at"] <= entries[1]["at"]  # each waited its backoff


def test_during_a_rotation_each_delivery_carries_both_signatures(client_for: Any) -> None:
    client = client_for("rotating-receiver")
    with receiver() as hooks:
        hook_id, old = register(client, hooks.url())
        rotated = client.call("POST", f"/webhooks/{hook_id}/rotate-secret")
        new = rotated["secret"]
        client.call("POST", f"/webhooks/{hook_id}/test")
        (request,) = wait_for(hooks, 1)
    signatures = request.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert payload(request, old) == payload(request, new)  # a receiver on either secret
    assert rotated["webhook"]["previous_secret_expires_at"]


def test_a_redirect_is_never_followed(client_for: Any) -> None:
    client = client_for("redirecting-receiver")
    with receiver() as inward:
        target = inward.url("/private")

        def redirect(handler: Handler) -> None:
            reply(handler, 302, b"moved", {"Location": target})

        with receiver(redirect) as hooks:
            hook_id, _ = register(client, hooks.url())
            client.call("POST", f"/webhooks/{hook_id}/test")
            entries = log_of(client, hook_id, WEBHOOK_MAX_ATTEMPTS)
            assert len(hooks.requests) == WEBHOOK_MAX_ATTEMPTS
        assert inward.connections == 0  # the redirect's target was never reached
    outcomes = [e["outcome"] for e in reversed(entries)]
    assert outcomes == ["failed"] * (WEBHOOK_MAX_ATTEMPTS - 1) + ["gave_up"]
    assert all(e["status_code"] == 302 for e in entries)
    assert "redirect" in entries[0]["error"]


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/computeMetadata/v1/",  # the metadata server
        "https://metadata.google.internal/",
        "https://10.0.0.8/hook",  # private
        "https://192.168.1.20/hook",
        "https://100.64.0.1/hook",  # carrier-grade NAT
        "https://[fe80::1]/hook",  # link-local
        "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6, refused even locally
        "https://224.0.0.1/hook",  # multicast
        "http://hooks.example/hook",  # not HTTPS
        "https://user:pw@hooks.example/hook",
    ],
)
def test_targets_no_delivery_may_reach_are_refused_at_registration(
    reader: ApiClient, url: str
) -> None:
    with pytest.raises(ApiError) as refused:
        reader.call("POST", "/webhooks", json={"url": url, "events": ["job.failed"]})
    assert refused.value.status == 422
    assert refused.value.code == "WEBHOOK_TARGET_REFUSED"


def test_an_unreachable_receiver_is_logged_without_an_answer(client_for: Any) -> None:
    client = client_for("gone-receiver")
    with receiver() as hooks:
        url = hooks.url()
    hook_id, _ = register(client, url)  # registered, then the server went away
    client.call("POST", f"/webhooks/{hook_id}/test")
    entries = log_of(client, hook_id, 1)
    assert entries[-1]["status_code"] is None and entries[-1]["error"]
