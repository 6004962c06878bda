"""A rate limiter for the cheap, frequent class (reads): slots leased in blocks.

Each instance leases a block of its user's window (a tenth of the quota) from a shared
ledger with one increment, then admits that many requests from memory, without a
Firestore operation each. The ledger only ever grants what is left, so across every
instance no more than the quota is admitted in a window; slots an instance leased and
did not use are lost to that window, so a user spread over several instances may be
refused up to (instances - 1) blocks early. A refusal is remembered for the rest of the
window: a user over quota costs nothing more. The classes where a slot is money
(processing, exports) keep the exact limiter, one document per admitted request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from shared.ratelimit.ports import QuotaLedger
from shared.ratelimit.windows import Decision, Quota, Window

# A lease is this share of the quota (at least one slot).
BLOCK_FRACTION = 10


@dataclass(slots=True)
class _Lease:
    left: int  # slots this instance still holds in the window
    leased: int  # the ledger's total for the window, as last seen
    exhausted: bool = False


class LeasedRateLimiter:
    def __init__(self, ledger: QuotaLedger) -> None:
        self._ledger = ledger
        self._leases: dict[tuple[str, Window], _Lease] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str, quota: Quota, now: datetime) -> Decision:
        window = Window.containing(now, quota.window_seconds)
        with self._lock:
            held = self._leases.get((key, window))
            if held is not None and (held.left or held.exhausted):
                return self._take(held, quota, now)
        block = max(1, quota.limit // BLOCK_FRACTION)
        leased = self._ledger.lease(key, window, block)  # a network call: outside the lock
        granted = max(0, min(block, quota.limit - (leased - block)))
        with self._lock:
            self._forget_before(window)
            held = self._leases.setdefault((key, window), _Lease(0, 0))
            held.left += granted
            held.leased = max(held.leased, leased)
            held.exhausted = granted == 0 and not held.left
            return self._take(held, quota, now)

    def peek(self, key: str, quota: Quota, now: datetime) -> Decision:
        window = Window.containing(now, quota.window_seconds)
        leased = self._ledger.leased(key, window)
        with self._lock:
            held = self._leases.get((key, window))
            unused = held.left if held is not None else 0
        used = min(leased, quota.limit) - unused
        return Decision.of(quota, now, used, used < quota.limit)

    def _take(self, held: _Lease, quota: Quota, now: datetime) -> Decision:
        allowed = held.left > 0
        held.left -= allowed
        used = min(held.leased, quota.limit) - held.left
        return Decision.of(quota, now, used, allowed)

    def _forget_before(self, window: Window) -> None:
        """Drop leases of windows that ended (keeping the previous, for a lagging clock)."""
        stale = [
            slot
            for slot in self._leases
            if slot[1].seconds == window.seconds and slot[1].start < window.start - window.seconds
        ]
        for slot in stale:
            del self._leases[slot]


class MemoryLedger:
    """The shared ledger in process memory, for tests and runs without Firestore."""

    def __init__(self) -> None:
        self._leased: dict[tuple[str, Window], int] = {}
        self._lock = threading.Lock()

    def lease(self, key: str, window: Window, slots: int) -> int:
        with self._lock:
            self._leased[key, window] = total = self._leased.get((key, window), 0) + slots
            return total

    def leased(self, key: str, window: Window) -> int:
        with self._lock:
            return self._leased.get((key, window), 0)
