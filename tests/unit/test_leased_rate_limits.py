"""Reads are limited from slots leased in blocks: never more than the quota across every
instance, at most one ledger write per block, nothing more once the quota is spent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from shared.ratelimit.leased import BLOCK_FRACTION, LeasedRateLimiter, MemoryLedger
from shared.ratelimit.windows import Quota, Window

NOW = datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)
QUOTA = Quota(300, 60)
BLOCK = QUOTA.limit // BLOCK_FRACTION


class CountingLedger(MemoryLedger):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def lease(self, key: str, window: Window, slots: int) -> int:
        self.writes += 1
        return super().lease(key, window, slots)


def test_one_instance_admits_the_quota_exactly_with_a_write_per_block() -> None:
    ledger = CountingLedger()
    limiter = LeasedRateLimiter(ledger)

    decisions = [limiter.acquire("u:reads", QUOTA, NOW) for _ in range(QUOTA.limit + 50)]

    assert sum(d.allowed for d in decisions) == QUOTA.limit
    assert ledger.writes == QUOTA.limit // BLOCK + 1  # the last one only learns it is spent
    assert [d.remaining for d in decisions[:3]] == [299, 298, 297]
    refused = decisions[-1]
    assert not refused.allowed and refused.retry_after_seconds == 30


def test_instances_sharing_a_ledger_never_admit_more_than_the_quota() -> None:
    ledger = MemoryLedger()
    instances = [LeasedRateLimiter(ledger) for _ in range(4)]

    def request(n: int) -> bool:
        return instances[n % len(instances)].acquire("u:reads", QUOTA, NOW).allowed

    with ThreadPoolExecutor(16) as pool:
        admitted = sum(pool.map(request, range(2 * QUOTA.limit)))

    # Each instance may strand at most a block it leased but never used.
    assert QUOTA.limit - (len(instances) - 1) * BLOCK <= admitted <= QUOTA.limit


def test_a_new_window_starts_a_new_count() -> None:
    limiter = LeasedRateLimiter(MemoryLedger())
    for _ in range(QUOTA.limit):
        assert limiter.acquire("u:reads", QUOTA, NOW).allowed
    assert not limiter.acquire("u:reads", QUOTA, NOW).allowed

    assert limiter.acquire("u:reads", QUOTA, NOW + timedelta(seconds=30)).allowed


def test_usage_counts_what_was_leased_less_what_this_instance_holds() -> None:
    ledger = MemoryLedger()
    limiter = LeasedRateLimiter(ledger)
    for _ in range(5):
        limiter.acquire("u:reads", QUOTA, NOW)

    seen = limiter.peek("u:reads", QUOTA, NOW)

    assert (seen.limit, seen.remaining, seen.allowed) == (300, 295, True)
    assert LeasedRateLimiter(ledger).peek("u:reads", QUOTA, NOW).remaining == 300 - BLOCK
