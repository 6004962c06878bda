"""The local command's Gemini path against the fake: whatever the model does, every
source sentence is written within the limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.fake_gemini import FakeGemini, outcomes
from shared import cli
from shared.adapters.genai_model import GenaiModel
from shared.domain.errors import ModelUnavailable
from shared.domain.words import count_words
from shared.gemini import resilient
from shared.gemini.cache import MemoryCache
from shared.gemini.options import RewriteOptions
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import RunStats, source_sentences

SAMPLE = Path(__file__).parents[2] / "samples" / "sample-novel.pdf"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        monkeypatch.setenv("GEMINI_API_KEY", "local-key")
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", server.url)
        yield server


def run_cli(tmp_path: Path, *extra: str) -> tuple[int, list[dict[str, object]]]:
    out = tmp_path / "out.json"
    args = ["process", str(SAMPLE), "--last-page", "4", "--format", "json", "--out", str(out)]
    code = cli.main([*args, *extra, "-q"])
    return code, json.loads(out.read_text())["sentences"] if out.exists() else []


def assert_whole(sentences: list[dict[str, object]]) -> None:
    expected = source_sentences(open_pdf(SAMPLE), 1, 4)
    assert sorted({s["source_index"] for s in sentences}) == [s.index for s in expected]  # type: ignore[type-var]
    assert all(1 <= count_words(str(s["text"])) <= 8 for s in sentences)


def test_auto_uses_gemini_when_a_key_is_set(fake: FakeGemini, tmp_path: Path) -> None:
    code, sentences = run_cli(tmp_path)

    assert code == 0 and fake.calls
    assert "rewritten" in {s["method"] for s in sentences}
    assert_whole(sentences)


def test_an_invalid_key_still_writes_every_sentence_offline(
    fake: FakeGemini, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.valid_keys = {"another-key"}

    code, sentences = run_cli(tmp_path, "--engine", "gemini")

    assert code == 0
    assert {s.get("flag") for s in sentences} == {"gemini_key_invalid"}
    assert "GEMINI_KEY_INVALID" in capsys.readouterr().err
    assert_whole(sentences)


def test_blocked_answers_still_write_every_sentence(fake: FakeGemini, tmp_path: Path) -> None:
    fake.script.when(lambda call: bool(call.items), outcomes.blocked("RECITATION"))

    code, sentences = run_cli(tmp_path, "--engine", "gemini")

    assert code == 0
    assert "gemini_blocked" in {s.get("flag") for s in sentences}
    assert_whole(sentences)


def test_gemini_without_a_key_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)

    code, _ = run_cli(tmp_path, "--engine", "gemini")

    assert code == 2


def test_an_outage_is_retried_then_the_offline_engine_stands_in(fake: FakeGemini) -> None:
    fake.script.when(lambda call: True, outcomes.http_error(503))
    sentences = list(source_sentences(open_pdf(SAMPLE), 1, 2))
    pauses: list[float] = []

    outputs, report, errors = resilient.rewrite_with_fallback(
        GenaiModel("local-key", base_url=fake.url),
        MemoryCache(),
        sentences,
        RewriteOptions(8),
        RunStats(),
        sleep=pauses.append,
    )

    assert pauses == [2.0, 4.0]  # three attempts, backing off
    assert errors and errors[0].startswith(ModelUnavailable.code)
    assert report.flags == {"gemini_unavailable": len(sentences)}
    assert sorted({o.source_index for o in outputs}) == [s.index for s in sentences]
