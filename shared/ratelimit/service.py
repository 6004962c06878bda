"""Count a request against its caller's quota.

On a limiter outage the Firestore adapter raises `Unavailable`, and `check_rate_limit`
lets it through: the request fails closed (a transient error: 503 with Retry-After).
Every rate-limited endpoint needs Firestore for its own work anyway, so failing open
would buy nothing for reads, and for processing it would let unmetered model spend
through exactly when the system is degraded.
"""

from __future__ import annotations

from datetime import datetime

from shared.domain.errors import Limited
from shared.ratelimit.policy import EndpointClass, RateLimitPolicy
from shared.ratelimit.ports import RateLimiter
from shared.ratelimit.windows import Decision


class RateLimited(Limited):
    """The caller's quota for this kind of request is spent until `decision.reset_at`."""

    code = "RATE_LIMITED"

    def __init__(self, endpoint: EndpointClass, decision: Decision) -> None:
        super().__init__(
            f"Too many {endpoint} requests; retry in {decision.retry_after_seconds} s.",
            {
                "endpoint_class": str(endpoint),
                "limit": decision.limit,
                "reset_at": decision.reset_at.isoformat(),
                "retry_after_seconds": decision.retry_after_seconds,
            },
            retry_after_seconds=decision.retry_after_seconds,
        )
        self.decision = decision


def check_rate_limit(
    limiter: RateLimiter,
    policy: RateLimitPolicy,
    uid: str,
    role: str,
    endpoint: EndpointClass,
    now: datetime,
) -> Decision | None:
    """Admit one request of `uid`, or raise RateLimited; None when the role is unlimited."""
    quota = policy.quota_for(role, endpoint)
    if quota is None:
        return None
    decision = limiter.acquire(rate_limit_key(uid, endpoint), quota, now)
    if not decision.allowed:
        raise RateLimited(endpoint, decision)
    return decision


def rate_limit_key(uid: str, endpoint: EndpointClass) -> str:
    """One counter per user and endpoint class, whatever the user's role."""
    return f"{uid}:{endpoint}"
