"""The environment the entry points need in unit tests: the test profile, Auth emulator
mode (unsigned tokens), and no cached wiring left from another test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared import bootstrap

_CACHED = (bootstrap.settings, bootstrap.user_verifier, bootstrap.worker_caller_check)


@pytest.fixture(autouse=True)
def local_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("FNT_PROFILE", "test")
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    for cached in _CACHED:
        cached.cache_clear()
    yield
    for cached in _CACHED:
        cached.cache_clear()
