from __future__ import annotations

from shared.adapters.secrets import GEMINI_API_KEY_SECRET, EnvSecrets, TtlCache


def test_env_secret_is_read_from_the_variable_named_like_it() -> None:
    secrets = EnvSecrets({"GEMINI_API_KEY": " key-123\n"})
    assert secrets.get(GEMINI_API_KEY_SECRET) == "key-123"


def test_missing_or_empty_env_secret_is_none() -> None:
    assert EnvSecrets({}).get("gemini-api-key") is None
    assert EnvSecrets({"GEMINI_API_KEY": "  "}).get("gemini-api-key") is None


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_cache_serves_a_value_until_its_ttl_then_loads_the_rotated_one() -> None:
    clock = _Clock()
    cache = TtlCache(300, clock)
    store = {"gemini-api-key": "old"}
    loads: list[str] = []

    def load(name: str) -> str | None:
        loads.append(name)
        return store.get(name)

    assert cache.get("gemini-api-key", load) == "old"
    store["gemini-api-key"] = "new"
    clock.now = 299.0
    assert cache.get("gemini-api-key", load) == "old"
    clock.now = 300.0
    assert cache.get("gemini-api-key", load) == "new"
    assert loads == ["gemini-api-key", "gemini-api-key"]


def test_cache_keeps_a_missing_secret_missing_until_its_ttl() -> None:
    clock = _Clock()
    cache = TtlCache(60, clock)
    store: dict[str, str] = {}
    assert cache.get("gemini-api-key", store.get) is None
    store["gemini-api-key"] = "created"
    assert cache.get("gemini-api-key", store.get) is None
    clock.now = 61.0
    assert cache.get("gemini-api-key", store.get) == "created"
