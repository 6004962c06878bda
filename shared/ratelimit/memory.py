"""RateLimiter in process memory: exact across threads, for tests and runs without Firestore."""

from __future__ import annotations

import threading
from datetime import datetime

from shared.ratelimit.windows import Decision, Quota, Window


class MemoryRateLimiter:
    def __init__(self) -> None:
        # (key, window seconds) -> window start -> requests admitted in that window
        self._used: dict[tuple[str, int], dict[int, int]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str, quota: Quota, now: datetime) -> Decision:
        window = Window.containing(now, quota.window_seconds)
        with self._lock:
            windows = self._windows(key, window)
            used = windows.get(window.start, 0)
            allowed = used < quota.limit
            if allowed:
                used = windows[window.start] = used + 1
        return Decision.of(quota, now, used, allowed)

    def peek(self, key: str, quota: Quota, now: datetime) -> Decision:
        window = Window.containing(now, quota.window_seconds)
        with self._lock:
            used = self._used.get((key, window.seconds), {}).get(window.start, 0)
        return Decision.of(quota, now, used, used < quota.limit)

    def _windows(self, key: str, window: Window) -> dict[int, int]:
        windows = self._used.setdefault((key, window.seconds), {})
        if window.start not in windows:
            # Forget all but the previous window, which a caller whose clock lags may still use.
            for start in [start for start in windows if start < window.start - window.seconds]:
                del windows[start]
        return windows
