"""FirestoreRateLimiter against the Firestore emulator: exact under a race, windows, expiry."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from google.cloud import firestore

from shared.adapters.firestore_rate_limiter import (
    COLLECTION,
    EXPIRY_MARGIN,
    SLOTS,
    TTL_FIELD,
    FirestoreRateLimiter,
)
from shared.ratelimit import Quota

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("clean_firestore")]

HOUR_START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NOW = HOUR_START + timedelta(minutes=20)
TEN_PER_HOUR = Quota(10, 3600)


@pytest.fixture
def limiter(firestore_client: firestore.Client) -> FirestoreRateLimiter:
    return FirestoreRateLimiter(firestore_client)


def slot_documents(client: firestore.Client) -> list[firestore.DocumentSnapshot]:
    return list(client.collection_group(SLOTS).stream())


def test_fifty_racing_requests_against_a_limit_of_ten_admit_exactly_ten(
    limiter: FirestoreRateLimiter, firestore_client: firestore.Client
) -> None:
    start = threading.Barrier(50)

    def acquire(_: int) -> bool:
        start.wait()
        return limiter.acquire("reader-1:processing", TEN_PER_HOUR, NOW).allowed

    with ThreadPoolExecutor(max_workers=50) as pool:
        admitted = list(pool.map(acquire, range(50)))

    assert admitted.count(True) == 10
    assert len(slot_documents(firestore_client)) == 10
    assert not limiter.acquire("reader-1:processing", TEN_PER_HOUR, NOW).allowed
    other = limiter.acquire("reader-2:processing", TEN_PER_HOUR, NOW)
    assert other.allowed and other.remaining == 9


def test_admits_up_to_the_limit_and_again_in_the_next_window(
    limiter: FirestoreRateLimiter,
) -> None:
    quota = Quota(2, 3600)

    decisions = [limiter.acquire("k", quota, NOW) for _ in range(3)]
    next_window = limiter.acquire("k", quota, HOUR_START + timedelta(hours=1))

    assert [(d.allowed, d.remaining) for d in decisions] == [(True, 1), (True, 0), (False, 0)]
    assert decisions[2].reset_at == HOUR_START + timedelta(hours=1)
    assert decisions[2].retry_after_seconds == 40 * 60
    assert (next_window.allowed, next_window.remaining) == (True, 1)
    assert next_window.reset_at == HOUR_START + timedelta(hours=2)


def test_peek_reports_usage_and_writes_nothing(
    limiter: FirestoreRateLimiter, firestore_client: firestore.Client
) -> None:
    quota = Quota(3, 60)
    empty = limiter.peek("k", quota, NOW)
    limiter.acquire("k", quota, NOW)
    before = len(slot_documents(firestore_client))

    used = limiter.peek("k", quota, NOW)

    assert (empty.allowed, empty.remaining) == (True, 3)
    assert (used.allowed, used.remaining) == (True, 2)
    assert before == len(slot_documents(firestore_client)) == 1


def test_slots_carry_their_expiry_and_odd_keys_make_valid_ids(
    limiter: FirestoreRateLimiter, firestore_client: firestore.Client
) -> None:
    odd_key = "uid/with/slashes é:reads"

    assert limiter.acquire(odd_key, TEN_PER_HOUR, NOW).allowed
    assert limiter.peek(odd_key, TEN_PER_HOUR, NOW).remaining == 9

    [slot] = slot_documents(firestore_client)
    expires_at = slot.get(TTL_FIELD)
    assert expires_at.timestamp() == (HOUR_START + timedelta(hours=1) + EXPIRY_MARGIN).timestamp()
    window = slot.reference.parent.parent
    assert window is not None and window.parent.id == COLLECTION
    assert "/" not in window.id and window.id.endswith(":3600:" + str(int(HOUR_START.timestamp())))
