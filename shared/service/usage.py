"""A user's use of each rate-limit class in its current window, read without counting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain.users import User
from shared.ratelimit import EndpointClass, rate_limit_key
from shared.service.deps import Deps


@dataclass(frozen=True, slots=True)
class QuotaUse:
    limit: int
    used: int
    remaining: int
    reset_at: datetime


def usage_of(deps: Deps, user: User) -> dict[str, QuotaUse | None]:
    """Per endpoint class; None where the user's role is unlimited."""
    now = deps.clock()
    usage: dict[str, QuotaUse | None] = {}
    for endpoint in EndpointClass:
        quota = deps.rate_policy.quota_for(user.role, endpoint)
        if quota is None:
            usage[str(endpoint)] = None
            continue
        limiter = deps.rate_limiters[endpoint]
        seen = limiter.peek(rate_limit_key(user.uid, endpoint), quota, now)
        usage[str(endpoint)] = QuotaUse(
            seen.limit, seen.limit - seen.remaining, seen.remaining, seen.reset_at
        )
    return usage
