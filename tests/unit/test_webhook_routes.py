"""Webhooks through the API in process, on fakes: endpoints and their secrets, events as
jobs, batches and exports end, signatures checked by the reference library, rotation,
retries with backoff, the delivery log and disabling after three days of failures."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, tzinfo
from typing import Any

import pytest
from standardwebhooks import Webhook, WebhookVerificationError
from standardwebhooks import webhooks as reference

from shared.service.deps import Limits
from shared.service.ports import WebhookCall
from tests.apps import auth_emulator_mode  # noqa: F401
from tests.fake_records import answers
from tests.fakes import fake_world
from tests.unit.test_api_routes import PREFIX, Frontend, run_queued_tasks
from tests.unit.test_batch_routes import run_tasks

HOOK = "https://hooks.example/fnt"
ALL_EVENTS = ["job.completed", "job.failed", "batch.completed", "export.completed"]


@pytest.fixture
def ui() -> Frontend:
    return Frontend(fake_world())


def register(ui: Frontend, events: list[str] = ALL_EVENTS, url: str = HOOK) -> dict[str, Any]:
    created: dict[str, Any] = ui.json(
        "POST", f"{PREFIX}/webhooks", 201, json={"url": url, "events": events}
    )
    return created


def verified(call: WebhookCall, secret: str, now: datetime) -> dict[str, Any]:
    """The payload, as a receiver using the reference implementation reads it at `now`
    (it refuses a timestamp five minutes from its clock: here, the fake clock)."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Clock:  # type: ignore[override]
            return cls.fromtimestamp(now.timestamp(), tz)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reference, "datetime", Clock)
        payload: dict[str, Any] = Webhook(secret).verify(call.body, dict(call.headers))
    return payload


def drive_webhook_routes(ui: Frontend) -> None:
    """Every webhook route's happy path (the route-coverage test calls this too)."""
    created = register(ui)
    secret, hook = created["secret"], created["webhook"]
    assert secret.startswith("whsec_") and "secret" not in hook
    hook_id = hook["webhook_id"]
    assert ui.json("GET", f"{PREFIX}/webhooks")["webhooks"] == [hook]
    assert ui.json("GET", f"{PREFIX}/webhooks/{hook_id}") == hook

    job_id = ui.upload_and_process()
    assert run_tasks(ui.world, "webhook") == ["delivered: 200"]
    (call,) = ui.world.sender.calls
    event = verified(call, secret, ui.world.clock())
    assert (event["type"], event["data"]["job_id"], event["data"]["status"]) == (
        "job.completed", job_id, "completed",
    )  # fmt: skip

    ui.world.clock.advance(timedelta(seconds=1))
    test = ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/test", 202)
    assert run_tasks(ui.world, "webhook") == ["delivered: 200"]
    assert verified(ui.world.sender.calls[-1], secret, ui.world.clock())["type"] == "webhook.test"

    log = ui.json("GET", f"{PREFIX}/webhooks/{hook_id}/deliveries")["deliveries"]
    assert log[0]["message_id"] == test["message_id"]
    assert [entry["outcome"] for entry in log] == ["delivered", "delivered"]
    assert log[1]["event_type"] == "job.completed" and log[1]["status_code"] == 200

    rotated = ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/rotate-secret")
    assert rotated["secret"] != secret and rotated["webhook"]["previous_secret_expires_at"]

    changed = ui.json(
        "PATCH", f"{PREFIX}/webhooks/{hook_id}", json={"events": ["job.failed"], "enabled": False}
    )
    assert (changed["events"], changed["enabled"]) == (["job.failed"], False)
    assert ui.request("DELETE", f"{PREFIX}/webhooks/{hook_id}").status_code == 204
    assert (
        ui.json("GET", f"{PREFIX}/webhooks/{hook_id}", 404)["error"]["code"] == "WEBHOOK_NOT_FOUND"
    )


def test_every_webhook_route(ui: Frontend) -> None:
    drive_webhook_routes(ui)


def test_each_event_reaches_the_endpoints_subscribed_to_it_once(ui: Frontend) -> None:
    failures = register(ui, ["job.failed"], "https://a.example/hook")
    everything = register(ui, ALL_EVENTS, "https://b.example/hook")
    job_id = ui.upload_and_process()
    ui.json("POST", f"{PREFIX}/jobs/{job_id}/exports", 201, json={"kind": "csv"})
    waiting = ui.json("POST", f"{PREFIX}/uploads", 201, json={"filename": "x.pdf", "size_bytes": 9})
    ui.world.store.write(f"uploads/{waiting['job_id']}.pdf", b"not a pdf at all", "text/plain")
    ui.put(waiting["job_id"])

    run_tasks(ui.world, "webhook")
    received = [(c.url, json.loads(c.body)["type"]) for c in ui.world.sender.calls]
    assert sorted(received) == [
        ("https://a.example/hook", "job.failed"),
        ("https://b.example/hook", "export.completed"),
        ("https://b.example/hook", "job.completed"),
        ("https://b.example/hook", "job.failed"),
    ]
    assert failures["secret"] != everything["secret"]


