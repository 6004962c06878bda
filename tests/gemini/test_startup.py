"""An instance checks its Gemini model when it starts, as the composition root wires it."""

from __future__ import annotations

import logging
import socket

import pytest

from infra.fake_gemini import FakeGemini
from shared.bootstrap import Wiring
from shared.config import Settings
from shared.domain.errors import UnsafeConfiguration
from shared.gemini.ports import DEFAULT_MODEL


@pytest.fixture
def gemini_env(monkeypatch: pytest.MonkeyPatch, fake: FakeGemini) -> pytest.MonkeyPatch:
    monkeypatch.setenv("GEMINI_API_KEY", "local-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
    monkeypatch.delenv("FNT_GEMINI_MODEL", raising=False)
    return monkeypatch


def test_a_served_model_passes(gemini_env: pytest.MonkeyPatch, fake: FakeGemini) -> None:
    Wiring(Settings()).check_gemini_model()

    assert fake.requests == [("GET", f"/v1beta/models/{DEFAULT_MODEL}")]


def test_a_model_gemini_does_not_have_refuses_to_start(
    gemini_env: pytest.MonkeyPatch, fake: FakeGemini
) -> None:
    gemini_env.setenv("FNT_GEMINI_MODEL", "gemini-2.5-flash")

    with pytest.raises(UnsafeConfiguration) as raised:
        Wiring(Settings()).check_gemini_model()

    assert "gemini-2.5-flash" in str(raised.value) and "FNT_GEMINI_MODEL" in str(raised.value)


def test_a_name_of_no_gemini_family_refuses_to_start_even_without_a_key(
    gemini_env: pytest.MonkeyPatch, fake: FakeGemini
) -> None:
    gemini_env.delenv("GEMINI_API_KEY")
    gemini_env.setenv("FNT_GEMINI_MODEL", "gpt-imaginary")

    with pytest.raises(UnsafeConfiguration, match="gpt-imaginary"):
        Wiring(Settings()).check_gemini_model()

    assert fake.requests == []


def test_the_configured_api_version_is_the_one_asked(
    gemini_env: pytest.MonkeyPatch, fake: FakeGemini
) -> None:
    gemini_env.setenv("FNT_GEMINI_API_VERSION", "v1")

    Wiring(Settings()).check_gemini_model()

    assert fake.requests == [("GET", f"/v1/models/{DEFAULT_MODEL}")]


def test_without_a_key_nothing_is_asked(gemini_env: pytest.MonkeyPatch, fake: FakeGemini) -> None:
    gemini_env.delenv("GEMINI_API_KEY")

    Wiring(Settings()).check_gemini_model()

    assert fake.requests == []


def test_an_unreachable_api_only_warns(
    gemini_env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        gemini_env.setenv("GOOGLE_GEMINI_BASE_URL", f"http://127.0.0.1:{probe.getsockname()[1]}")

    with caplog.at_level(logging.WARNING):
        Wiring(Settings()).check_gemini_model()

    assert "GEMINI_UNAVAILABLE" in caplog.text
