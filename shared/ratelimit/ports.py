"""The ports the service layer counts requests through; adapters implement them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.ratelimit.windows import Decision, Quota, Window


class RateLimiter(Protocol):
    def acquire(self, key: str, quota: Quota, now: datetime) -> Decision:
        """Admit one request if the window of `now` has a slot left; count it if so."""
        ...

    def peek(self, key: str, quota: Quota, now: datetime) -> Decision:
        """How much of the window of `now` is used, writing nothing.

        `allowed` says whether a request would be admitted now.
        """
        ...


class QuotaLedger(Protocol):
    """A shared count of the slots leased in each key's window (LeasedRateLimiter's)."""

    def lease(self, key: str, window: Window, slots: int) -> int:
        """Add `slots` to the window's count, atomically; the count with them."""
        ...

    def leased(self, key: str, window: Window) -> int:
        """The window's count, writing nothing."""
        ...
