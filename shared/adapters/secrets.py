"""Where the Gemini API key comes from: the environment locally, Secret Manager deployed.

Deployed, the key is the secret's latest enabled version, kept a minute: a new version
(a rotated key) is used within that minute, and at once by a call whose key Gemini
refuses, which reads the secret again (`SecretKey.renewed`). No redeploy either way.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from google.api_core.exceptions import FailedPrecondition, NotFound
from google.cloud import secretmanager

from shared.adapters.transient import transient_errors_as_unavailable

# The name the API key is stored under (in the environment: GEMINI_API_KEY).
GEMINI_API_KEY_SECRET = "gemini-api-key"
SECRET_TTL_SECONDS = 60.0


class ReloadableSecrets(Protocol):
    def get(self, name: str) -> str | None: ...

    def reload(self, name: str) -> str | None:
        """The secret read again at its source, past any cache."""
        ...


class EnvSecrets:
    """A secret from the variable named like it: "gemini-api-key" -> GEMINI_API_KEY."""

    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        self._environ = environ

    def get(self, name: str) -> str | None:
        value = self._environ.get(name.upper().replace("-", "_"), "").strip()
        return value or None

    def reload(self, name: str) -> str | None:
        return self.get(name)


class TtlCache:
    """Values kept `ttl_seconds`, then loaded again: a rotated secret is picked up that late."""

    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_seconds = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, str | None]] = {}

    def get(self, name: str, load: Callable[[str], str | None]) -> str | None:
        # One lock for the load too: it runs once per name and ttl, and concurrent
        # requests then wait for that one read instead of all reading.
        with self._lock:
            entry = self._entries.get(name)
            if entry is not None and self._clock() < entry[0]:
                return entry[1]
            return self._load(name, load)

    def refresh(self, name: str, load: Callable[[str], str | None]) -> str | None:
        """Load now, whatever the cache holds, and keep the new value."""
        with self._lock:
            return self._load(name, load)

    def _load(self, name: str, load: Callable[[str], str | None]) -> str | None:
        value = load(name)
        self._entries[name] = (self._clock() + self._ttl_seconds, value)
        return value


class SecretManagerSecrets:
    """The latest enabled version of a secret of `project_id`, cached for `ttl_seconds`.

    There is no Secret Manager emulator: this stays a thin read, not tested against a
    server; the cache it relies on is tested on its own.
    """

    def __init__(
        self,
        project_id: str,
        client: secretmanager.SecretManagerServiceClient | None = None,
        ttl_seconds: float = SECRET_TTL_SECONDS,
    ) -> None:
        self._project_id = project_id
        self._client = client or secretmanager.SecretManagerServiceClient()
        self._cache = TtlCache(ttl_seconds)

    def get(self, name: str) -> str | None:
        return self._cache.get(name, self._read)

    def reload(self, name: str) -> str | None:
        return self._cache.refresh(name, self._read)

    @transient_errors_as_unavailable
    def _read(self, name: str) -> str | None:
        path = self._client.secret_version_path(self._project_id, name, "latest")
        try:
            response = self._client.access_secret_version(name=path)
        except (NotFound, FailedPrecondition):  # no such secret or version; latest disabled
            return None
        return response.payload.data.decode("utf-8").strip() or None


class SecretKey:
    """The Gemini adapter's ApiKeys on a secret: its cached value, or read again."""

    def __init__(self, secrets: ReloadableSecrets, name: str) -> None:
        self._secrets = secrets
        self._name = name

    def current(self) -> str | None:
        return self._secrets.get(self._name)

    def renewed(self) -> str | None:
        return self._secrets.reload(self._name)
