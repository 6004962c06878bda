"""The leased read quota on the Firestore emulator: never over quota across instances,
one ledger write per block, nothing written by a refusal or a peek."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from google.cloud import firestore

from shared.adapters.firestore_quota_ledger import COLLECTION, TTL_FIELD, FirestoreQuotaLedger
from shared.adapters.firestore_rate_limiter import EXPIRY_MARGIN
from shared.ratelimit import Quota
from shared.ratelimit.leased import LeasedRateLimiter
from shared.ratelimit.windows import Window

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("clean_firestore")]

HOUR_START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NOW = HOUR_START + timedelta(minutes=20)
HUNDRED_PER_HOUR = Quota(100, 3600)


class CountingLedger(FirestoreQuotaLedger):
    """The real ledger, counting its round trips to Firestore."""

    def __init__(self, client: firestore.Client) -> None:
        super().__init__(client)
        self.leases = 0
        self.peeks = 0

    def lease(self, key: str, window: Window, slots: int) -> int:
        self.leases += 1
        return super().lease(key, window, slots)

    def leased(self, key: str, window: Window) -> int:
        self.peeks += 1
        return super().leased(key, window)


def lease_documents(client: firestore.Client) -> list[firestore.DocumentSnapshot]:
    return list(client.collection(COLLECTION).stream())


def test_increments_race_without_losing_a_slot(firestore_client: firestore.Client) -> None:
    ledger = FirestoreQuotaLedger(firestore_client)
    window = Window.containing(NOW, 3600)
    start = threading.Barrier(20)

    def lease(_: int) -> int:
        start.wait()
        return ledger.lease("u:reads", window, 3)

    with ThreadPoolExecutor(max_workers=20) as pool:
        totals = sorted(pool.map(lease, range(20)))

    assert totals == list(range(3, 61, 3))  # every lease saw its own, distinct total
    assert ledger.leased("u:reads", window) == 60


def test_instances_sharing_the_ledger_never_admit_more_than_the_quota(
    firestore_client: firestore.Client,
) -> None:
    instances = [LeasedRateLimiter(FirestoreQuotaLedger(firestore_client)) for _ in range(4)]
    start = threading.Barrier(40)

    def burst(n: int) -> int:
        limiter = instances[n % len(instances)]
        start.wait()
        return sum(limiter.acquire("u:reads", HUNDRED_PER_HOUR, NOW).allowed for _ in range(10))

    with ThreadPoolExecutor(max_workers=40) as pool:
        admitted = sum(pool.map(burst, range(40)))  # 400 requests against 100

    # Blocks of 10: at most the quota, and at most one unused block per other instance lost.
    assert 100 - 10 * (len(instances) - 1) <= admitted <= 100


def test_a_block_costs_one_write_and_a_refused_user_costs_none(
    firestore_client: firestore.Client,
) -> None:
    ledger = CountingLedger(firestore_client)
    limiter = LeasedRateLimiter(ledger)

    decisions = [limiter.acquire("u:reads", HUNDRED_PER_HOUR, NOW) for _ in range(130)]

    assert sum(d.allowed for d in decisions) == 100
    assert decisions[99].remaining == 0 and not decisions[100].allowed
    assert decisions[-1].retry_after_seconds == 40 * 60
    assert ledger.leases == 11  # ten blocks and the one refusal that found none left
    assert ledger.peeks == 0
    assert limiter.peek("u:reads", HUNDRED_PER_HOUR, NOW).remaining == 0
    assert ledger.leases == 11


def test_lease_documents_expire_and_odd_keys_make_valid_ids(
    firestore_client: firestore.Client,
) -> None:
    limiter = LeasedRateLimiter(FirestoreQuotaLedger(firestore_client))
    odd_key = "uid/with/slashes é:reads"

    assert limiter.acquire(odd_key, HUNDRED_PER_HOUR, NOW).allowed
    assert limiter.peek(odd_key, HUNDRED_PER_HOUR, NOW).remaining == 99

    [lease] = lease_documents(firestore_client)
    expires_at = lease.get(TTL_FIELD)
    assert expires_at.timestamp() == (HOUR_START + timedelta(hours=1) + EXPIRY_MARGIN).timestamp()
    assert "/" not in lease.id and lease.id.endswith(":3600:" + str(int(HOUR_START.timestamp())))
