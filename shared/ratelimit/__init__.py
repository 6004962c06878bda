"""Per-user rate limits: quotas by role and endpoint class, counted in fixed windows.

The service layer calls `check_rate_limit` with each endpoint class's `RateLimiter`: in
the cloud the exact Firestore one (`shared.adapters.firestore_rate_limiter`) for the
costly classes and `LeasedRateLimiter` (`leased.py`, quota leased in blocks from a
Firestore ledger) for reads, each behind `RecentPeeks` (usage reads remembered a few
seconds); `MemoryRateLimiter` in tests.
"""

from shared.ratelimit.memory import MemoryRateLimiter
from shared.ratelimit.policy import (
    DEFAULT_POLICY,
    EndpointClass,
    RateLimitPolicy,
    Role,
    policy_from_json,
    role_of,
)
from shared.ratelimit.ports import RateLimiter
from shared.ratelimit.service import (
    RateLimited,
    check_rate_limit,
    rate_limit_key,
)
from shared.ratelimit.windows import Decision, Quota, Window

__all__ = [
    "DEFAULT_POLICY",
    "Decision",
    "EndpointClass",
    "MemoryRateLimiter",
    "Quota",
    "RateLimitPolicy",
    "RateLimited",
    "RateLimiter",
    "Role",
    "Window",
    "check_rate_limit",
    "policy_from_json",
    "rate_limit_key",
    "role_of",
]
