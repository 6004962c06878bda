"""A rate limiter whose usage reads (`peek`) are remembered for a few seconds.

A frontend polls `GET /me` for the user's quotas; counting each class every time would
cost a Firestore read or aggregation per class per poll. This instance's own admissions
update what it remembers at once, so a user sees their upload counted on the next poll
that reaches the same instance; what other instances admitted shows within `ttl`.
Admission itself (`acquire`) always goes to the limiter it wraps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from shared.ratelimit.ports import RateLimiter
from shared.ratelimit.windows import Decision, Quota, Window

TTL_SECONDS = 5.0
MAX_REMEMBERED = 10_000  # (user, class) pairs: a bound on memory


class RecentPeeks:
    def __init__(
        self,
        inner: RateLimiter,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner, self._ttl, self._clock = inner, ttl, clock
        # (key, window) -> (when seen, requests used in the window then)
        self._seen: dict[tuple[str, Window], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str, quota: Quota, now: datetime) -> Decision:
        decision = self._inner.acquire(key, quota, now)
        self._remember(key, Window.containing(now, quota.window_seconds), decision)
        return decision

    def peek(self, key: str, quota: Quota, now: datetime) -> Decision:
        window = Window.containing(now, quota.window_seconds)
        with self._lock:
            seen = self._seen.get((key, window))
        if seen is not None and self._clock() - seen[0] < self._ttl:
            used = seen[1]
            return Decision.of(quota, now, used, used < quota.limit)
        decision = self._inner.peek(key, quota, now)
        self._remember(key, window, decision)
        return decision

    def _remember(self, key: str, window: Window, decision: Decision) -> None:
        moment = self._clock()
        with self._lock:
            if len(self._seen) >= MAX_REMEMBERED:
                fresh = {k: seen for k, seen in self._seen.items() if moment - seen[0] < self._ttl}
                self._seen = fresh if len(fresh) < MAX_REMEMBERED else {}
            self._seen[key, window] = (moment, decision.limit - decision.remaining)