def test_a_redelivered_chunk_announces_nothing_new(ui: Frontend) -> None:
    register(ui)
    world = ui.world
    created = ui.json("POST", f"{PREFIX}/uploads", 201, json={"filename": "a.pdf", "size_bytes": 9})
    ui.put(created["job_id"])
    chunks = {task.name: task for task in world.tasks.of_kind("chunk")}
    run_queued_tasks(world)
    enqueued = len(world.tasks.of_kind("webhook"))
    world.tasks.tasks.update(chunks)
    run_queued_tasks(world)  # every chunk task again: each finds its job completed
    assert len(ui.world.tasks.of_kind("webhook")) == enqueued == 1


def test_during_a_rotation_deliveries_carry_both_signatures_then_only_the_new(
    ui: Frontend,
) -> None:
    created = register(ui)
    old, hook_id = created["secret"], created["webhook"]["webhook_id"]
    new = ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/rotate-secret")["secret"]

    ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/test", 202)
    run_tasks(ui.world, "webhook")
    call = ui.world.sender.calls[-1]
    signatures = call.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    assert verified(call, old, ui.world.clock()) and verified(
        call, new, ui.world.clock()
    )  # either secret verifies

    ui.world.clock.advance(timedelta(hours=24, seconds=1))
    ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/test", 202)
    run_tasks(ui.world, "webhook")
    call = ui.world.sender.calls[-1]
    assert len(call.headers["webhook-signature"].split(" ")) == 1
    assert verified(call, new, ui.world.clock())
    with pytest.raises(WebhookVerificationError):
        verified(call, old, ui.world.clock())
    view = ui.json("GET", f"{PREFIX}/webhooks/{hook_id}")
    assert view["previous_secret_expires_at"] is None


def test_a_failed_delivery_is_tried_again_later_with_the_same_id_and_body(ui: Frontend) -> None:
    world = ui.world
    created = register(ui)
    hook_id = created["webhook"]["webhook_id"]
    world.sender.respond = answers(500, None, 200)
    ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/test", 202)

    started = world.clock()
    schedule = []
    for _ in range(3):
        pending = world.tasks.of_kind("webhook")
        schedule.extend(t.schedule_at for t in pending)
        run_tasks(world, "webhook")
    assert schedule == [None, started + timedelta(seconds=5), started + timedelta(seconds=15)]

    first, second, third = world.sender.calls
    assert (
        first.headers["webhook-id"] == second.headers["webhook-id"] == third.headers["webhook-id"]
    )
    assert first.body == second.body == third.body
    log = ui.json("GET", f"{PREFIX}/webhooks/{hook_id}/deliveries")["deliveries"]
    assert [(e["attempt"], e["outcome"], e["status_code"]) for e in reversed(log)] == [
        (1, "failed", 500), (2, "failed", None), (3, "delivered", 200),
    ]  # fmt: skip
    assert log[2]["next_attempt_at"] and log[1]["error"] == "The connection timed out."
    assert ui.json("GET", f"{PREFIX}/webhooks/{hook_id}")["failing_since"] is None


def test_a_redelivered_attempt_is_not_sent_twice(ui: Frontend) -> None:
    world = ui.world
    hook_id = register(ui)["webhook"]["webhook_id"]
    ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/test", 202)
    (task,) = world.tasks.of_kind("webhook")
    run_tasks(world, "webhook")
    world.tasks.tasks[task.name] = task  # Cloud Tasks delivers it again
    assert run_tasks(world, "webhook") == ["duplicate: attempt already made"]
    assert len(world.sender.calls) == 1


def test_an_endpoint_failing_for_three_days_is_disabled_and_says_so() -> None:
    world = fake_world(Limits(webhook_retry_base=timedelta(hours=1)))
    ui = Frontend(world)
    hook_id = register(ui)["webhook"]["webhook_id"]
    world.sender.respond = lambda call: answers(503)(call)
    ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/test", 202)
    outcomes: list[str] = []
    while world.tasks.of_kind("webhook"):
        (task,) = world.tasks.of_kind("webhook")
        if task.schedule_at:
            world.clock.now = task.schedule_at
        outcomes += run_tasks(world, "webhook")

    view = ui.json("GET", f"{PREFIX}/webhooks/{hook_id}")
    assert (view["enabled"], view["disabled_reason"]) == (False, "failing")
    failing_for = world.clock() - world.webhooks.get(hook_id).failing_since  # type: ignore[union-attr]
    assert failing_for >= timedelta(days=3) and outcomes[-1].startswith("gave up")
    log = ui.json("GET", f"{PREFIX}/webhooks/{hook_id}/deliveries?limit=100")["deliveries"]
    assert log[0]["outcome"] == "gave_up" and len(log) == len(outcomes)

    job_ended_later = ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/test", 409)
    assert job_ended_later["error"]["code"] == "CONFLICT"  # disabled: enable it first
    enabled = ui.json("PATCH", f"{PREFIX}/webhooks/{hook_id}", json={"enabled": True})
    assert (enabled["enabled"], enabled["disabled_reason"], enabled["failing_since"]) == (
        True, None, None,
    )  # fmt: skip


