"""Rate limits: fixed windows, decisions, headers, the policy and its configuration."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.errors import AppError
from shared.http.responses import error_headers, http_status, rate_limit_headers
from shared.ratelimit import (
    DEFAULT_POLICY,
    Decision,
    EndpointClass,
    MemoryRateLimiter,
    Quota,
    RateLimited,
    RateLimitPolicy,
    Role,
    Window,
    check_rate_limit,
    policy_from_json,
    role_of,
)

HOUR_START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NOW = HOUR_START + timedelta(minutes=20, seconds=30)
PER_HOUR = Quota(3, 3600)


def test_admits_up_to_the_limit_then_refuses() -> None:
    limiter = MemoryRateLimiter()

    decisions = [limiter.acquire("reader-1:processing", PER_HOUR, NOW) for _ in range(5)]

    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    assert {d.limit for d in decisions} == {3}


def test_a_refusal_says_when_the_window_resets() -> None:
    limiter = MemoryRateLimiter()
    for _ in range(3):
        admitted = limiter.acquire("k", PER_HOUR, NOW)

    refused = limiter.acquire("k", PER_HOUR, NOW)

    assert admitted.reset_at == refused.reset_at == HOUR_START + timedelta(hours=1)
    assert admitted.retry_after_seconds == 0
    assert refused.retry_after_seconds == 39 * 60 + 30


def test_retry_after_is_at_least_a_second() -> None:
    limiter = MemoryRateLimiter()
    almost_reset = HOUR_START + timedelta(minutes=59, seconds=59, milliseconds=900)
    limiter.acquire("k", Quota(1, 3600), almost_reset)

    assert limiter.acquire("k", Quota(1, 3600), almost_reset).retry_after_seconds == 1


def test_a_new_window_admits_again() -> None:
    limiter = MemoryRateLimiter()
    for _ in range(4):
        limiter.acquire("k", PER_HOUR, NOW)

    next_window = limiter.acquire("k", PER_HOUR, HOUR_START + timedelta(hours=1))

    assert next_window.allowed and next_window.remaining == 2
    assert next_window.reset_at == HOUR_START + timedelta(hours=2)


def test_a_caller_whose_clock_lags_still_counts_in_the_previous_window() -> None:
    limiter = MemoryRateLimiter()
    for _ in range(3):
        limiter.acquire("k", PER_HOUR, NOW)
    limiter.acquire("k", PER_HOUR, HOUR_START + timedelta(hours=1))

    assert not limiter.acquire("k", PER_HOUR, HOUR_START + timedelta(minutes=59)).allowed


def test_keys_and_window_lengths_are_counted_apart() -> None:
    limiter = MemoryRateLimiter()
    for _ in range(3):
        limiter.acquire("a", PER_HOUR, NOW)

    assert limiter.acquire("b", PER_HOUR, NOW).allowed
    assert limiter.acquire("a", Quota(3, 60), NOW).allowed


def test_peek_counts_without_taking_a_slot() -> None:
    limiter = MemoryRateLimiter()
    assert limiter.peek("k", PER_HOUR, NOW) == Decision(
        True, 3, 3, HOUR_START + timedelta(hours=1), 0
    )
    for _ in range(3):
        limiter.acquire("k", PER_HOUR, NOW)

    full = limiter.peek("k", PER_HOUR, NOW)

    assert (full.allowed, full.remaining, full.retry_after_seconds) == (False, 0, 39 * 60 + 30)
    assert limiter.peek("k", PER_HOUR, NOW) == full


def test_windows_are_aligned_to_the_epoch() -> None:
    window = Window.containing(datetime(1970, 1, 1, 0, 7, 30, tzinfo=UTC), 300)

    assert (window.start, window.end) == (300, datetime(1970, 1, 1, 0, 10, tzinfo=UTC))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        MemoryRateLimiter().acquire("k", PER_HOUR, datetime(2026, 3, 1, 12, 0))


@pytest.mark.parametrize(("limit", "window"), [(0, 60), (1, 0), (-3, 60)])
def test_a_quota_needs_a_positive_limit_and_window(limit: int, window: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        Quota(limit, window)


def test_fifty_threads_against_a_limit_of_ten_admit_exactly_ten() -> None:
    limiter = MemoryRateLimiter()
    start = threading.Barrier(50)

    def acquire(_: int) -> bool:
        start.wait()
        return limiter.acquire("k", Quota(10, 3600), NOW).allowed

    with ThreadPoolExecutor(max_workers=50) as pool:
        admitted = list(pool.map(acquire, range(50)))

    assert admitted.count(True) == 10


# Headers ---------------------------------------------------------------------


def test_headers_of_an_admitted_request() -> None:
    decision = Decision(True, 10, 7, HOUR_START + timedelta(hours=1), 0)

    assert rate_limit_headers(decision) == {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "7",
        "X-RateLimit-Reset": str(int((HOUR_START + timedelta(hours=1)).timestamp())),
    }


def test_headers_of_a_refused_request_say_when_to_retry() -> None:
    decision = Decision(False, 10, 0, HOUR_START + timedelta(hours=1), 42)

    headers = error_headers(RateLimited(EndpointClass.READS, decision))

    assert headers["Retry-After"] == "42"
    assert headers["X-RateLimit-Remaining"] == "0"


# The service function --------------------------------------------------------


def test_check_admits_and_returns_the_decision() -> None:
    decision = check_rate_limit(
        MemoryRateLimiter(), DEFAULT_POLICY, "reader-1", "premium", EndpointClass.PROCESSING, NOW
    )

    assert decision is not None and decision.allowed
    assert (decision.limit, decision.remaining) == (100, 99)


def test_check_raises_rate_limited_with_the_decision() -> None:
    limiter = MemoryRateLimiter()
    for _ in range(10):
        check_rate_limit(limiter, DEFAULT_POLICY, "u", "free", EndpointClass.PROCESSING, NOW)

    with pytest.raises(RateLimited) as raised:
        check_rate_limit(limiter, DEFAULT_POLICY, "u", "free", EndpointClass.PROCESSING, NOW)

    error = raised.value
    assert isinstance(error, AppError)
    assert (error.code, http_status(error)) == ("RATE_LIMITED", 429)
    assert error.decision.retry_after_seconds == 39 * 60 + 30
    assert error.details["limit"] == 10
    assert error.details["reset_at"] == "2026-03-01T13:00:00+00:00"
    assert check_rate_limit(limiter, DEFAULT_POLICY, "u", "free", EndpointClass.EXPORTS, NOW)


def test_an_unknown_role_gets_the_free_quota() -> None:
    decision = check_rate_limit(
        MemoryRateLimiter(), DEFAULT_POLICY, "u", "superuser", EndpointClass.READS, NOW
    )

    assert decision is not None and decision.limit == 300
    assert role_of(None) is role_of("") is role_of("Admin") is Role.FREE


def test_admins_are_unlimited() -> None:
    limiter = MemoryRateLimiter()

    decisions = [
        check_rate_limit(limiter, DEFAULT_POLICY, "u", "admin", EndpointClass.PROCESSING, NOW)
        for _ in range(50)
    ]

    assert decisions == [None] * 50


# Policy configuration --------------------------------------------------------


def test_overrides_replace_only_what_they_name() -> None:
    policy = policy_from_json('{"free": {"processing": [5, 60]}, "admin": {"reads": [1000, 60]}}')

    assert policy.quota_for("free", EndpointClass.PROCESSING) == Quota(5, 60)
    assert policy.quota_for("free", EndpointClass.EXPORTS) == Quota(30, 3600)
    assert policy.quota_for("admin", EndpointClass.READS) == Quota(1000, 60)
    assert policy.quota_for("premium", EndpointClass.READS) == Quota(1200, 60)


def test_null_makes_a_quota_unlimited() -> None:
    policy = policy_from_json('{"premium": {"exports": null}}')

    assert policy.quota_for("premium", EndpointClass.EXPORTS) is None


def test_a_policy_with_a_gap_is_refused() -> None:
    with pytest.raises(ValueError, match="admin/reads"):
        RateLimitPolicy({**DEFAULT_POLICY.quotas, Role.ADMIN: {EndpointClass.PROCESSING: None}})


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_no_overrides_keep_the_defaults(blank: str | None) -> None:
    assert policy_from_json(blank) is DEFAULT_POLICY


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ('{"free": ', "Invalid JSON"),
        ("[]", "object"),
        ('{"guest": {}}', "guest"),
        ('{"free": {"uploads": [1, 60]}}', "uploads"),
        ('{"free": {"processing": [-1, 60]}}', "free.processing.0"),
        ('{"free": {"processing": [10, 0]}}', "free.processing.1"),
        ('{"free": {"processing": [1.5, 60]}}', "integer"),
        ('{"free": {"processing": ["10", 60]}}', "integer"),
        ('{"free": {"processing": [10]}}', "free.processing.1"),
    ],
)
def test_bad_configuration_is_refused_clearly(config: str, problem: str) -> None:
    with pytest.raises(ValueError, match="invalid rate-limit configuration") as raised:
        policy_from_json(config)

    assert problem in str(raised.value)
