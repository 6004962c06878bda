"""Accepted rewrites, by a hash of everything that decides them, so none is paid for twice."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping, Sequence


def rewrite_key(model: str, prompt_version: str, limit: int, text: str) -> str:
    material = json.dumps([model, prompt_version, limit, text], ensure_ascii=False)
    return hashlib.sha256(material.encode()).hexdigest()


class MemoryCache:
    """For the local command and tests: a cache that lives as long as the process."""

    def __init__(self) -> None:
        self._entries: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[str]) -> dict[str, list[str]]:
        with self._lock:
            return {key: list(self._entries[key]) for key in keys if key in self._entries}

    def put_many(self, entries: Mapping[str, Sequence[str]]) -> None:
        with self._lock:
            self._entries.update({key: list(value) for key, value in entries.items()})
