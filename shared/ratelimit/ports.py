"""The port the service layer counts requests through; adapters implement it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.ratelimit.windows import Decision, Quota


class RateLimiter(Protocol):
    def acquire(self, key: str, quota: Quota, now: datetime) -> Decision:
        """Admit one request if the window of `now` has a slot left; count it if so."""
        ...

    def peek(self, key: str, quota: Quota, now: datetime) -> Decision:
        """How much of the window of `now` is used, writing nothing.

        `allowed` says whether a request would be admitted now.
        """
        ...
