"""Usage reads are remembered a few seconds per instance; admissions are never cached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.ratelimit import MemoryRateLimiter, Quota
from shared.ratelimit.recent_peeks import MAX_REMEMBERED, TTL_SECONDS, RecentPeeks
from shared.ratelimit.windows import Decision

NOW = datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)
QUOTA = Quota(10, 60)


class CountingLimiter(MemoryRateLimiter):
    def __init__(self) -> None:
        super().__init__()
        self.peeks = 0

    def peek(self, key: str, quota: Quota, now: datetime) -> Decision:
        self.peeks += 1
        return super().peek(key, quota, now)


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_poll_within_the_ttl_reads_nothing_and_this_instances_admissions_show_at_once() -> None:
    shared, clock = CountingLimiter(), Monotonic()
    here = RecentPeeks(shared, clock=clock)

    assert here.peek("u:exports", QUOTA, NOW).remaining == 10
    here.acquire("u:exports", QUOTA, NOW)
    polls = [here.peek("u:exports", QUOTA, NOW).remaining for _ in range(5)]

    assert polls == [9] * 5
    assert shared.peeks == 1


def test_other_instances_admissions_show_once_the_ttl_has_passed() -> None:
    shared, clock = CountingLimiter(), Monotonic()
    here, elsewhere = RecentPeeks(shared, clock=clock), RecentPeeks(shared, clock=clock)
    here.peek("u:exports", QUOTA, NOW)

    for _ in range(3):
        assert elsewhere.acquire("u:exports", QUOTA, NOW).allowed
    stale = here.peek("u:exports", QUOTA, NOW)
    clock.now += TTL_SECONDS
    fresh = here.peek("u:exports", QUOTA, NOW)

    assert (stale.remaining, fresh.remaining) == (10, 7)
    assert not fresh.retry_after_seconds


def test_admission_is_never_answered_from_memory() -> None:
    shared = CountingLimiter()
    here = RecentPeeks(shared, clock=Monotonic())

    decisions = [here.acquire("u:processing", QUOTA, NOW) for _ in range(12)]

    assert [d.allowed for d in decisions] == [True] * 10 + [False] * 2
    refused = here.peek("u:processing", QUOTA, NOW)
    assert (refused.allowed, refused.remaining, refused.retry_after_seconds) == (False, 0, 30)


def test_a_new_window_is_read_afresh() -> None:
    shared = CountingLimiter()
    here = RecentPeeks(shared, clock=Monotonic())
    here.acquire("u:exports", QUOTA, NOW)

    next_window = here.peek("u:exports", QUOTA, NOW + timedelta(seconds=30))

    assert next_window.remaining == 10 and shared.peeks == 1


def test_memory_stays_bounded() -> None:
    clock = Monotonic()
    here = RecentPeeks(MemoryRateLimiter(), clock=clock)

    for n in range(MAX_REMEMBERED + 5):
        here.peek(f"user-{n}:reads", QUOTA, NOW)

    assert len(here._seen) <= MAX_REMEMBERED
