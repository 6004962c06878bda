"""A user's saved settings, with defaults when none are saved, cached briefly per instance
(settings are read on every upload; a change shows within the TTL on other instances,
at once on the one that saved it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from shared.domain.users import UserSettings
from shared.service.ports import UserSettingsRepository

TTL_SECONDS = 30.0


class CachedUserSettings:
    """A UserSettingsRepository in front of another, remembering reads for `ttl` seconds."""

    def __init__(
        self,
        inner: UserSettingsRepository,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner, self._ttl, self._clock = inner, ttl, clock
        self._entries: dict[str, tuple[float, UserSettings | None]] = {}
        self._lock = threading.Lock()

    def get(self, uid: str) -> UserSettings | None:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(uid)
        if entry is not None and now - entry[0] < self._ttl:
            return entry[1]
        found = self._inner.get(uid)
        with self._lock:
            self._entries[uid] = (now, found)
        return found

    def put(self, uid: str, settings: UserSettings) -> None:
        self._inner.put(uid, settings)
        with self._lock:
            self._entries[uid] = (self._clock(), settings)


def settings_of(users: UserSettingsRepository, uid: str) -> UserSettings:
    return users.get(uid) or UserSettings()
