"""`make smoke-gemini` against the fake: the calls it makes and what it reports."""

from __future__ import annotations

import pytest

from infra import smoke_gemini
from infra.fake_gemini import FakeGemini, blocked
from shared.gemini.ports import DEFAULT_MODEL


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch, fake: FakeGemini) -> FakeGemini:
    monkeypatch.setenv("GEMINI_API_KEY", "smoke-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
    for name in ("FNT_GEMINI_MODEL", "FNT_GEMINI_API_VERSION"):
        monkeypatch.delenv(name, raising=False)
    return fake


def test_without_a_key_it_says_so_and_succeeds(
    monkeypatch: pytest.MonkeyPatch, fake: FakeGemini, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)

    assert smoke_gemini.main([]) == 0

    assert "GEMINI_API_KEY is not set" in capsys.readouterr().out
    assert fake.requests == []


def test_it_checks_the_model_then_sends_three_calls_and_shows_tokens(
    keyed: FakeGemini, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smoke_gemini.main([]) == 0

    out = capsys.readouterr().out
    assert keyed.requests[0] == ("GET", f"/v1beta/models/{DEFAULT_MODEL}")
    plain, structured, transcription = keyed.calls
    assert "responseJsonSchema" not in plain.generation_config
    assert structured.generation_config["responseMimeType"] == "application/json"
    assert transcription.document_pages == 2
    assert "[structured output] STOP: [{" in out and "the checks" in out  # its verdict
    assert "all steps passed" in out
    assert out.count("tokens:") == 3


def test_a_step_that_fails_is_reported_and_fails_the_run(
    keyed: FakeGemini, capsys: pytest.CaptureFixture[str]
) -> None:
    keyed.script.when(lambda call: bool(call.documents), blocked("RECITATION"))

    assert smoke_gemini.main(["--api-version", "v1"]) == 1

    out = capsys.readouterr().out
    assert "TRANSCRIPTION_RECITATION" in out and "failed: two-page transcription" in out
    assert {call.api_version for call in keyed.calls} == {"v1"}
