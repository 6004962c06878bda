"""Quotas, fixed windows aligned to the epoch, and the decision a rate limiter returns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Quota:
    """At most `limit` requests in each fixed window of `window_seconds`."""

    limit: int
    window_seconds: int

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window_seconds < 1:
            raise ValueError(f"a quota needs a positive limit and window, not {self}")


@dataclass(frozen=True, slots=True)
class Window:
    """The fixed window [start, start + seconds) in epoch seconds."""

    start: int
    seconds: int

    @classmethod
    def containing(cls, now: datetime, seconds: int) -> Window:
        # A naive datetime would be read in the machine's zone: windows must not depend on it.
        if now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
        return cls(math.floor(now.timestamp()) // seconds * seconds, seconds)

    @property
    def end(self) -> datetime:
        return datetime.fromtimestamp(self.start + self.seconds, UTC)


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a request is admitted, and what to tell the client about its quota.

    `retry_after_seconds` is 0 when allowed, else at least 1 (until the window resets).
    """

    allowed: bool
    limit: int
    remaining: int
    reset_at: datetime
    retry_after_seconds: int

    @classmethod
    def of(cls, quota: Quota, now: datetime, used: int, allowed: bool) -> Decision:
        """The decision once `used` requests of the current window are known to be taken."""
        reset_at = Window.containing(now, quota.window_seconds).end
        wait = 0 if allowed else max(1, math.ceil((reset_at - now).total_seconds()))
        return cls(allowed, quota.limit, max(0, quota.limit - used), reset_at, wait)
