"""Where the key comes from, and how a rotated key takes effect."""

from __future__ import annotations

from types import SimpleNamespace

from google.api_core.exceptions import NotFound

from infra.fake_gemini import FakeGemini
from shared.adapters.genai_model import GenaiModel
from shared.adapters.secrets import (
    GEMINI_API_KEY_SECRET,
    EnvSecrets,
    SecretKey,
    SecretManagerSecrets,
    TtlCache,
)
from tests.gemini.conftest import rewrite_request


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


def test_refresh_loads_at_once_and_keeps_the_new_value_for_its_ttl() -> None:
    clock = _Clock()
    cache = TtlCache(60, clock)
    store = {"gemini-api-key": "old"}
    assert cache.get("gemini-api-key", store.get) == "old"
    store["gemini-api-key"] = "new"

    assert cache.refresh("gemini-api-key", store.get) == "new"
    store["gemini-api-key"] = "newer"
    assert cache.get("gemini-api-key", store.get) == "new"  # kept from the refresh


class VersionedSecrets:
    """Secret Manager's client as far as SecretManagerSecrets uses it: versions added
    over time, `latest` the newest (there is no emulator to run instead)."""

    def __init__(self) -> None:
        self.versions: list[str] = []
        self.reads = 0

    def secret_version_path(self, project: str, secret: str, version: str) -> str:
        return f"projects/{project}/secrets/{secret}/versions/{version}"

    def access_secret_version(self, name: str) -> SimpleNamespace:
        self.reads += 1
        if not self.versions:
            raise NotFound("no version")
        return SimpleNamespace(payload=SimpleNamespace(data=self.versions[-1].encode()))


def test_a_new_key_version_is_used_without_a_redeploy() -> None:
    """Rotation as the README's runbook does it: add a version, Gemini refuses the old key,
    the call reads the secret again and goes through with the new one."""
    versions = VersionedSecrets()
    versions.versions.append("key-v1")
    secrets = SecretManagerSecrets("real-project", client=versions, ttl_seconds=3600)  # type: ignore[arg-type]
    key = SecretKey(secrets, GEMINI_API_KEY_SECRET)
    with FakeGemini(valid_keys={"key-v1"}) as fake:
        model = GenaiModel(key, base_url=fake.url, timeout_seconds=5)
        model.generate(rewrite_request(["Il pleut."]))
        versions.versions.append("key-v2")  # rotated: the old key is disabled
        fake.valid_keys = {"key-v2"}
        got = model.generate(rewrite_request(["Il neige."]))

    assert got.finish_reason == "STOP"
    assert [call.api_key for call in fake.calls] == ["key-v1", "key-v2"]
    assert versions.reads == 2  # one read per key: the cache serves the rest
    assert key.current() == "key-v2"


def test_no_secret_version_means_no_key() -> None:
    secrets = SecretManagerSecrets("real-project", client=VersionedSecrets())  # type: ignore[arg-type]

    assert SecretKey(secrets, GEMINI_API_KEY_SECRET).current() is None