def test_the_delay_between_attempts_triples_up_to_its_ceiling() -> None:
    from shared.service.webhook_delivery import retry_delay

    limits = Limits()
    delays = [retry_delay(limits, attempt).total_seconds() for attempt in range(1, 12)]
    assert delays[:5] == [5, 15, 45, 135, 405]
    assert delays[-1] == 6 * 3600 and delays == sorted(delays)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"url": "http://hooks.example/x", "events": ["job.failed"]},
            422,
            "WEBHOOK_TARGET_REFUSED",
        ),
        ({"url": "https://10.0.0.1/x", "events": ["job.failed"]}, 422, "WEBHOOK_TARGET_REFUSED"),
        (
            {"url": "https://169.254.169.254/x", "events": ["job.failed"]},
            422,
            "WEBHOOK_TARGET_REFUSED",
        ),
        ({"url": HOOK, "events": []}, 422, "VALIDATION_FAILED"),
        ({"url": HOOK, "events": ["webhook.test"]}, 422, "VALIDATION_FAILED"),
        ({"url": HOOK, "events": ["job.exploded"]}, 422, "VALIDATION_FAILED"),
        ({"url": HOOK, "events": ["job.failed"], "secret": "mine"}, 422, "VALIDATION_FAILED"),
    ],
)
def test_an_endpoint_that_cannot_be_registered_is_refused(
    ui: Frontend, body: dict[str, Any], status: int, code: str
) -> None:
    assert ui.json("POST", f"{PREFIX}/webhooks", status, json=body)["error"]["code"] == code
    assert not ui.world.webhooks.records


def test_a_changed_url_is_checked_again_and_the_count_is_capped() -> None:
    world = fake_world(Limits(max_webhooks=2))
    ui = Frontend(world)
    hook_id = register(ui)["webhook"]["webhook_id"]
    refused = ui.json(
        "PATCH", f"{PREFIX}/webhooks/{hook_id}", 422, json={"url": "https://localhost/x"}
    )
    assert refused["error"]["code"] == "WEBHOOK_TARGET_REFUSED"
    register(ui)
    assert (
        ui.json("POST", f"{PREFIX}/webhooks", 409, json={"url": HOOK, "events": ["job.failed"]})[
            "error"
        ]["code"]
        == "WEBHOOK_LIMIT_REACHED"
    )


def test_a_target_refused_at_delivery_is_logged_and_not_tried_again(ui: Frontend) -> None:
    hook_id = register(ui, url="https://rebinding.example/x")["webhook"]["webhook_id"]
    ui.world.sender.refused_hosts.add("rebinding.example")  # its name now resolves inward
    ui.json("POST", f"{PREFIX}/webhooks/{hook_id}/test", 202)
    assert run_tasks(ui.world, "webhook") == ["refused: the target is not allowed"]
    assert not ui.world.tasks.of_kind("webhook") and not ui.world.sender.calls
    (entry,) = ui.json("GET", f"{PREFIX}/webhooks/{hook_id}/deliveries")["deliveries"]
    assert entry["outcome"] == "refused"


def test_another_users_webhook_is_not_found(ui: Frontend) -> None:
    hook_id = register(ui)["webhook"]["webhook_id"]
    stranger = Frontend(ui.world, uid="reader-2")
    for method, path in [
        ("GET", f"{PREFIX}/webhooks/{hook_id}"),
        ("PATCH", f"{PREFIX}/webhooks/{hook_id}"),
        ("DELETE", f"{PREFIX}/webhooks/{hook_id}"),
        ("POST", f"{PREFIX}/webhooks/{hook_id}/rotate-secret"),
        ("POST", f"{PREFIX}/webhooks/{hook_id}/test"),
        ("GET", f"{PREFIX}/webhooks/{hook_id}/deliveries"),
    ]:
        kwargs = {"json": {"enabled": False}} if method == "PATCH" else {}
        assert stranger.json(method, path, 404, **kwargs)["error"]["code"] == "WEBHOOK_NOT_FOUND"
    assert stranger.json("GET", f"{PREFIX}/webhooks")["webhooks"] == []


def test_the_schema_event_names_are_the_subscribable_events() -> None:
    import typing

    from shared.domain.webhooks import SUBSCRIBABLE
    from shared.http.webhook_schemas import EventName

    assert set(typing.get_args(EventName)) == {str(event) for event in SUBSCRIBABLE}
