"""FirestoreWebhookRepository against the Firestore emulator: endpoints and delivery logs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from google.cloud import firestore

from shared.adapters.firestore_webhooks import (
    DELIVERIES,
    TTL_FIELD,
    WEBHOOKS,
    FirestoreWebhookRepository,
)
from shared.domain.ids import WebhookId
from shared.domain.webhooks import (
    AttemptOutcome,
    DeliveryAttempt,
    Endpoint,
    EventType,
    SigningSecret,
)

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("clean_firestore")]

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ENDPOINT_ID = WebhookId("d" * 32)
MESSAGE = "msg_" + "0" * 32


@pytest.fixture
def repo(firestore_client: firestore.Client) -> FirestoreWebhookRepository:
    return FirestoreWebhookRepository(firestore_client)


def an_endpoint(
    endpoint_id: WebhookId = ENDPOINT_ID, owner: str = "reader-1", created_at: datetime = NOW
) -> Endpoint:
    return Endpoint(
        id=endpoint_id,
        owner_uid=owner,
        url="https://hooks.example.com/fnt",
        events=(EventType.JOB_COMPLETED, EventType.BATCH_COMPLETED),
        enabled=True,
        created_at=created_at,
        updated_at=created_at,
        secrets=(SigningSecret(b"\x00sealed\xff", created_at),),
        description="Mon serveur",
    )


def an_attempt(
    message: str = MESSAGE, attempt: int = 1, at: datetime = NOW, **fields: object
) -> DeliveryAttempt:
    values: dict[str, object] = {
        "endpoint_id": ENDPOINT_ID,
        "message_id": message,
        "event_type": "job.completed",
        "attempt": attempt,
        "at": at,
        "outcome": AttemptOutcome.FAILED,
    }
    return DeliveryAttempt(**(values | fields))  # type: ignore[arg-type]


def test_an_endpoint_comes_back_as_it_was_stored(repo: FirestoreWebhookRepository) -> None:
    later = NOW + timedelta(hours=1)
    endpoint = an_endpoint().rotated(later, SigningSecret(b"new", later), timedelta(hours=24))
    endpoint = endpoint.after_failure(later)
    repo.add(endpoint)

    stored = repo.get(ENDPOINT_ID)

    assert stored == endpoint
    assert stored is not None and stored.version is not None
    assert stored.secrets == (
        SigningSecret(b"new", later),
        SigningSecret(b"\x00sealed\xff", NOW, later + timedelta(hours=24)),
    )
    assert stored.events == (EventType.JOB_COMPLETED, EventType.BATCH_COMPLETED)
    assert repo.get(WebhookId("e" * 32)) is None


def test_a_change_based_on_a_stale_read_is_refused(repo: FirestoreWebhookRepository) -> None:
    repo.add(an_endpoint())
    first = repo.get(ENDPOINT_ID)
    assert first is not None
    later = NOW + timedelta(minutes=1)
    assert repo.compare_and_set(first, first.updated(later, url="https://other.example.com/"))

    assert not repo.compare_and_set(first, first.updated(later, enabled=False))
    stored = repo.get(ENDPOINT_ID)
    assert stored is not None and stored.enabled
    assert stored.url == "https://other.example.com/"
    assert repo.compare_and_set(stored, stored.updated(later, enabled=False))
    assert repo.get(ENDPOINT_ID).enabled is False  # type: ignore[union-attr]


def test_an_owners_endpoints_list_oldest_first(repo: FirestoreWebhookRepository) -> None:
    ids = [WebhookId(f"{n:x}" * 32) for n in range(1, 4)]
    repo.add(an_endpoint(ids[0], created_at=NOW + timedelta(hours=2)))
    repo.add(an_endpoint(ids[1], created_at=NOW))
    repo.add(an_endpoint(ids[2], created_at=NOW + timedelta(hours=1)))
    repo.add(an_endpoint(WebhookId("f" * 32), owner="someone-else"))
    repo.add(an_endpoint(WebhookId("e" * 32), owner="reader-1/../x", created_at=NOW))

    listed = repo.list_for_owner("reader-1")

    assert [e.id for e in listed] == [ids[1], ids[2], ids[0]]
    assert all(e.version is not None for e in listed)
    assert [e.id for e in repo.list_for_owner("reader-1/../x")] == [WebhookId("e" * 32)]
    assert repo.list_for_owner("nobody") == []


def test_an_attempt_comes_back_whole_and_expires_thirty_days_after(
    repo: FirestoreWebhookRepository, firestore_client: firestore.Client
) -> None:
    attempt = an_attempt(
        outcome=AttemptOutcome.FAILED,
        status_code=503,
        latency_ms=123.5,
        error="HTTP 503",
        response_excerpt="« Service indisponible »",
        next_attempt_at=NOW + timedelta(seconds=15),
    )
    repo.record_attempt(attempt)
    repo.record_attempt(an_attempt(attempt=2, at=NOW + timedelta(seconds=15), latency_ms=7))

    assert repo.attempts(ENDPOINT_ID, 10, None)[1] == attempt
    assert repo.attempts(ENDPOINT_ID, 10, None)[0].latency_ms == 7.0
    assert repo.attempt_recorded(ENDPOINT_ID, MESSAGE, 1)
    assert repo.attempt_recorded(ENDPOINT_ID, MESSAGE, 2)
    assert not repo.attempt_recorded(ENDPOINT_ID, MESSAGE, 3)
    assert not repo.attempt_recorded(WebhookId("e" * 32), MESSAGE, 1)
    log = firestore_client.collection(WEBHOOKS).document(ENDPOINT_ID).collection(DELIVERIES)
    stored = log.document(f"{MESSAGE}-001").get().to_dict() or {}
    assert stored[TTL_FIELD] == NOW + timedelta(days=30)


def test_recording_an_attempt_again_replaces_it(repo: FirestoreWebhookRepository) -> None:
    repo.record_attempt(an_attempt(outcome=AttemptOutcome.FAILED, status_code=500))
    repo.record_attempt(an_attempt(outcome=AttemptOutcome.DELIVERED, status_code=200))

    (only,) = repo.attempts(ENDPOINT_ID, 10, None)
    assert (only.outcome, only.status_code) == (AttemptOutcome.DELIVERED, 200)


def test_the_delivery_log_pages_newest_first_before_a_time(
    repo: FirestoreWebhookRepository,
) -> None:
    at = [NOW + timedelta(minutes=n) for n in range(6)]
    messages = [f"msg_{n:032x}" for n in range(6)]
    for message, when in zip(messages, at, strict=True):
        repo.record_attempt(an_attempt(message, at=when))
    # Two attempts in the same instant: the later id first.
    repo.record_attempt(an_attempt(messages[4], attempt=2, at=at[4]))
    other = dataclasses.replace(an_attempt(), endpoint_id=WebhookId("e" * 32), at=at[5])
    repo.record_attempt(other)

    def keys(attempts: list[DeliveryAttempt]) -> list[tuple[str, int]]:
        return [(a.message_id, a.attempt) for a in attempts]

    newest = keys(repo.attempts(ENDPOINT_ID, 3, None))
    assert newest == [(messages[5], 1), (messages[4], 2), (messages[4], 1)]
    older = keys(repo.attempts(ENDPOINT_ID, 3, at[4]))
    assert older == [(messages[3], 1), (messages[2], 1), (messages[1], 1)]
    assert keys(repo.attempts(ENDPOINT_ID, 10, at[1])) == [(messages[0], 1)]
    assert repo.attempts(ENDPOINT_ID, 10, at[0]) == []
    assert len(repo.attempts(ENDPOINT_ID, 100, None)) == 7, "only this endpoint's"


def test_a_deleted_endpoint_goes_with_its_delivery_log(
    repo: FirestoreWebhookRepository, firestore_client: firestore.Client
) -> None:
    repo.add(an_endpoint())
    repo.add(an_endpoint(WebhookId("e" * 32)))
    for n in range(450):  # more than one batch of writes
        repo.record_attempt(an_attempt(f"msg_{n:032x}", at=NOW + timedelta(seconds=n)))
    other = dataclasses.replace(an_attempt(), endpoint_id=WebhookId("e" * 32))
    repo.record_attempt(other)

    repo.delete(ENDPOINT_ID)
    repo.delete(ENDPOINT_ID)  # a missing one is no error

    assert repo.get(ENDPOINT_ID) is None
    assert repo.attempts(ENDPOINT_ID, 10, None) == []
    log = firestore_client.collection(WEBHOOKS).document(ENDPOINT_ID).collection(DELIVERIES)
    assert list(log.limit(1).stream()) == []
    assert repo.get(WebhookId("e" * 32)) is not None
    assert repo.attempts(WebhookId("e" * 32), 10, None) == [other], "another's log stays"
